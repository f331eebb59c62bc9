import pytest
from django.core.management import call_command
from django.test import Client

from practice.management.commands.seed_demo import DEMO_PASSWORD
from practice.models import Membership, Studio, User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_working_logins(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Studio.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Studio.objects.count(), Membership.objects.count()) == counts
    output = capsys.readouterr().out
    assert "owner@groundwork.test" in output
    assert DEMO_PASSWORD in output
    client = Client()
    assert client.login(email="owner@groundwork.test", password=DEMO_PASSWORD)


def test_demo_has_a_full_team_and_a_separate_studio():
    call_command("seed_demo")
    roles = set(
        Membership.objects.filter(studio__name="Willow Room Yoga").values_list("role", flat=True)
    )
    assert roles == set(Membership.Role.values)
    other = Membership.objects.get(studio__name="Harbour Light Studio")
    assert not other.user.memberships.filter(studio__name="Willow Room Yoga").exists()
