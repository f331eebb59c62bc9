"""Long work in the background: the studio export, batch printing and key rotation.

The work runs in a task worker (django-tasks with its database backend: `manage.py db_worker`),
never in a request. A BackgroundJob row is what the page shows: the worker moves its progress
forward as it goes, and when it is done stores the file encrypted (practice.fields' keys) in
the default storage. The file is deleted after its one download, or unread after
JOB_RESULT_HOURS. A job that fails says why and can be queued again.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from practice.fields import decrypt_bytes, encrypt_bytes
from practice.models import BackgroundJob, Studio, User

logger = logging.getLogger(__name__)
Status = BackgroundJob.Status
RESULT_FOLDER = "jobs"


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
    """Records the job and queues its task; the task receives the job's code."""
    prune_expired()
    job = BackgroundJob.objects.create(
        studio=studio,
        requested_by=by,
        kind=kind,
        permission=permission,
        task_path=task.module_path,
        params=params or {},
    )
    _enqueue(job, task)
    return job


def retry(job: BackgroundJob) -> None:
    """Queues a finished job again from the start (a failure, or a file used or expired)."""
    _delete_file(job)
    job.status = Status.QUEUED
    job.done = job.total = 0
    job.message = ""
    job.started_at = job.finished_at = job.expires_at = job.downloaded_at = None
    job.save()
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


def run(code: str, work: Callable[[BackgroundJob, Progress], JobResult | str]) -> None:
    """Runs `work` for the job: a JobResult becomes the download, a string the closing message."""
    job = BackgroundJob.objects.select_related("studio", "requested_by").get(code=code)
    if job.status != Status.QUEUED:
        logger.info("Job %s is %s, not queued: skipped", job.code, job.status)
        return
    prune_expired()
    job.status = Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        outcome = work(job, Progress(job))
    except JobFailed as error:
        _finish(job, Status.FAILED, str(error))
        raise
    except Exception as error:
        # The exception's text may quote data; the page names only its kind.
        _finish(
            job,
            Status.FAILED,
            f"Something went wrong on the server ({type(error).__name__}). "
            "You can try again; if it keeps happening, tell whoever runs Groundwork.",
        )
        raise
    if isinstance(outcome, JobResult):
        _store(job, outcome)
        _finish(job, Status.DONE, "Ready to download.")
    else:
        _finish(job, Status.DONE, outcome)


def _finish(job: BackgroundJob, status: str, message: str) -> None:
    job.status = status
    job.message = message[:300]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])


def _store(job: BackgroundJob, result: JobResult) -> None:
    token = encrypt_bytes(result.data)
    name = default_storage.save(f"{RESULT_FOLDER}/{uuid.uuid4().hex}.bin", ContentFile(token))
    job.result_name = name
    job.download_name = result.filename
    job.content_type = result.content_type
    job.expires_at = timezone.now() + timedelta(hours=settings.JOB_RESULT_HOURS)
    job.save(update_fields=["result_name", "download_name", "content_type", "expires_at"])


def take_result(job: BackgroundJob) -> bytes:
    """The decrypted file, deleted from storage as it is handed over: one download each."""
    with default_storage.open(job.result_name, "rb") as handle:
        data = decrypt_bytes(handle.read())
    _delete_file(job)
    job.downloaded_at = timezone.now()
    job.save(update_fields=["result_name", "downloaded_at"])
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
        default_storage.delete(job.result_name)
        job.result_name = ""


def prune_expired() -> int:
    """Deletes result files nobody downloaded in time; the job rows stay as a record."""
    count = 0
    for job in BackgroundJob.objects.expired():
        _delete_file(job)
        job.save(update_fields=["result_name"])
        count += 1
    return count
