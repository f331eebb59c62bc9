"""Data rights: exporting one client or the whole studio, and erasure on request."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients import services
from clients.export import client_record
from clients.models import AuditEvent, Client, ConsentSignature, Note, Precaution, Trigger
from clients.vocabulary import NotePrivacy, TouchConsent
from practice.models import BackgroundJob
from routines.models import Routine
from tests.conftest import run_task_worker
from tests.factories import (
    AddendumFactory,
    CheckInFactory,
    ClientFactory,
    ConsentDocumentFactory,
    ConsentSignatureFactory,
    HomePracticeFactory,
    ModificationFactory,
    NoteFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
    TriggerFactory,
    library_pose,
)

Action = AuditEvent.Action
PRECAUTION_NOTE = "Knee surgery in April; no kneeling on the left side."
TRIGGER_NOTE = "Feels trapped when the door is closed."
WHAT_HELPS = "Leave the door ajar and say so at the start."
GOALS = "Climb the stairs at work without stopping."
EMAIL = "noor.haddad@example.org"
STUDIO_NOTE = "First session: enjoyed the breathing."
AUTHOR_ONLY_NOTE = "Private reminder for myself about the family situation."
ADDENDUM = "Correction: second session, not first."
CONSENT_TEXT = "I understand that yoga is not medical care, and that I may stop at any time."


@pytest.fixture
def noor(world) -> Client:
    client = ClientFactory(
        studio=world.studio,
        preferred_name="Noor",
        full_name="Noor Haddad",
        email=EMAIL,
        phone="+44 7700 900123",
        emergency_contact="Rami (brother) 07700 900456",
        goals=GOALS,
        prefers_eyes_open=True,
        props="two blocks",
    )
    client.care_team.add(world.bob)
    PrecautionFactory(client=client, note=PRECAUTION_NOTE, start_date=date(2025, 4, 1))
    TriggerFactory(client=client, note=TRIGGER_NOTE, what_helps=WHAT_HELPS)
    services.touch_consent_set(client=client, value=TouchConsent.NO, by=world.bob.user)
    document = ConsentDocumentFactory(studio=world.studio, version=1, text=CONSENT_TEXT)
    ConsentSignatureFactory(client=client, document=document, witnessed_by=world.bob.user)
    note = NoteFactory(
        client=client, author=world.bob.user, privacy=NotePrivacy.STUDIO, body=STUDIO_NOTE
    )
    AddendumFactory(note=note, author=world.bob.user, body=ADDENDUM)
    NoteFactory(
        client=client, author=world.alice.user, privacy=NotePrivacy.AUTHOR, body=AUTHOR_ONLY_NOTE
    )
    routine = RoutineFactory(studio=world.studio, client=client, title="Noor's knees")
    RoutineStepFactory(
        routine=routine,
        pose=library_pose("childs-pose"),
        cue="Only if kneeling feels fine.",
    )
    return client


def _export_url(world, client, studio=None) -> str:
    return reverse("client_export", args=[(studio or world.studio).code, client.code])


def _erase_url(world, client, studio=None) -> str:
    return reverse("client_erase", args=[(studio or world.studio).code, client.code])


def _json(response) -> dict:
    return json.loads(response.content)


# --- Export one client -----------------------------------------------------------------------


def test_the_json_export_is_a_download_of_the_full_record(world, noor):
    response = world.client_for(world.alice).get(_export_url(world, noor), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="groundwork-client-{noor.code}.json"'
    )
    data = _json(response)
    assert data["studio"]["name"] == world.studio.name
    assert data["exported_by"] == world.alice.user.email
    record = data["client"]
    assert record["code"] == str(noor.code)
    assert record["full_name"] == "Noor Haddad"
    assert record["contact"]["email"] == EMAIL
    assert record["goals"] == GOALS
    assert record["care_team"] == [world.bob.user.get_full_name()]
    assert record["preferences"]["prefers_eyes_open"] is True
    assert record["precautions"][0]["note"] == PRECAUTION_NOTE
    assert record["precautions"][0]["start_date"] == "2025-04-01"
    assert "hip_flexion_past_90" in record["precautions"][0]["restricted_movements"]
    assert record["triggers"][0]["note"] == TRIGGER_NOTE
    assert record["triggers"][0]["what_helps"] == WHAT_HELPS
    assert record["touch_consent"]["current"] == "no"
    assert record["touch_consent"]["history"][0]["value"] == "no"
    assert record["medical_clearance"]["status"] == "not_needed"
    signature = record["consent_signatures"][0]
    assert (signature["document_version"], signature["document_text"]) == (1, CONSENT_TEXT)
    assert signature["witnessed_by"] == world.bob.user.get_full_name()
    bodies = {note["body"] for note in record["notes"]}
    assert bodies == {STUDIO_NOTE, AUTHOR_ONLY_NOTE}  # the owner reads every note
    studio_note = next(n for n in record["notes"] if n["body"] == STUDIO_NOTE)
    assert studio_note["addenda"][0]["body"] == ADDENDUM
    routine = record["routines"][0]
    assert routine["title"] == "Noor's knees"
    assert routine["steps"][0]["pose"] == library_pose("childs-pose").name
    assert routine["steps"][0]["cue"] == "Only if kneeling feels fine."
    assert routine["steps"][0]["hold"] == "5 breaths"


def test_an_instructor_exports_only_the_notes_they_may_read(world, noor):
    data = _json(world.client_for(world.bob).get(_export_url(world, noor), {"format": "json"}))
    bodies = {note["body"] for note in data["client"]["notes"]}
    assert bodies == {STUDIO_NOTE}
    assert AUTHOR_ONLY_NOTE not in json.dumps(data)


def test_the_record_is_plain_json(world, noor):
    record = client_record(noor, world.alice)
    assert json.loads(json.dumps(record)) == record
    assert isinstance(record["created_at"], str)


def test_the_html_export_is_a_printable_page_of_the_same_record(world, noor):
    response = world.client_for(world.bob).get(_export_url(world, noor))
    assert response.status_code == 200
    page = response.text
    for text in (PRECAUTION_NOTE, TRIGGER_NOTE, WHAT_HELPS, GOALS, EMAIL, STUDIO_NOTE, ADDENDUM):
        assert text in page
    assert CONSENT_TEXT in page
    assert "Noor&#x27;s knees" in page
    assert AUTHOR_ONLY_NOTE not in page
    assert "css/records.css" in page  # the print styles


@pytest.mark.parametrize("export_format", ["json", "html"])
def test_each_export_leaves_an_audit_entry(world, noor, export_format):
    world.client_for(world.bob).get(_export_url(world, noor), {"format": export_format})
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.actor == world.bob.user
    assert event.client_code == noor.code
    assert event.summary == f"client record exported ({export_format})"
    assert event.ip_address == "127.0.0.1"


def test_an_unknown_format_is_refused(world, noor):
    response = world.client_for(world.bob).get(_export_url(world, noor), {"format": "xml"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize("params", [{}, {"format": "json"}, {"format": "html"}, {"format": "x"}])
def test_assistants_never_receive_an_export(world, noor, params):
    response = world.client_for(world.ada).get(_export_url(world, noor), params)
    assert response.status_code == 403
    body = response.content.decode()
    for text in (PRECAUTION_NOTE, TRIGGER_NOTE, WHAT_HELPS, GOALS, EMAIL, STUDIO_NOTE):
        assert text not in body
    assert "Content-Disposition" not in response
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_an_outsider_gets_404(world, noor):
    client = world.client_for(world.charlie)
    assert client.get(_export_url(world, noor), {"format": "json"}).status_code == 404
    # Charlie's own studio in the URL does not reach studio A's client either.
    url = _export_url(world, noor, studio=world.other_studio)
    assert client.get(url, {"format": "json"}).status_code == 404


def test_an_erased_client_cannot_be_exported(world, noor):
    services.client_erase(client=noor, by=world.alice.user)
    response = world.client_for(world.alice).get(_export_url(world, noor), {"format": "json"})
    assert response.status_code == 404


def test_an_archived_client_can_still_be_exported(world, noor):
    services.client_set_archived(client=noor, archived=True, by=world.alice.user)
    response = world.client_for(world.alice).get(_export_url(world, noor), {"format": "json"})
    assert _json(response)["client"]["status"] == "archived"


# --- Export the studio -----------------------------------------------------------------------


def _studio_export(world, membership):
    """Starts the export, lets a task worker run it, and downloads the file."""
    client = world.client_for(membership)
    started = client.post(reverse("studio_export", args=[world.studio.code]))
    if started.status_code != 302:
        return started
    run_task_worker()
    job = BackgroundJob.objects.get(kind=BackgroundJob.Kind.STUDIO_EXPORT)
    return client.get(reverse("job_download", args=[world.studio.code, job.code]))


def test_the_owner_downloads_every_record_on_file(world, noor):
    archived = ClientFactory(studio=world.studio, preferred_name="Ola", status="archived")
    erased = ClientFactory(studio=world.studio, preferred_name="Pia")
    services.client_erase(client=erased, by=world.alice.user)
    ClientFactory(studio=world.other_studio, preferred_name="Quentin")
    response = _studio_export(world, world.alice)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="groundwork-studio-{world.studio.code}.json"'
    )
    data = _json(response)
    assert {c["preferred_name"] for c in data["clients"]} == {"Noor", "Ola"}
    assert data["consent_documents"][0]["text"] == CONSENT_TEXT
    noor_record = next(c for c in data["clients"] if c["code"] == str(noor.code))
    assert {n["body"] for n in noor_record["notes"]} == {STUDIO_NOTE, AUTHOR_ONLY_NOTE}
    assert noor_record["triggers"][0]["what_helps"] == WHAT_HELPS
    assert str(archived.code) in response.text
    assert "Quentin" not in response.text and "Erased client" not in response.text


def test_each_record_in_the_studio_export_is_the_one_client_export(world, noor):
    """The studio file is written record by record for speed; what each record holds is the
    same as a one-client export, group sessions and check-ins included."""
    ola = ClientFactory(studio=world.studio, preferred_name="Ola")
    PrecautionFactory(client=ola)
    pair = SessionFactory(studio=world.studio, teacher=world.bob, clients=[noor, ola])
    alone = SessionFactory(studio=world.studio, teacher=world.bob, clients=[ola])
    CheckInFactory(session=pair, client=ola)
    HomePracticeFactory(client=ola)
    exported = {c["code"]: c for c in _json(_studio_export(world, world.alice))["clients"]}
    for person in (noor, ola):
        one = client_record(Client.objects.get(pk=person.pk), world.alice)
        assert exported[str(person.code)] == one
    groups = {s["code"]: s["group_session"] for s in exported[str(ola.code)]["sessions"]}
    assert groups == {str(pair.code): True, str(alone.code): False}


def test_the_studio_export_is_audited_once_for_the_studio_and_once_per_client(world, noor):
    other = ClientFactory(studio=world.studio)
    _studio_export(world, world.alice)
    events = AuditEvent.objects.filter(action=Action.EXPORT)
    studio_level = events.get(record_type="studio")
    assert studio_level.client_code is None
    assert studio_level.summary == "whole studio exported (json)"
    per_client = events.filter(record_type="client")
    assert set(per_client.values_list("client_code", flat=True)) == {noor.code, other.code}
    assert {e.actor for e in per_client} == {world.alice.user}
    assert {e.ip_address for e in per_client} == {"127.0.0.1"}


@pytest.mark.parametrize("who", ["bob", "ada"])
def test_only_the_owner_exports_the_studio(world, noor, who):
    response = _studio_export(world, getattr(world, who))
    assert response.status_code == 403
    assert WHAT_HELPS not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_studio_export_costs_the_same_queries_for_any_number_of_clients(world, noor):
    """Each batch of clients costs a fixed number of queries, however many clients it holds."""
    client = world.client_for(world.alice)
    url = reverse("studio_export", args=[world.studio.code])

    def export_queries() -> int:
        client.post(url)
        with CaptureQueriesContext(connection) as context:
            run_task_worker()
        return len(context)

    def add_client() -> None:
        extra = ClientFactory(studio=world.studio)
        extra.care_team.add(world.bob)
        PrecautionFactory(client=extra)
        TriggerFactory(client=extra)
        note = NoteFactory(client=extra, author=world.bob.user)
        AddendumFactory(note=note, author=world.bob.user)
        step = RoutineStepFactory(routine=RoutineFactory(studio=world.studio, client=extra))
        step.modification = ModificationFactory(pose=step.pose, studio=world.studio)
        step.save()
        session = SessionFactory(studio=world.studio, teacher=world.bob, clients=[extra])
        CheckInFactory(session=session, client=extra)
        HomePracticeFactory(client=extra)

    # A client with every part of a record first, so every prefetch already runs once.
    add_client()
    one_client = export_queries()

    for _ in range(4):
        add_client()
    assert export_queries() == one_client


def test_the_studio_export_never_runs_in_the_request(world, noor):
    response = world.client_for(world.alice).post(
        reverse("studio_export", args=[world.studio.code])
    )
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("job_detail", args=[world.studio.code, job.code])
    assert job.status == BackgroundJob.Status.QUEUED
    # Nothing per client is written until a worker has exported their record.
    assert not AuditEvent.objects.filter(record_type="client", action=Action.EXPORT).exists()


# --- Erase on request ------------------------------------------------------------------------


def test_the_confirmation_page_explains_what_goes_and_what_stays(world, noor):
    response = world.client_for(world.alice).get(_erase_url(world, noor))
    assert response.status_code == 200
    page = response.text
    assert "What is removed" in page and "What stays" in page
    assert "tombstone" in page and "audit trail" in page
    assert "1 precaution" in page and "2 session notes" in page
    assert "Noor&#x27;s knees" in page  # tailored routines that will remain, to check by hand
    assert TRIGGER_NOTE not in page and PRECAUTION_NOTE not in page


@pytest.mark.parametrize("who", ["bob", "ada"])
def test_only_the_owner_can_erase(world, noor, who):
    client = world.client_for(getattr(world, who))
    assert client.get(_erase_url(world, noor)).status_code == 403
    assert client.post(_erase_url(world, noor), {"confirm_name": "Noor"}).status_code == 403
    assert Client.objects.get(pk=noor.pk).preferred_name == "Noor"


def test_an_outsider_cannot_erase(world, noor):
    client = world.client_for(world.charlie)
    assert client.post(_erase_url(world, noor), {"confirm_name": "Noor"}).status_code == 404
    url = _erase_url(world, noor, studio=world.other_studio)
    assert client.post(url, {"confirm_name": "Noor"}).status_code == 404
    assert Client.objects.get(pk=noor.pk).status == Client.Status.ACTIVE


def test_the_wrong_name_erases_nothing_and_keeps_what_was_typed(world, noor):
    response = world.client_for(world.alice).post(_erase_url(world, noor), {"confirm_name": "Nora"})
    assert response.status_code == 400
    assert "That is not the name on this record, so nothing was erased." in response.text
    assert 'value="Nora"' in response.text
    assert Client.objects.get(pk=noor.pk).full_name == "Noor Haddad"
    assert not AuditEvent.objects.filter(action=Action.ERASE).exists()


def test_an_empty_confirmation_is_refused(world, noor):
    response = world.client_for(world.alice).post(_erase_url(world, noor), {"confirm_name": ""})
    assert response.status_code == 400
    assert Client.objects.get(pk=noor.pk).status == Client.Status.ACTIVE


def _raw_row(table: str, where: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where}", params)  # noqa: S608
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_erasure_removes_the_personal_data_and_leaves_a_tombstone(world, noor):
    routine = noor.routines.get()
    browser = world.client_for(world.alice)
    response = browser.post(_erase_url(world, noor), {"confirm_name": "  noor "})
    assert response.status_code == 302
    assert response["Location"] == reverse("client_list", args=[world.studio.code])

    # The client page and the list no longer know them.
    assert browser.get(noor.get_absolute_url()).status_code == 404
    listing = browser.get(reverse("client_list", args=[world.studio.code])).text
    assert "Noor" not in listing and "Erased client" not in listing
    assert (
        "Noor"
        not in browser.get(
            reverse("client_list", args=[world.studio.code]), {"show": "archived"}
        ).text
    )

    # The audit trail shows the erasure.
    erase = AuditEvent.objects.get(action=Action.ERASE)
    assert (erase.actor, erase.client_code) == (world.alice.user, noor.code)
    assert (
        "personal data erased on request"
        in browser.get(reverse("audit_list", args=[world.studio.code])).text
    )

    # The raw row is a tombstone: no name, contact or goals, not even encrypted.
    row = _raw_row("clients_client", "id = %s", [noor.pk])
    for former in ("Noor", "Haddad", "she/her", "7700", "Rami", "fernet:", "blocks"):
        assert former not in row
    tombstone = Client.objects.get(pk=noor.pk)
    assert tombstone.status == Client.Status.ERASED
    assert tombstone.erased_at is not None
    assert tombstone.code == noor.code
    assert not tombstone.care_team.exists()

    # Everything told in confidence is gone.
    assert not Precaution.objects.filter(client=noor.pk).exists()
    assert not Trigger.objects.filter(client=noor.pk).exists()
    assert not Note.objects.filter(client=noor.pk).exists()
    assert not ConsentSignature.objects.filter(client=noor.pk).exists()
    assert _raw_row("clients_addendum", "1 = 1", []) == ""
    assert _raw_row("clients_touchconsentchange", "client_id = %s", [noor.pk]) == ""

    # Routines tailored for them stay, unlinked; the consent text itself stays.
    routine = Routine.objects.get(pk=routine.pk)
    assert routine.client_id is None
    assert world.studio.consent_documents.filter(text=CONSENT_TEXT).exists()


def test_erasure_does_not_touch_other_clients(world, noor):
    other = ClientFactory(studio=world.studio, preferred_name="Omar")
    PrecautionFactory(client=other, note="Omar's own precaution.")
    world.client_for(world.alice).post(_erase_url(world, noor), {"confirm_name": "Noor"})
    assert Client.objects.get(pk=other.pk).preferred_name == "Omar"
    assert other.precautions.get().note == "Omar's own precaution."


def test_erased_clients_are_gone_from_every_export(world, noor):
    world.client_for(world.alice).post(_erase_url(world, noor), {"confirm_name": "Noor"})
    data = _json(_studio_export(world, world.alice))
    assert data["clients"] == []
    assert world.client_for(world.alice).get(_erase_url(world, noor)).status_code == 404
