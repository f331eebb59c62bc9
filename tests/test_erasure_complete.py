"""Erasure leaves nothing of the person behind: every table, the media folder, unread job
results, the cache, and a backup taken afterwards."""

import contextlib
import io
import json
import pickle
import sqlite3
import tarfile
import zipfile
from datetime import date
from pathlib import Path

import pyrage
import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.models import Client
from clients.sessions.services import home_practice_report
from practice.backup import backup_create
from practice.fields import DecryptionError, decrypt, decrypt_bytes
from practice.models import BackgroundJob
from routines.client_records import ERASED_TITLE
from routines.models import Routine, RoutineStep
from routines.services import routine_snapshot
from tests.conftest import run_task_worker
from tests.factories import (
    AddendumFactory,
    CheckInFactory,
    ClientFactory,
    IntakeInvitationFactory,
    NoteFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
    TriggerFactory,
    library_pose,
)

# A word found in no pose, template or library text: wherever it turns up, it came from her.
MARKER = "Quillmarrow"
NAME = "Marisol"


@pytest.fixture
def marisol(world) -> Client:
    client = ClientFactory(
        studio=world.studio,
        preferred_name=NAME,
        full_name=f"{NAME} {MARKER}",
        goals=f"{MARKER} goals",
        emergency_contact=f"{MARKER} sister",
        room_wishes_note=f"{MARKER} by the window",
    )
    # Answers through her intake link, still a draft waiting for review.
    IntakeInvitationFactory(
        client=client,
        answers_data=json.dumps({"trigger-1": {"note": f"{MARKER} draft", "helps": "breath"}}),
    )
    PrecautionFactory(client=client, note=f"Surgeon's letter: {MARKER} review")
    TriggerFactory(client=client, note=f"{MARKER} trigger", what_helps=f"{MARKER} helps")
    note = NoteFactory(client=client, author=world.bob.user, body=f"{MARKER} session note")
    note.signed_at = timezone.now()
    note.save()
    AddendumFactory(note=note, author=world.bob.user, body=f"{MARKER} addendum")
    home_practice_report(client=client, on=date.today(), hips=3, words=f"{MARKER} at home")
    return client


def _tailored_routine(world, client) -> Routine:
    routine = RoutineFactory(
        studio=world.studio,
        client=client,
        title=f"{NAME}'s mornings",
        intention=f"{MARKER} intention",
        notes=f"{MARKER} teacher notes",
    )
    RoutineStepFactory(
        routine=routine,
        pose=library_pose("childs-pose"),
        cue=f"{MARKER} cue",
        teacher_note=f"{MARKER} note to self",
        kept_reason=f"Surgeon's letter allows it ({MARKER})",
        kept_conflicts=["precaution-conflict-key"],
        kept_by=world.bob.user,
        kept_at=timezone.now(),
    )
    return routine


def _group_session(world, marisol, routine):
    """A session she shared with Omar, practising her routine, and another with Omar's."""
    omar = ClientFactory(studio=world.studio, preferred_name="Omar")
    omars = RoutineFactory(studio=world.studio, client=omar, title="Omar's evenings")
    changed = RoutineStepFactory(routine=omars, cue=f"Omar's own cue, with {NAME} beside him")
    RoutineStepFactory(routine=omars, cue="Omar's own cue")
    snapshot = routine_snapshot(omars)
    # His routine changed since the session; the session's snapshot keeps what was practised.
    changed.cue = "Omar's own first cue"
    changed.save()
    shared = SessionFactory(studio=world.studio, clients=[marisol, omar])
    shared.routine_code, shared.routine_snapshot = routine.code, routine_snapshot(routine)
    shared.save()
    others = SessionFactory(studio=world.studio, clients=[marisol, omar])
    others.routine_code, others.routine_snapshot = omars.code, snapshot
    others.save()
    CheckInFactory(session=shared, client=marisol, words=f"{MARKER} check-in")
    CheckInFactory(session=shared, client=omar, words="Omar's words")
    return shared, others


def _batch_print(browser, world, routine) -> None:
    url = reverse("routine_batch_print", args=[world.studio.code])
    browser.post(url, {"routine": [routine.code]})


def _unread_results(world, routine) -> list[BackgroundJob]:
    browser = world.client_for(world.alice)
    browser.post(reverse("studio_export", args=[world.studio.code]))
    _batch_print(browser, world, routine)
    run_task_worker()
    finished = list(BackgroundJob.objects.order_by("pk"))
    assert [job.status for job in finished] == [BackgroundJob.Status.DONE] * 2
    assert all(job.result_name for job in finished)
    return finished


def _texts_in_tables() -> str:
    """Every value of every row of every table, decrypted as the app reads it."""
    texts = []
    for model in apps.get_models(include_auto_created=True):
        fields = model._meta.concrete_fields
        for row in model._base_manager.all():
            texts.extend(str(getattr(row, field.attname)) for field in fields)
    return "\n".join(texts)


def _readable(data: bytes) -> str:
    """What a file says, opened as far as the app could open it (decrypted, unzipped, PDF text)."""
    with contextlib.suppress(DecryptionError):
        data = decrypt_bytes(data)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(_readable(archive.read(name)) for name in archive.namelist())
    if data.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


def _texts_in_folder(folder: Path) -> str:
    return "\n".join(_readable(path.read_bytes()) for path in folder.rglob("*") if path.is_file())


