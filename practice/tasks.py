"""Background tasks of the practice app: key rotation (see practice/jobs.py)."""

from django_tasks import task

from practice import jobs, keys
from practice.fields import DecryptionError
from practice.models import BackgroundJob


def _rotate(job: BackgroundJob, progress: jobs.Progress) -> str:
    progress.set_total(keys.rows_to_rotate())
    total = 0
    for model, names in keys.encrypted_fields():
        try:
            total += keys.rotate_model(model, names, on_batch=progress.advance)
        except DecryptionError:
            raise jobs.JobFailed(
                f"{str(model._meta.verbose_name_plural).capitalize()}: a value could not be opened "
                "with any configured key, so nothing in them was changed. Add the missing key "
                "to FIELD_ENCRYPTION_KEYS, restart, and try again."
            ) from None
    return f"{total} values re-encrypted with the newest key. Older keys can now be removed."


@task()
def rotate_keys(job_code: str) -> None:
    jobs.run(job_code, _rotate)
