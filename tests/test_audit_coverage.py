"""Every page that shows anything of a client leaves an audit entry for that client.

Walks every URL pattern whose kwargs include `client_code`, so a new client page is covered
without anyone remembering to add it. Each is opened with a GET by the owner, as a page and as
an htmx fragment; whatever answers 200 must have written at least one entry for that client.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AuditEvent
from tests.client_routes import CLIENT_ROUTES, ROUTINE_ROUTES, client_objects
from tests.factories import (
    ClientFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
    library_pose,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
# Query strings a page needs to show something at all (without one it redirects).
QUERIES = {"intake_section": {"block": "precautions"}, "step_picker": {"picker": "1", "suits": "1"}}
# A GET that shows nothing: a redirect to the client page (audited there) or POST only.
SHOWS_NOTHING = {302, 405}


def test_the_walk_finds_the_client_pages():
    names = {route.name for route in CLIENT_ROUTES}
    assert {"client_detail", "precaution_add", "client_erase", "client_consent_form"} <= names


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("route", CLIENT_ROUTES, ids=str)
def test_every_client_page_is_audited(world, route, headers):
    client, objects = client_objects(world.studio, author=world.alice)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = world.client_for(world.alice).get(
        route.url(objects), QUERIES.get(route.name, {}), headers=headers
    )
    assert response.status_code in {200, *SHOWS_NOTHING}, f"{route} is not reached"
    if response.status_code in SHOWS_NOTHING:
        return
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.filter(client_code=client.code).exists(), f"{route} showed {client} unaudited"


def test_the_walk_finds_the_routine_pages():
    names = {route.name for route in ROUTINE_ROUTES}
    assert {"routine_detail", "routine_player", "step_edit", "step_picker"} <= names


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("route", ROUTINE_ROUTES, ids=str)
def test_every_page_of_a_tailored_routine_is_audited(world, route, headers):
    client = ClientFactory(studio=world.studio)
    PrecautionFactory(client=client)
    routine = RoutineFactory(studio=world.studio, client=client)
    step = RoutineStepFactory(routine=routine, pose=library_pose("childs-pose"))
    objects = {"studio_code": world.studio.code, "routine_code": routine.code}
    objects["step_code"] = step.code
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = world.client_for(world.alice).get(
        route.url(objects), QUERIES.get(route.name, {}), headers=headers
    )
    assert response.status_code in {200, *SHOWS_NOTHING}, f"{route} is not reached"
    if response.status_code in SHOWS_NOTHING:
        return
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.filter(client_code=client.code).exists(), f"{route} showed {client} unaudited"


def test_the_dashboard_audits_everyone_it_shows(world):
    listed = ClientFactory(studio=world.studio, preferred_name="Ines")
    planned = ClientFactory(studio=world.studio, preferred_name="Tomas")
    SessionFactory(
        studio=world.studio,
        teacher=world.alice,
        clients=[planned],
        starts_at=timezone.now() + timedelta(hours=2),
    )
    PrecautionFactory(client=listed, end_date=date.today() + timedelta(days=5))
    page = world.client_for(world.alice).get(reverse("studio_dashboard", args=[world.studio.code]))
    assert page.status_code == 200
    shown = AuditEvent.objects.filter(record_type="dashboard", actor=world.alice.user)
    for client in (listed, planned):
        assert client.preferred_name in page.text
        assert shown.filter(client_code=client.code).count() == 1, client
    # Written in one statement (clients/audit.py): each entry whole, as any other view's.
    entries = shown.values(
        "studio", "client", "client_code", "action", "actor_label", "ip_address", "summary"
    )
    assert sorted(entries, key=lambda entry: entry["client"]) == [
        {
            "studio": world.studio.pk,
            "client": client.pk,
            "client_code": client.code,
            "action": AuditEvent.Action.VIEW,
            "actor_label": world.alice.user.email,
            "ip_address": "127.0.0.1",
            "summary": "shown on the dashboard",
        }
        for client in sorted((listed, planned), key=lambda client: client.pk)
    ]
    assert shown.get(client=listed).at <= timezone.now()
