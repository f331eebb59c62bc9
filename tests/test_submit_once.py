"""A create form sent twice (double click, reload, Back and send again) saves one row."""

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from clients.models import CheckIn, Client, ConsentDocument, HomePractice, Note, Precaution, Session
from clients.vocabulary import Condition, SetBy
from practice.models import Invitation, Studio
from practice.once import ALREADY_SAVED
from routines.models import Modification, Routine
from tests.factories import (
    ClientFactory,
    RoutineFactory,
    SessionFactory,
    UserFactory,
    library_pose,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TOKEN = re.compile(r'name="submit_once" value="([0-9a-f]+)"')


@dataclass
class CreateForm:
    page: str  # where the form is drawn
    action: str  # where it is sent
    data: dict[str, Any]
    rows: Any  # counts what the form creates
    headers: dict[str, str] = field(default_factory=dict)


def _token(client, page: str) -> str:
    response = client.get(page)
    assert response.status_code == 200
    found = TOKEN.findall(response.text)
    assert found, f"no one-time token on {page}"
    return found[-1]


@pytest.fixture
def person(world) -> Client:
    return ClientFactory(studio=world.studio, preferred_name="Rosa")


def _forms(world, person) -> dict[str, CreateForm]:
    studio = world.studio.code
    pose = library_pose("butterfly")
    routine = RoutineFactory(studio=world.studio, title="Morning hips")
    held = SessionFactory(studio=world.studio, teacher=world.alice, clients=[person])
    check_in = reverse("checkin", args=[studio, held.code, person.code, "before"])
    session_note = reverse("session_note", args=[studio, held.code, person.code])
    home_practice = reverse("home_practice", args=[studio, person.code])
    return {
        "client": CreateForm(
            page=reverse("client_create", args=[studio]),
            action=reverse("client_create", args=[studio]),
            data={"preferred_name": "Mina", "full_name": "Mina Park"},
            rows=lambda: Client.objects.filter(preferred_name="Mina").count(),
        ),
        "note over htmx": CreateForm(
            page=person.get_absolute_url(),
            action=reverse("note_add", args=[studio, person.code]),
            data={"body": "Felt calmer today.", "privacy": "studio"},
            rows=lambda: Note.objects.filter(client=person).count(),
            # htmx names the page it was sent from.
            headers={**HTMX, "HX-Current-URL": f"http://testserver{person.get_absolute_url()}"},
        ),
        "precaution": CreateForm(
            page=reverse("precaution_add", args=[studio, person.code]),
            action=reverse("precaution_add", args=[studio, person.code]),
            data={
                "condition": Condition.KNEE_INJURY,
                "side": "right",
                "restricted_movements": ["deep_knee_flexion"],
                "start_date": "2025-03-01",
                "until_cleared": "on",
                "set_by": SetBy.PHYSIOTHERAPIST,
                "note": "No deep squats for now.",
            },
            rows=lambda: Precaution.objects.filter(client=person).count(),
        ),
        "invitation": CreateForm(
            page=reverse("team", args=[studio]),
            action=reverse("team_invite", args=[studio]),
            data={"email": "new.teacher@example.com", "role": "instructor"},
            rows=lambda: Invitation.objects.filter(email="new.teacher@example.com").count(),
        ),
        "routine": CreateForm(
            page=reverse("routine_create", args=[studio]),
            action=reverse("routine_create", args=[studio]),
            data={"title": "Evening hips"},
            rows=lambda: Routine.objects.filter(title="Evening hips").count(),
        ),
        "duplicate routine": CreateForm(
            page=routine.get_absolute_url(),
            action=reverse("routine_duplicate", args=[studio, routine.code]),
            data={},
            rows=lambda: Routine.objects.filter(studio=world.studio).count() - 1,
        ),
        "modification": CreateForm(
            page=reverse("modification_create", args=[studio, pose.code]),
            action=reverse("modification_create", args=[studio, pose.code]),
            data={
                "name": "Knees together",
                "instructions": "If you like, keep your knees together.",
                "steps": "If you like, lie down.\nYou might keep your knees together.",
                "props": ["blanket"],
                "reduces": ["hip_flexion_past_90"],
            },
            rows=lambda: Modification.objects.filter(name="Knees together").count(),
        ),
        "consent text": CreateForm(
            page=reverse("consent_text", args=[studio]),
            action=reverse("consent_text", args=[studio]),
            data={"text": "Taking part is always your choice."},
            rows=lambda: ConsentDocument.objects.filter(studio=world.studio).count(),
        ),
        "session": CreateForm(
            page=reverse("session_create", args=[studio]),
            action=reverse("session_create", args=[studio]),
            data={
                "clients": [person.code],
                "teacher": world.alice.code,
                "day": "2030-05-07",
                "at": "10:00",
                "duration_minutes": "45",
                "place": "studio",
            },
            rows=lambda: Session.objects.filter(duration_minutes=45).count(),
        ),
        "check-in": CreateForm(
            page=check_in,
            action=check_in,
            data={"hips": "6", "settled": "4", "words": "Tight on the left."},
            rows=lambda: CheckIn.objects.filter(session=held).count(),
        ),
        "session note": CreateForm(
            page=session_note,
            action=session_note,
            data={"body": "Chair practice.", "privacy": "studio"},
            rows=lambda: Note.objects.filter(session=held).count(),
        ),
        "home practice": CreateForm(
            page=home_practice,
            action=home_practice,
            data={"week_of": "2025-05-07", "days": "3"},
            rows=lambda: HomePractice.objects.filter(client=person).count(),
        ),
    }


CASES = [
    "client",
    "note over htmx",
    "precaution",
    "invitation",
    "routine",
    "duplicate routine",
    "modification",
    "consent text",
    "session",
    "check-in",
    "session note",
    "home practice",
]


@pytest.mark.parametrize("case", CASES)
def test_sending_a_create_form_twice_saves_one_row(world, person, case):
    form = _forms(world, person)[case]
    client = world.client_for(world.alice)
    data = {**form.data, "submit_once": _token(client, form.page)}
    first = client.post(form.action, data, headers=form.headers)
    assert first.status_code in (200, 302), first.content[:500]
    assert form.rows() == 1
    again = client.post(form.action, data, headers=form.headers, follow=not form.headers)
    assert form.rows() == 1
    if form.headers:
        assert again.status_code == 200
        assert again["HX-Redirect"] == f"http://testserver{person.get_absolute_url()}"
        assert ALREADY_SAVED in client.get(again["HX-Redirect"]).text
    else:
        assert again.status_code == 200
        assert ALREADY_SAVED in again.text


def test_the_replay_goes_where_the_first_answer_went(world, owner_client):
    page = reverse("client_create", args=[world.studio.code])
    data = {"preferred_name": "Mina", "submit_once": _token(owner_client, page)}
    first = owner_client.post(page, data)
    again = owner_client.post(page, data)
    assert again.status_code == 302
    assert again["Location"] == first["Location"] == Client.objects.get().get_absolute_url()


def test_a_form_with_mistakes_can_be_fixed_and_sent_with_the_same_token(world, owner_client):
    page = reverse("routine_create", args=[world.studio.code])
    token = _token(owner_client, page)
    assert owner_client.post(page, {"title": "", "submit_once": token}).status_code == 400
    response = owner_client.post(page, {"title": "Evening hips", "submit_once": token})
    assert response.status_code == 302
    assert Routine.objects.filter(title="Evening hips").count() == 1


def test_a_new_form_may_create_another_row(world, owner_client):
    page = reverse("routine_create", args=[world.studio.code])
    for _ in range(2):
        owner_client.post(
            page, {"title": "Evening hips", "submit_once": _token(owner_client, page)}
        )
    assert Routine.objects.filter(title="Evening hips").count() == 2


def test_the_token_of_one_person_does_not_stop_another(world):
    page = reverse("routine_create", args=[world.studio.code])
    alice, bob = world.client_for(world.alice), world.client_for(world.bob)
    token = _token(alice, page)
    alice.post(page, {"title": "Evening hips", "submit_once": token})
    bob.post(page, {"title": "Evening hips", "submit_once": token})
    assert Routine.objects.filter(title="Evening hips").count() == 2


def test_founding_a_studio_twice_makes_one(world, client):
    user = UserFactory()
    client.force_login(user)
    token = _token(client, reverse("home"))
    for _ in range(2):
        client.post(reverse("studio_create"), {"name": "Quiet Pines", "submit_once": token})
    assert Studio.objects.filter(name="Quiet Pines").count() == 1


def test_every_page_loads_the_script_that_disables_a_sent_form(world, owner_client):
    page = owner_client.get(reverse("studio_dashboard", args=[world.studio.code])).text
    assert "js/forms.js" in page


@pytest.mark.parametrize(
    "name", ["trigger_add", "client_routine_create", "pose_create", "pose_copy_page"]
)
def test_the_other_create_forms_carry_a_token_too(world, person, owner_client, name):
    studio = world.studio.code
    page = {
        "trigger_add": reverse("trigger_add", args=[studio, person.code]),
        "client_routine_create": reverse("client_routine_create", args=[studio, person.code]),
        "pose_create": reverse("pose_create", args=[studio]),
        "pose_copy_page": library_pose("butterfly").url_in(world.studio),
    }[name]
    assert _token(owner_client, page)


def test_finding_clients_on_the_plan_form_does_not_use_up_its_token(world, person, owner_client):
    page = reverse("session_create", args=[world.studio.code])
    token = _token(owner_client, page)
    found = owner_client.post(page, {"find": "1", "client_search": "Ros", "submit_once": token})
    assert found.status_code == 200
    data = {
        "clients": [person.code],
        "teacher": world.alice.code,
        "day": "2030-05-07",
        "at": "10:00",
        "duration_minutes": "60",
        "place": "online",
        "submit_once": token,
    }
    assert owner_client.post(page, data).status_code == 302
    assert Session.objects.filter(place="online").count() == 1
