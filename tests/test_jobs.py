"""Background jobs: batch printing, the download-once file, expiry, failure and retry, and key
rotation, each run by a real task worker on the database backend."""

import io
import zipfile
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.models import AuditEvent, Precaution
from practice.models import BackgroundJob
from tests.conftest import run_task_worker
from tests.factories import PrecautionFactory, RoutineFactory, RoutineStepFactory, UserFactory

Status = BackgroundJob.Status
HTMX = {"HX-Request": "true"}


@pytest.fixture
def routines(world):
    made = []
    for title in ("Morning hips", "Evening rest"):
        routine = RoutineFactory(studio=world.studio, title=title)
        RoutineStepFactory(routine=routine, position=1)
        made.append(routine)
    return made


def _start_print(world, membership, routines, **extra):
    data = {"routine": [str(r.code) for r in routines], **extra}
    return world.client_for(membership).post(
        reverse("routine_batch_print", args=[world.studio.code]), data
    )


def _job_url(world, name, job):
    return reverse(name, args=[world.studio.code, job.code])


def test_an_assistant_prints_several_handouts_as_one_zip(world, routines):
    response = _start_print(world, world.ada, routines)
    job = BackgroundJob.objects.get()
    assert response["Location"] == _job_url(world, "job_detail", job)
    waiting = world.client_for(world.ada).get(_job_url(world, "job_detail", job))
    assert "Waiting to start" in waiting.text
    assert 'http-equiv="refresh"' in waiting.text and "hx-trigger" in waiting.text
    run_task_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Status.DONE, 2, 2)
    progress = world.client_for(world.ada).get(_job_url(world, "job_detail", job), headers=HTMX)
    assert "<html" not in progress.text and "hx-trigger" not in progress.text
    download = world.client_for(world.ada).get(_job_url(world, "job_download", job))
    assert download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert names == ["01-morning-hips.pdf", "02-evening-rest.pdf"]
    assert AuditEvent.objects.filter(action="print", summary__contains="batch").count() == 2


def test_the_file_is_encrypted_at_rest_and_gone_after_one_download(world, routines):
    _start_print(world, world.bob, routines)
    run_task_worker()
    job = BackgroundJob.objects.get()
    with default_storage.open(job.result_name, "rb") as handle:
        assert not handle.read().startswith(b"PK")  # not a readable ZIP
    stored = job.result_name
    client = world.client_for(world.bob)
    assert client.get(_job_url(world, "job_download", job)).status_code == 200
    assert not default_storage.exists(stored)
    again = client.get(_job_url(world, "job_download", job))
    assert again.status_code == 302
    assert "Run it again" in client.get(again["Location"]).text


def test_an_unread_file_expires(world, routines):
    _start_print(world, world.bob, routines)
    run_task_worker()
    job = BackgroundJob.objects.get()
    stored = job.result_name
    BackgroundJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(1))
    assert world.client_for(world.bob).get(_job_url(world, "job_download", job)).status_code == 302
    _start_print(world, world.bob, routines[:1])  # any new job clears expired files
    assert not default_storage.exists(stored)


def test_a_failed_job_says_why_and_can_be_retried(world, routines):
    _start_print(world, world.bob, routines)
    for routine in routines:
        routine.delete()
    run_task_worker()
    job = BackgroundJob.objects.get()
    assert job.status == Status.FAILED
    page = world.client_for(world.bob).get(_job_url(world, "job_detail", job)).text
    assert "None of the chosen routines is still there to print." in page
    assert "Try again" in page
    job.params["routines"] = [str(RoutineFactory(studio=world.studio).code)]
    job.save()
    world.client_for(world.bob).post(_job_url(world, "job_retry", job))
    run_task_worker()
    job.refresh_from_db()
    assert job.status == Status.DONE


def test_only_this_studios_routines_can_be_batch_printed(world, routines):
    theirs = RoutineFactory(studio=world.other_studio)
    response = _start_print(world, world.bob, [routines[0], theirs])
    assert response.status_code == 302
    assert not BackgroundJob.objects.exists()


def test_an_export_job_is_the_owners_alone(world):
    world.client_for(world.alice).post(reverse("studio_export", args=[world.studio.code]))
    job = BackgroundJob.objects.get()
    assert world.client_for(world.bob).get(_job_url(world, "job_detail", job)).status_code == 403
    assert world.client_for(world.alice).get(_job_url(world, "job_detail", job)).status_code == 200


def test_key_rotation_runs_as_a_task_for_the_operator(world, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    precaution = PrecautionFactory(client__studio=world.studio, note="Private note")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    operator = UserFactory(is_superuser=True, is_staff=True)
    assert world.client_for(world.alice).get(reverse("key_rotation")).status_code == 403
    client = Client()
    client.force_login(operator)
    assert client.post(reverse("key_rotation")).status_code == 302
    run_task_worker()
    job = BackgroundJob.objects.get(kind=BackgroundJob.Kind.KEY_ROTATION)
    assert job.status == Status.DONE and job.done == job.total > 0
    assert "re-encrypted with the newest key" in client.get(reverse("key_rotation")).text
    # Readable with the new key alone: every value was written again with it.
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Precaution.objects.get(pk=precaution.pk).note == "Private note"
