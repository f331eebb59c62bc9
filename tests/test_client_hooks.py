"""Routines' part of a client's export and erasure, added through `clients.hooks`."""

import pytest
from django.urls import reverse

from clients import hooks
from clients.export import client_record
from clients.models import Client
from routines.client_records import ERASED_TITLE, TAILORED_ROUTINES, routines_erase_for_client
from tests.factories import ClientFactory, RoutineFactory, RoutineStepFactory


@pytest.fixture
def rosa(world) -> Client:
    return ClientFactory(studio=world.studio, preferred_name="Rosa", full_name="Rosa Delgado")


def test_routines_register_their_part_exactly_once():
    assert hooks.RECORD_SECTIONS.count(TAILORED_ROUTINES) == 1
    assert hooks.ERASE_HOOKS.count(routines_erase_for_client) == 1
    # What `ready()` does, done again: nothing is added twice.
    hooks.register_record_section(TAILORED_ROUTINES)
    hooks.register_erase_hook(routines_erase_for_client)
    assert len(hooks.RECORD_SECTIONS) == len(set(hooks.RECORD_SECTIONS))
    assert hooks.ERASE_HOOKS.count(routines_erase_for_client) == 1


def test_two_sections_cannot_share_a_key():
    clash = hooks.RecordSection(key="routines", lookups=list, data=lambda client: [])
    with pytest.raises(ValueError, match="already registered"):
        hooks.register_record_section(clash)


def test_the_export_holds_the_routines_tailored_for_the_client(world, rosa):
    routine = RoutineFactory(studio=world.studio, client=rosa, title="Rosa's mornings")
    RoutineStepFactory(routine=routine, cue="Only as far as feels kind.")
    RoutineFactory(studio=world.studio, title="Someone else's")
    record = client_record(rosa, world.alice)
    assert [r["title"] for r in record["routines"]] == ["Rosa's mornings"]
    assert record["routines"][0]["code"] == str(routine.code)
    assert record["routines"][0]["steps"][0]["cue"] == "Only as far as feels kind."


def test_erasure_takes_the_clients_names_out_of_routine_titles(world, rosa):
    named = RoutineFactory(studio=world.studio, client=rosa, title="Practice for rosa")
    by_full_name = RoutineFactory(studio=world.studio, client=rosa, title="Rosa Delgado, week 2")
    plain = RoutineFactory(studio=world.studio, client=rosa, title="Chair-based hip care")
    elsewhere = RoutineFactory(studio=world.studio, title="Rosa's class plan (not tailored)")
    url = reverse("client_erase", args=[world.studio.code, rosa.code])
    response = world.client_for(world.alice).post(url, {"confirm_name": "Rosa"})
    assert response.status_code == 302
    for routine in (named, by_full_name, plain, elsewhere):
        routine.refresh_from_db()
    assert (named.title, by_full_name.title) == (ERASED_TITLE, ERASED_TITLE)
    assert plain.title == "Chair-based hip care"
    assert {named.client_id, by_full_name.client_id, plain.client_id} == {None}
    # A routine that was never tailored for the client is not the client's to change.
    assert elsewhere.title == "Rosa's class plan (not tailored)"


# --- Routines' parts of the clients pages (routines/client_pages.py) -------------------------


def test_routines_add_their_parts_to_the_client_page_once():
    from routines.client_pages import PARTS, tailored_routines

    for part in PARTS:
        hooks.register_page_part(part)  # what `ready()` does, done again
    assert [p for p in hooks.PAGE_PARTS if p in PARTS] == PARTS
    assert hooks.TAILORED_WORK.count(tailored_routines) == 1


def test_the_client_page_shows_her_routines_through_the_hook(world, rosa, owner_client):
    routine = RoutineFactory(studio=world.studio, client=rosa, title="Rosa's mornings")
    RoutineFactory(studio=world.studio, title="Someone else's")
    page = owner_client.get(reverse("client_detail", args=[world.studio.code, rosa.code])).text
    assert "Rosa&#x27;s mornings" in page
    assert reverse("routine_print", args=[world.studio.code, routine.code]) in page
    assert reverse("client_routine_create", args=[world.studio.code, rosa.code]) in page
    assert "Someone else" not in page


def test_tailored_work_lists_her_routines_with_their_pages(world, rosa):
    routine = RoutineFactory(studio=world.studio, client=rosa, title="Rosa's mornings")
    RoutineFactory(studio=world.studio, title="Someone else's")
    [work] = hooks.tailored_work(rosa)
    assert (work.code, work.title) == (routine.code, "Rosa's mornings")
    assert work.url == reverse("routine_detail", args=[world.studio.code, routine.code])


def test_the_studio_settings_page_lists_the_other_apps_settings(world, owner_client):
    page = owner_client.get(reverse("studio_settings", args=[world.studio.code])).text
    for name in ("handout_settings", "consent_text", "audit_list"):
        assert reverse(name, args=[world.studio.code]) in page