def _texts_in_cache() -> str:
    return "\n".join(repr(pickle.loads(value)) for value in cache._cache.values())  # noqa: S301


def _texts_in_new_backup(folder: Path) -> str:
    """A backup taken now, opened with its key: every value, decrypted, and every file."""
    identity = pyrage.x25519.Identity.generate()
    with override_settings(BACKUP_RECIPIENTS=[str(identity.to_public())]):
        result = backup_create(destination=folder / "backups")
    plain = folder / "opened"
    plain.mkdir()
    texts = []
    for path in result.folder.glob("*.age"):
        opened = plain / path.stem
        pyrage.decrypt_file(str(path), str(opened), [identity])
        if opened.name == "media.tar":
            with tarfile.open(opened) as archive:
                archive.extractall(plain / "media", filter="data")
            texts.append(_texts_in_folder(plain / "media"))
        else:
            texts.append(_texts_in_sqlite(opened))
    return "\n".join(texts)


def _texts_in_sqlite(path: Path) -> str:
    database = sqlite3.connect(path)
    try:
        tables = database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        values = []
        for (table,) in tables.fetchall():
            for row in database.execute(f'SELECT * FROM "{table}"').fetchall():  # noqa: S608
                values.extend(
                    decrypt(value) if str(value).startswith("fernet:") else str(value)
                    for value in row
                )
        return "\n".join(values)
    finally:
        database.close()


def _erase(world, client, routines: str = "keep"):
    url = reverse("client_erase", args=[world.studio.code, client.code])
    response = world.client_for(world.alice).post(url, {"confirm_name": NAME, "routines": routines})
    assert response.status_code == 302


# Committed rows: SQLite's online backup of the test database cannot wait on an open transaction.
@pytest.mark.django_db(transaction=True)
def test_an_erased_clients_words_are_found_nowhere(world, marisol, tmp_path):
    routine = _tailored_routine(world, marisol)
    shared, others = _group_session(world, marisol, routine)
    jobs = _unread_results(world, routine)
    # Before: the marker is everywhere the test looks, so the checks below can fail.
    assert MARKER in _texts_in_tables()
    assert all(MARKER in _texts_in_folder(Path(settings.MEDIA_ROOT)) for _ in jobs)

    _erase(world, marisol)

    assert MARKER not in _texts_in_tables()
    assert NAME not in _texts_in_tables()
    assert MARKER not in _texts_in_folder(Path(settings.MEDIA_ROOT))
    assert MARKER not in _texts_in_cache()
    if connection.vendor == "sqlite":  # a PostgreSQL backup is a pg_dump archive
        backed_up = _texts_in_new_backup(tmp_path)
        assert "Omar" in backed_up  # the scan reads the backup's rows
        assert MARKER not in backed_up and NAME not in backed_up
    for job in jobs:
        job.refresh_from_db()
        assert (job.result_name, job.has_file) == ("", False)
        assert "erased" in job.message
    # The others' part of the group sessions stays.
    shared.refresh_from_db()
    others.refresh_from_db()
    assert [c.preferred_name for c in shared.clients.all()] == ["Omar"]
    assert shared.check_ins.get().words == "Omar's words"
    assert shared.routine_title == "Practice"
    assert [step["cue"] for step in shared.routine_steps] == [""]
    assert others.routine_title == "Omar's evenings"
    assert [step["cue"] for step in others.routine_steps] == ["", "Omar's own cue"]


def test_a_kept_routine_loses_every_text_written_for_her(world, marisol):
    routine = _tailored_routine(world, marisol)
    _erase(world, marisol)
    routine.refresh_from_db()
    step = routine.steps.get()
    assert (routine.client, routine.title, routine.intention, routine.notes) == (
        None,
        ERASED_TITLE,
        "",
        "",
    )
    assert (step.cue, step.teacher_note, step.kept_reason, step.kept_conflicts) == ("", "", "", [])
    assert (step.kept_by, step.kept_at) == (None, None)
    assert step.pose.slug == "childs-pose"


def test_the_owner_may_delete_the_tailored_routines_instead(world, marisol):
    routine = _tailored_routine(world, marisol)
    untouched = RoutineFactory(studio=world.studio, title="Studio template")
    _erase(world, marisol, routines="delete")
    assert not Routine.objects.filter(pk=routine.pk).exists()
    assert not RoutineStep.objects.filter(routine=routine.pk).exists()
    assert Routine.objects.filter(pk=untouched.pk).exists()


def test_the_erase_page_offers_the_choice_only_when_there_are_routines(world, marisol):
    url = reverse("client_erase", args=[world.studio.code, marisol.code])
    browser = world.client_for(world.alice)
    assert 'name="routines"' not in browser.get(url).text
    _tailored_routine(world, marisol)
    page = browser.get(url).text
    assert 'name="routines" value="keep"' in page and 'value="delete"' in page


def test_a_job_that_ran_while_she_was_erased_keeps_no_file(world, marisol):
    routine = _tailored_routine(world, marisol)
    browser = world.client_for(world.alice)
    _batch_print(browser, world, routine)
    job = BackgroundJob.objects.get()
    # Erased after the job started but before it finished writing: simulated by the clock.
    Client.objects.filter(pk=marisol.pk).update(erased_at=timezone.now() + timezone.timedelta(1))
    run_task_worker()
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert "erased while this ran" in job.message
    assert job.result_name == ""
