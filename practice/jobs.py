"""Long work in the background: the studio export, batch printing and key rotation.

The work runs in a task worker (django-tasks with its database backend: `manage.py db_worker`),
never in a request. A BackgroundJob row is what the page shows: the worker moves its progress
forward as it goes, and when it is done stores the file encrypted (practice.fields' keys) in
the default storage. The file is deleted after its one download, or unread after
JOB_RESULT_HOURS. A job that fails says why and can be queued again.

A job always ends. While the work runs, a thread in the worker pushes the job's lease forward
every few seconds; storing the file is inside the same error handling as the work, and so is a
worker stopped in the middle (a second SIGTERM raises SystemExit). A worker killed outright
(kill -9, a lost machine) cannot say anything, so its jobs are failed by whoever notices first:
the supervisor that saw its worker exit (`manage.py worker`), any supervisor's periodic sweep
once the lease ran out, or the job's own page. Such a job says why and offers "Try again".
"""

import errno
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from practice.fields import decrypt_bytes, encrypt_bytes
from practice.models import BackgroundJob, Studio, User

logger = logging.getLogger(__name__)
Status = BackgroundJob.Status
RESULT_FOLDER = "jobs"
UNFINISHED = (Status.QUEUED, Status.RUNNING)

STOPPED = (
    "The work was stopped before it finished (the task worker was shut down). "
    "Nothing was saved; you can try again."
)
ABANDONED = (
    "The task worker doing this stopped before it finished (it was restarted or lost its "
    "connection). Nothing was saved; you can try again."
)
DISK_FULL = (
    "The server ran out of space while saving the file. You can try again later; "
    "if it keeps happening, tell whoever runs Groundwork."
)


class JobFailed(Exception):
    """Raised by a job's work with a message for the person who started it."""


@dataclass(frozen=True)
class JobResult:
    data: bytes
    filename: str
    content_type: str


def start(
    *,
    task: Task,
    kind: str,
    permission: str,
    studio: Studio | None,
    by: User,
    params: dict | None = None,
) -> BackgroundJob:
    """Records the job and queues its task; the task receives the job's code.

    The same work already waiting or running for the studio is returned instead of a second
    job: a double click or a second teammate does not export everything twice.
    """
    prune_expired()
    params = params or {}
    with transaction.atomic():
        if studio is not None:
            # Holds other starts for this studio until this one is recorded.
            Studio.objects.select_for_update().filter(pk=studio.pk).first()
        for running in _unfinished(studio=studio, kind=kind):
            if running.params == params:
                return running
        job = BackgroundJob.objects.create(
            studio=studio,
            requested_by=by,
            kind=kind,
            permission=permission,
            task_path=task.module_path,
            params=params,
        )
        _enqueue(job, task)
    return job


def _unfinished(*, studio: Studio | None, kind: str) -> list[BackgroundJob]:
    return list(
        BackgroundJob.objects.filter(studio=studio, kind=kind, status__in=UNFINISHED).exclude(
            status=Status.RUNNING, lease_until__lt=timezone.now()
        )
    )


def retry(job: BackgroundJob) -> None:
    """Queues a finished job again from the start (a failure, or a file used or expired).

    A running job whose worker died is failed first, so "Try again" works on it too.
    """
    settle(job)
    if not job.is_finished:
        return
    _delete_file(job)
    queued = BackgroundJob.objects.filter(pk=job.pk, status__in=[Status.DONE, Status.FAILED])
    if not queued.update(
        status=Status.QUEUED,
        done=0,
        total=0,
        message="",
        result_name="",
        worker="",
        started_at=None,
        finished_at=None,
        expires_at=None,
        downloaded_at=None,
        lease_until=None,
    ):
        return  # someone else queued it again first
    job.refresh_from_db()
    _enqueue(job, import_string(job.task_path))


