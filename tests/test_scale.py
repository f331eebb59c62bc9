"""A large studio stays fast: no page renders more rows than it shows, client choices are a
search, the login session is written only when it changes, and WeasyPrint loads only to render."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session as LoginSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.chooser import CHOOSER_LIMIT
from clients.models import AuditEvent, Client
from tests.factories import ConsentDocumentFactory, RoutineFactory

HTMX = {"HX-Request": "true"}
# A page offering a client choice must not list more than this many clients.
MOST_OPTIONS = 25


@pytest.fixture
def crowd(world) -> list[Client]:
    """300 clients: more than any page may list at once."""
    return Client.objects.bulk_create(
        Client(studio=world.studio, preferred_name=f"Person{n:03d}", full_name=f"Full Name{n:03d}")
        for n in range(300)
    )


def _client_codes_in(html: str, clients: list[Client]) -> int:
    codes = {str(client.code) for client in clients}
    return len(set(re.findall(r"[0-9a-f]{8}-[0-9a-f-]{27}", html)) & codes)


def test_no_page_offers_more_than_a_page_of_clients(world, crowd):
    routine = RoutineFactory(studio=world.studio, client=crowd[7])
    ConsentDocumentFactory(studio=world.studio, version=1)
    client = world.client_for(world.alice)
    studio = world.studio.code
    pages = {
        "builder": reverse("routine_detail", args=[studio, routine.code]),
        "audit trail": reverse("audit_list", args=[studio]),
        "client list": reverse("client_list", args=[studio]),
        "consent page": reverse("consent_text", args=[studio]),
        "new routine for a client": reverse("client_routine_create", args=[studio, crowd[0].code]),
        "chooser search": reverse("client_choose", args=[studio]) + "?q=person",
        # The library's "suits client" filter (the safety checker) is a chooser too.
        "library": reverse("pose_list", args=[studio]),
        "library, suits one client": reverse("pose_list", args=[studio])
        + f"?suits={crowd[3].code}",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert _client_codes_in(response.text, crowd) <= MOST_OPTIONS, name


def test_the_builder_shows_the_tailored_client_and_searches_for_others(world, crowd):
    routine = RoutineFactory(studio=world.studio, client=crowd[7])
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert f'value="{crowd[7].code}" checked' in page
    assert reverse("client_choose", args=[world.studio.code]) in page
    found = world.client_for(world.bob).get(
        reverse("client_choose", args=[world.studio.code]),
        {"field": "client", "q": "person0"},
        headers=HTMX,
    )
    assert "<html" not in found.text
    assert found.text.count('type="radio"') == CHOOSER_LIMIT
    assert "type more of the name" in found.text


def test_the_chooser_finds_only_this_studios_active_clients(world, crowd):
    Client.objects.create(studio=world.other_studio, preferred_name="Person999")
    Client.objects.filter(pk=crowd[5].pk).update(status=Client.Status.ARCHIVED)
    url = reverse("client_choose", args=[world.studio.code])
    found = world.client_for(world.bob).get(url, {"q": "person99"}, headers=HTMX).text
    assert "Person999" not in found
    archived = world.client_for(world.bob).get(url, {"q": "person005"}, headers=HTMX).text
    assert "Person005" not in archived
    with_archived = world.client_for(world.bob).get(
        url, {"q": "person005", "archived": "1"}, headers=HTMX
    )
    assert "Person005 (archived)" in with_archived.text


def test_without_javascript_the_chooser_is_a_search_page_that_sends_the_choice_back(world, crowd):
    routine = RoutineFactory(studio=world.studio)
    back = f"{routine.get_absolute_url()}#routine-details"
    page = world.client_for(world.bob).get(
        reverse("client_choose", args=[world.studio.code]),
        {"field": "client", "q": "person042", "next": back},
    )
    assert "<html" in page.text
    link = f"{routine.get_absolute_url()}?client={crowd[42].code}#routine-details"
    assert link in page.text
    builder = (
        world.client_for(world.bob).get(routine.get_absolute_url(), {"client": crowd[42].code}).text
    )
    assert f'value="{crowd[42].code}" checked' in builder
    assert 'id="routine-details" class="routine-details" open' in builder


def test_the_chooser_never_sends_you_to_another_site(world, crowd):
    page = (
        world.client_for(world.bob)
        .get(
            reverse("client_choose", args=[world.studio.code]),
            {"q": "person042", "next": "https://evil.example/steal"},
        )
        .text
    )
    assert "evil.example" not in page
    assert reverse("client_detail", args=[world.studio.code, crowd[42].code]) in page


def test_a_routine_is_tailored_for_a_client_chosen_by_code(world, crowd):
    routine = RoutineFactory(studio=world.studio)
    data = {"version": routine.version, "title": "For you", "status": "draft"}
    response = world.client_for(world.bob).post(
        reverse("routine_edit", args=[world.studio.code, routine.code]),
        {**data, "client": crowd[3].code},
    )
    assert response.status_code == 302
    routine.refresh_from_db()
    assert routine.client == crowd[3]


def test_another_studios_client_cannot_be_chosen(world, crowd):
    theirs = Client.objects.create(studio=world.other_studio, preferred_name="Theirs")
    routine = RoutineFactory(studio=world.studio)
    response = world.client_for(world.bob).post(
        reverse("routine_edit", args=[world.studio.code, routine.code]),
        {"version": routine.version, "title": "x", "status": "draft", "client": theirs.code},
    )
    assert response.status_code == 400
    routine.refresh_from_db()
    assert routine.client is None


def test_lists_show_one_page(world, crowd):
    RoutineFactory.create_batch(30, studio=world.studio)
    client = world.client_for(world.bob)
    routines = client.get(reverse("routine_list", args=[world.studio.code]))
    assert routines.text.count('name="routine"') == 25
    clients = client.get(reverse("client_list", args=[world.studio.code]))
    assert _client_codes_in(clients.text, crowd) == 25


def test_the_consent_page_counts_everyone_and_lists_a_page(world, crowd):
    ConsentDocumentFactory(studio=world.studio, version=1)
    response = world.client_for(world.alice).get(reverse("consent_text", args=[world.studio.code]))
    assert "300 clients have not signed version 1" in response.text
    assert _client_codes_in(response.text, crowd) == 25
    second = world.client_for(world.alice).get(
        reverse("consent_text", args=[world.studio.code]), {"page": 2}
    )
    assert "Person025" in second.text and "Person024" not in second.text


def test_studio_settings_offer_time_zones_without_a_select(world):
    response = world.client_for(world.alice).get(
        reverse("studio_settings", args=[world.studio.code])
    )
    assert "<select" not in response.text.split('name="time_zone"')[1].split("</datalist>")[0]
    assert (
        'list="time-zones"' in response.text
        and '<option value="Pacific/Auckland">' in response.text
    )
    assert len(response.content) < 200 * 1024
    bad = world.client_for(world.alice).post(
        reverse("studio_settings", args=[world.studio.code]),
        {"name": "Willow Room", "time_zone": "Mars/Olympus"},
    )
    assert bad.status_code == 400
    assert "Choose a time zone from the list" in bad.text


def test_browsing_studio_pages_does_not_write_the_login_session(world):
    client = world.client_for(world.bob)
    dashboard = reverse("studio_dashboard", args=[world.studio.code])
    client.get(dashboard)
    written = LoginSession.objects.get().session_data
    for url in (dashboard, reverse("client_list", args=[world.studio.code]), dashboard):
        client.get(url)
    assert LoginSession.objects.get().session_data == written


def test_opening_another_studio_is_remembered(world):
    membership = world.charlie
    world.other_studio.memberships.model.objects.create(
        user=membership.user, studio=world.studio, role="assistant"
    )
    client = world.client_for(membership)
    client.get(reverse("studio_dashboard", args=[world.studio.code]))
    response = client.get(reverse("home"))
    assert response["Location"] == world.studio.get_absolute_url()


def test_audit_rows_do_not_load_encrypted_client_columns(world, crowd):
    for client in crowd[:3]:
        AuditEvent.objects.create(
            studio=world.studio,
            actor_label="x",
            action="view",
            client=client,
            client_code=client.code,
            record_type="client",
        )
    with CaptureQueriesContext(connection) as context:
        world.client_for(world.alice).get(reverse("audit_list", args=[world.studio.code]))
    entries = next(
        q["sql"]
        for q in context
        if 'FROM "clients_auditevent"' in q["sql"]
        and "LIMIT" in q["sql"]
        and "COUNT" not in q["sql"]
    )
    assert "goals" not in entries and "emergency_contact" not in entries


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
@pytest.mark.parametrize("field", ["client", "actor"])
def test_a_filtered_audit_trail_reads_its_own_index(world, crowd, field):
    """Filtered by one client or one member, the trail and its count follow that filter's
    index instead of walking the whole studio's trail in time order."""
    for client in crowd[:3]:
        AuditEvent.objects.create(
            studio=world.studio,
            actor=world.alice.user,
            actor_label="x",
            action="view",
            client=client,
            client_code=client.code,
            record_type="client",
        )
    value = crowd[0].code if field == "client" else world.alice.code
    url = reverse("audit_list", args=[world.studio.code]) + f"?{field}={value}"
    with CaptureQueriesContext(connection) as context:
        response = world.client_for(world.alice).get(url)
    assert response.status_code == 200
    trail = [q["sql"] for q in context if 'FROM "clients_auditevent"' in q["sql"]]
    assert len(trail) == 2  # the page and its count
    for sql in trail:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert f"audit_{field}_idx" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_importing_the_url_configuration_does_not_import_weasyprint():
    code = (
        "import django, sys; django.setup(); import practice.urls; "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "practice.settings", "PATH": ""},
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.stdout.strip() == "False"
