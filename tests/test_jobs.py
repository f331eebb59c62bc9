"""Background jobs: batch printing, the download-once file, expiry, failure and retry, and key
rotation, each run by a real task worker on the database backend."""

import errno
import io
import os
import signal
import stat
import subprocess
import sys
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clients.models import AuditEvent, Precaution
from practice import jobs
from practice.management.commands.worker import Supervisor
from practice.models import BackgroundJob, WorkerHeartbeat
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


# --- Jobs always end ------------------------------------------------------------------------


def _queued_job(world, **fields) -> BackgroundJob:
    return BackgroundJob.objects.create(
        studio=world.studio,
        requested_by=world.bob.user,
        kind=BackgroundJob.Kind.BATCH_PRINT,
        permission="jobs.view",
        task_path="routines.tasks.batch_print",
        **fields,
    )


def _a_zip(job, progress):
    return jobs.JobResult(data=b"PK zip", filename="a.zip", content_type="application/zip")


def test_a_worker_stopped_mid_job_by_a_second_sigterm_fails_the_job_with_try_again(world):
    job = _queued_job(world)

    def stopped_by_a_second_sigterm(job, progress):
        raise SystemExit(1)

    with pytest.raises(SystemExit):
        jobs.run(str(job.code), stopped_by_a_second_sigterm)
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.finished_at is not None
    page = world.client_for(world.bob).get(_job_url(world, "job_detail", job)).text
    assert "the task worker was shut down" in page and "Try again" in page


def test_a_full_disk_while_storing_the_result_fails_the_job(world, monkeypatch):
    job = _queued_job(world)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jobs.result_storage(), "save", disk_full)
    with pytest.raises(OSError):
        jobs.run(str(job.code), _a_zip)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "ran out of space" in job.message and job.result_name == ""


def test_a_job_whose_worker_was_killed_fails_once_its_lease_runs_out_and_can_be_retried(
    world, routines
):
    _start_print(world, world.bob, routines)
    job = BackgroundJob.objects.get()
    # What a worker killed with SIGKILL leaves: running, its task claimed, its lease not renewed.
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, worker="elsewhere:123", lease_until=timezone.now() + timedelta(1)
    )
    DBTaskResult.objects.filter(id=job.task_id).update(status=TaskResultStatus.RUNNING)
    client = world.client_for(world.bob)
    assert "Working" in client.get(_job_url(world, "job_detail", job)).text
    assert jobs.fail_abandoned() == 0  # the lease still runs
    BackgroundJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(1))
    page = client.get(_job_url(world, "job_detail", job)).text
    assert "stopped before it finished" in page and "Try again" in page
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED
    client.post(_job_url(world, "job_retry", job))
    run_task_worker()
    job.refresh_from_db()
    assert job.status == Status.DONE


def test_a_stuck_job_can_be_retried_from_its_page_directly(world, routines):
    _start_print(world, world.bob, routines)
    job = BackgroundJob.objects.get()
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, lease_until=timezone.now() - timedelta(minutes=5)
    )
    world.client_for(world.bob).post(_job_url(world, "job_retry", job))
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    run_task_worker()
    job.refresh_from_db()
    assert job.status == Status.DONE


def test_the_supervisor_fails_the_jobs_of_the_worker_it_saw_die_without_waiting(world):
    mine = _queued_job(world, status=Status.RUNNING, worker="here:1", lease_until=timezone.now())
    theirs = _queued_job(
        world, status=Status.RUNNING, worker="there:2", lease_until=timezone.now() + timedelta(1)
    )
    BackgroundJob.objects.filter(pk=mine.pk).update(lease_until=timezone.now() + timedelta(1))
    assert jobs.fail_abandoned(worker="here:1") == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Status.FAILED, Status.RUNNING)


def test_a_second_identical_start_while_one_runs_returns_the_running_one(world, routines):
    _start_print(world, world.bob, routines)
    second = _start_print(world, world.bob, routines)
    job = BackgroundJob.objects.get()
    assert second["Location"] == _job_url(world, "job_detail", job)
    _start_print(world, world.bob, routines[:1])  # different work: its own job
    assert BackgroundJob.objects.count() == 2
    world.client_for(world.alice).post(reverse("studio_export", args=[world.studio.code]))
    world.client_for(world.alice).post(reverse("studio_export", args=[world.studio.code]))
    assert BackgroundJob.objects.filter(kind=BackgroundJob.Kind.STUDIO_EXPORT).count() == 1


def test_of_downloads_at_once_exactly_one_gets_the_file_and_none_fails(world, routines):
    _start_print(world, world.bob, routines)
    run_task_worker()
    client = world.client_for(world.bob)
    url = _job_url(world, "job_download", BackgroundJob.objects.get())
    # Every request has loaded the job (file still there) before the first hands it over.
    loaded = [BackgroundJob.objects.get() for _ in range(3)]
    with mock.patch("practice.job_views._get_job_for_studio", side_effect=loaded):
        statuses = [client.get(url).status_code for _ in loaded]
    assert sorted(statuses) == [200, 302, 302]


def test_job_files_are_readable_by_the_servers_user_alone(world, routines):
    _start_print(world, world.bob, routines)
    run_task_worker()
    path = jobs.result_storage().path(BackgroundJob.objects.get().result_name)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.fixture
def keep_test_connection():
    """The supervisor drops old connections between checks, as the worker does; on PostgreSQL
    (pooled, age 0) that would close the test's own connection inside its transaction."""
    module = "practice.management.commands.worker"
    with mock.patch(f"{module}.close_old_connections"), mock.patch(f"{module}.connection"):
        yield


def test_the_supervisor_fails_the_job_of_a_worker_killed_with_sigkill_and_says_it_is_alive(
    world, keep_test_connection
):
    killed_at_once = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    started = []
    real_popen = subprocess.Popen

    def start_and_hand_it_a_job(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        started.append(
            _queued_job(
                world,
                status=Status.RUNNING,
                worker=jobs.worker_name(process.pid),
                lease_until=timezone.now() + timedelta(hours=1),
            )
        )
        return process

    supervisor = Supervisor(command=[sys.executable, "-c", killed_at_once], beat_seconds=5)
    with mock.patch(
        "practice.management.commands.worker.subprocess.Popen", start_and_hand_it_a_job
    ):
        _, returncode = supervisor.run_once()
    assert returncode == -signal.SIGKILL
    [job] = started
    job.refresh_from_db()
    assert job.status == Status.FAILED and "stopped before it finished" in job.message
    assert WorkerHeartbeat.objects.filter(name=supervisor.name).exists()
    supervisor.forget()
    assert not WorkerHeartbeat.objects.exists()


def test_the_supervisor_keeps_going_while_the_database_is_away(world, caplog, keep_test_connection):
    supervisor = Supervisor(command=[], beat_seconds=5)
    supervisor.dead_children.add("gone:1")
    with mock.patch.object(
        WorkerHeartbeat.objects, "update_or_create", side_effect=OperationalError("down")
    ):
        supervisor.look_after_jobs()
    assert "the database is not answering" in caplog.text
    assert supervisor.dead_children == {"gone:1"}  # its jobs are failed once the database is back