def _enqueue(job: BackgroundJob, task: Task) -> None:
    # Views run outside transactions, so the job row is committed before a worker of any
    # backend can see the task; with the database backend both rows commit together anyway.
    result = task.enqueue(str(job.code))
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])


class Progress:
    """Handed to a job's work: says how much there is and how far it got."""

    def __init__(self, job: BackgroundJob) -> None:
        self.job = job

    def set_total(self, total: int) -> None:
        self.job.total = total
        BackgroundJob.objects.filter(pk=self.job.pk).update(total=total)

    def advance(self, by: int = 1) -> None:
        self.job.done += by
        BackgroundJob.objects.filter(pk=self.job.pk).update(done=self.job.done)


def worker_name(pid: int | None = None) -> str:
    """Names a worker process across machines: "host:pid"."""
    return f"{socket.gethostname()}:{pid or os.getpid()}"


def lease_length() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


class _Lease:
    """Pushes the running job's lease forward from a thread, so a long step (one big PDF)
    keeps it alive and a dead process lets it run out."""

    def __init__(self, job: BackgroundJob) -> None:
        self.job = job
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"lease-{job.code}", daemon=True)

    def __enter__(self) -> "_Lease":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _renew(self) -> None:
        every = settings.JOB_LEASE_SECONDS / 4
        try:
            while not self.stopped.wait(every):
                try:
                    BackgroundJob.objects.filter(pk=self.job.pk, status=Status.RUNNING).update(
                        lease_until=timezone.now() + lease_length()
                    )
                except DatabaseError:
                    # The database may be back before the lease runs out; if not, the job is
                    # failed as abandoned, which is the truth.
                    logger.warning("Job %s: its lease could not be renewed", self.job.code)
        finally:
            connection.close()  # this thread's own connection


def run(code: str, work: Callable[[BackgroundJob, Progress], JobResult | str]) -> None:
    """Runs `work` for the job: a JobResult becomes the download, a string the closing message."""
    job = BackgroundJob.objects.select_related("studio", "requested_by").get(code=code)
    if job.status != Status.QUEUED:
        logger.info("Job %s is %s, not queued: skipped", job.code, job.status)
        return
    prune_expired()
    now = timezone.now()
    claim = {
        "status": Status.RUNNING,
        "started_at": now,
        "lease_until": now + lease_length(),
        "worker": worker_name(),
    }
    if not BackgroundJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(**claim):
        logger.info("Job %s was taken by another worker: skipped", job.code)
        return
    for name, value in claim.items():
        setattr(job, name, value)
    with _Lease(job):
        try:
            outcome = work(job, Progress(job))
            # Storing the file fails like the work does: a full disk ends the job too.
            if isinstance(outcome, JobResult):
                _store(job, outcome)
                outcome = "Ready to download."
        except JobFailed as error:
            _fail(job, str(error))
            raise
        except OSError as error:
            _fail(job, DISK_FULL if error.errno == errno.ENOSPC else _server_error(error))
            raise
        except Exception as error:
            _fail(job, _server_error(error))
            raise
        except BaseException:
            # SystemExit from a second SIGTERM (or Ctrl+C) while the work runs.
            _fail(job, STOPPED)
            raise
        _finish(job, Status.DONE, outcome)


def _server_error(error: BaseException) -> str:
    # The exception's text may quote data; the page names only its kind.
    return (
        f"Something went wrong on the server ({type(error).__name__}). "
        "You can try again; if it keeps happening, tell whoever runs Groundwork."
    )


def _fail(job: BackgroundJob, message: str) -> None:
    """Ends the job as failed, with no half-written file left behind."""
    try:
        _delete_file(job)
    except OSError:
        logger.warning("Job %s: its partial file could not be deleted", job.code)
    _finish(job, Status.FAILED, message)


def settle(job: BackgroundJob) -> None:
    """Fails this job if its worker died (its lease ran out), so its page says so at once."""
    if job.is_abandoned and _fail_abandoned(job):
        job.refresh_from_db()


