"""A background job's page: a progress bar while it works, the download when it is done.

The bar refreshes itself: htmx asks for the progress partial every second; without JavaScript
the page reloads itself (a meta refresh) until the job is finished.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from practice import jobs
from practice.access import SignedInRequest, StudioRequest, studio_can, studio_view
from practice.models import BackgroundJob
from practice.tasks import rotate_keys

Status = BackgroundJob.Status


def _get_job_for_studio(request: StudioRequest, code: str) -> BackgroundJob:
    """Through the studio (outsiders 404); a member without the job's rule gets 403."""
    job = get_object_or_404(
        request.studio.background_jobs.select_related("requested_by"), code=code
    )
    if not studio_can(request, job.permission):
        raise PermissionDenied
    return job


def _progress_response(request: StudioRequest, job: BackgroundJob, urls: dict) -> HttpResponse:
    context = {"job": job, **urls}
    template = "practice/job.html#progress" if request.htmx else "practice/job.html"
    return render(request, template, context)


def _job_urls(request: StudioRequest, job: BackgroundJob) -> dict:
    args = [request.studio.code, job.code]
    return {
        "progress_url": reverse("job_detail", args=args),
        "download_url": reverse("job_download", args=args),
        "retry_url": reverse("job_retry", args=args),
    }


@studio_view("jobs.view")
def job_detail(request: StudioRequest, job_code: str) -> HttpResponse:
    job = _get_job_for_studio(request, job_code)
    jobs.settle(job)
    return _progress_response(request, job, _job_urls(request, job))


@studio_view("jobs.view")
def job_download(request: StudioRequest, job_code: str) -> HttpResponse:
    job = _get_job_for_studio(request, job_code)
    data = jobs.take_result(job) if job.status == Status.DONE and job.has_file else None
    if data is None:
        messages.info(request, "There is no file to download: you might run it again.")
        return redirect("job_detail", request.studio.code, job.code)
    response = HttpResponse(data, content_type=job.content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.download_name)
    return response


@require_POST
@studio_view("jobs.view")
def job_retry(request: StudioRequest, job_code: str) -> HttpResponse:
    job = _get_job_for_studio(request, job_code)
    jobs.retry(job)
    return redirect("job_detail", request.studio.code, job.code)


def key_rotation(request: SignedInRequest) -> HttpResponse:
    """Re-encrypting every protected value with the newest key: for the operator only."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        jobs.start(
            task=rotate_keys,
            kind=BackgroundJob.Kind.KEY_ROTATION,
            permission="",
            studio=None,
            by=request.user,
        )
        return redirect("key_rotation")
    job = BackgroundJob.objects.filter(kind=BackgroundJob.Kind.KEY_ROTATION).first()
    url = reverse("key_rotation")
    urls = {"progress_url": url, "retry_url": url, "download_url": ""}
    if request.htmx and job is not None:
        return render(request, "practice/job.html#progress", {"job": job, **urls})
    return render(request, "practice/key_rotation.html", {"job": job, **urls})
