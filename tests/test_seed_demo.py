import pytest
from django.core.management import call_command
from django.test import Client as WebClient

from clients.models import Client, ConsentSignature, Note, Precaution, Trigger
from practice.management.commands.seed_demo import DEMO_PASSWORD
from practice.models import Membership, Studio, User
from routines.models import Routine, RoutineStep

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    models = (User, Studio, Membership, Routine, RoutineStep, Client, Precaution, Note)
    return tuple(model.objects.count() for model in models)


def test_seed_demo_is_idempotent_and_prints_working_logins(capsys):
    call_command("seed_demo")
    counts = _counts()
    call_command("seed_demo")
    assert _counts() == counts
    output = capsys.readouterr().out
    assert "owner@groundwork.test" in output
    assert DEMO_PASSWORD in output
    client = WebClient()
    assert client.login(email="owner@groundwork.test", password=DEMO_PASSWORD)


def test_demo_has_a_full_team_and_a_separate_studio():
    call_command("seed_demo")
    roles = set(
        Membership.objects.filter(studio__name="Willow Room Yoga").values_list("role", flat=True)
    )
    assert roles == set(Membership.Role.values)
    other = Membership.objects.get(studio__name="Harbour Light Studio")
    assert not other.user.memberships.filter(studio__name="Willow Room Yoga").exists()


def test_demo_clients_cover_the_precautions_teachers_meet():
    call_command("seed_demo")
    conditions = set(Precaution.objects.values_list("condition", flat=True))
    assert {"thr_posterior", "knee_injury", "low_back_pain"} <= conditions
    hip = Precaution.objects.get(condition="thr_posterior")
    assert hip.end_date is not None
    assert Trigger.objects.exclude(what_helps="").exists()
    assert ConsentSignature.objects.exists()
    assert Note.objects.exists()
    assert Routine.objects.filter(client__isnull=False, is_template=False).exists()
    assert Routine.objects.filter(is_template=True).exists()