def fail_abandoned(*, worker: str = "") -> int:
    """Fails the running jobs whose worker is gone: `worker`'s (its supervisor saw it exit),
    or any whose lease ran out. Says how many."""
    running = BackgroundJob.objects.filter(status=Status.RUNNING)
    candidates = running.filter(worker=worker) if worker else BackgroundJob.objects.abandoned()
    return sum(_fail_abandoned(job) for job in candidates)


def _fail_abandoned(job: BackgroundJob) -> bool:
    # Conditional on the lease seen, so a job that came back to life is left alone.
    now = timezone.now()
    ended = BackgroundJob.objects.filter(
        pk=job.pk, status=Status.RUNNING, lease_until=job.lease_until
    ).update(status=Status.FAILED, message=ABANDONED, finished_at=now)
    if not ended:
        return False
    logger.warning("Job %s: its worker %s stopped; failed as abandoned", job.code, job.worker)
    if job.result_name:
        _delete_file(job)
        job.save(update_fields=["result_name"])
    # The task row stays "running" forever otherwise, and counts as work in progress.
    if job.task_id:
        DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now
        )
    return True


def _finish(job: BackgroundJob, status: str, message: str) -> None:
    job.status = status
    job.message = message[:300]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at", "result_name"])


def _store(job: BackgroundJob, result: JobResult) -> None:
    token = encrypt_bytes(result.data)
    name = result_storage().save(f"{RESULT_FOLDER}/{uuid.uuid4().hex}.bin", ContentFile(token))
    job.result_name = name
    job.download_name = result.filename
    job.content_type = result.content_type
    job.expires_at = timezone.now() + timedelta(hours=settings.JOB_RESULT_HOURS)
    job.save(update_fields=["result_name", "download_name", "content_type", "expires_at"])


def result_storage() -> Storage:
    """Where job files go: the "jobs" storage (the media folder with files only the server's
    user can read, or an S3 bucket), see settings.STORAGES."""
    return storages["jobs"]


def take_result(job: BackgroundJob) -> bytes | None:
    """The decrypted file, deleted from storage as it is handed over: one download each.

    The download is claimed in the database first, so of many requests at once exactly one
    gets the file; the others get None.
    """
    claimed = (
        BackgroundJob.objects.filter(pk=job.pk, status=Status.DONE, downloaded_at__isnull=True)
        .exclude(result_name="")
        .update(downloaded_at=timezone.now())
    )
    if not claimed:
        return None
    job.refresh_from_db(fields=["result_name", "downloaded_at"])
    try:
        with result_storage().open(job.result_name, "rb") as handle:
            data = decrypt_bytes(handle.read())
    except BaseException:
        # Not handed over: the file stays for the next try.
        BackgroundJob.objects.filter(pk=job.pk).update(downloaded_at=None)
        raise
    _delete_file(job)
    job.save(update_fields=["result_name"])
    return data


def record_clients(job: BackgroundJob, codes: list) -> None:
    """Called by a job's work before it writes: whose records its file is going to hold."""
    job.client_codes = sorted({str(code) for code in codes})
    BackgroundJob.objects.filter(pk=job.pk).update(client_codes=job.client_codes)


def discard_result(job: BackgroundJob, message: str) -> None:
    """Deletes an unread result file and says why on the job (erasure of a client in it)."""
    _delete_file(job)
    job.message = message[:300]
    job.save(update_fields=["result_name", "message"])


def _delete_file(job: BackgroundJob) -> None:
    if job.result_name:
        result_storage().delete(job.result_name)
        job.result_name = ""


def prune_expired() -> int:
    """Deletes result files nobody downloaded in time; the job rows stay as a record."""
    count = 0
    for job in BackgroundJob.objects.expired():
        _delete_file(job)
        job.save(update_fields=["result_name"])
        count += 1
    return count
