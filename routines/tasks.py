"""Batch printing from the portal: the handouts of several routines as one ZIP, in the
background (a PDF takes a while to render; twenty of them longer than a request may)."""

import io
import zipfile

from django.utils.text import slugify
from django_tasks import task

from clients import audit
from clients.models import AuditEvent
from clients.services import job_fail_if_erased_meanwhile
from practice import jobs
from practice.models import BackgroundJob
from routines.paper import handouts
from routines.paper.handouts import PrintOptions

BATCH_PRINT_LIMIT = 50


def _print(job: BackgroundJob, progress: jobs.Progress) -> jobs.JobResult:
    codes = job.params["routines"]
    studio = job.studio
    assert studio is not None  # a print job is always a studio's
    found = {
        str(routine.code): routine
        for routine in studio.routines.select_related("client", "created_by").filter(code__in=codes)
    }
    routines = [found[code] for code in codes if code in found]
    if not routines:
        raise jobs.JobFailed("None of the chosen routines is still there to print.")
    options = PrintOptions(
        large_print=job.params.get("large_print", False),
        illustrations=job.params.get("illustrations", True),
    )
    clients = [routine.client for routine in routines if routine.client is not None]
    # Recorded before the file exists, so an erasure can find every file holding the person.
    jobs.record_clients(job, [client.code for client in clients])
    progress.set_total(len(routines))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number, routine in enumerate(routines, start=1):
            html = handouts.handout_html(routine, options, routine.created_by)
            # A tailored handout is about one client: rendered afresh, never put in the cache.
            pdf, _ = handouts.cached_pdf(html, studio, personal=routine.client_id is not None)
            # Numbered, so two routines with the same title never overwrite each other.
            archive.writestr(f"{number:02d}-{slugify(routine.title) or 'practice'}.pdf", pdf)
            audit.audit_client(
                None,
                routine.client,
                AuditEvent.Action.PRINT,
                "client handout",
                "client handout printed (batch)",
                record_code=routine.code,
                by=job.requested_by,
                studio=job.studio,
            )
            progress.advance()
    job_fail_if_erased_meanwhile(job, [client.pk for client in clients])
    return jobs.JobResult(
        data=buffer.getvalue(), filename="groundwork-handouts.zip", content_type="application/zip"
    )


@task()
def batch_print(job_code: str) -> None:
    jobs.run(job_code, _print)
