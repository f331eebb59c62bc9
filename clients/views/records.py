"""The owner's side of the records: the audit trail, exports, and erasure on request."""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from clients import audit, hooks, services
from clients.access import get_client_for_studio
from clients.export import client_record, export_header, jsonable, load_record, record_data
from clients.forms.records import AuditFilterForm, EraseForm
from clients.models import AuditEvent
from clients.tasks import studio_export as studio_export_task
from practice import jobs
from practice.access import StudioRequest, studio_view
from practice.models import BackgroundJob

Action = AuditEvent.Action
AUDIT_PAGE_SIZE = 50
AUDIT_COUNT_LIMIT = 1000
AUDIT_COLUMNS = (
    "studio",
    "actor_label",
    "action",
    "client_code",
    "record_type",
    "summary",
    "ip_address",
    "at",
    "actor__name",
    "client__preferred_name",
    "client__status",
)
EXPORT_FORMATS = ("html", "json")
RECENT_EXPORTS = 5


def _filtered_events(request: StudioRequest, form: AuditFilterForm) -> QuerySet[AuditEvent]:
    events = request.studio.audit_events.select_related("actor", "client")
    data = form.cleaned_data
    if client := data.get("client"):
        # By code, which outlives the client row's personal data.
        events = events.filter(client_code=client.code)
    if member := data.get("actor"):
        events = events.filter(actor_id=member.user_id)
    if action := data.get("action"):
        events = events.filter(action=action)
    # Days are the studio's days, not the server's: from its midnight to the next.
    studio_zone = ZoneInfo(request.studio.time_zone)
    if start := data.get("date_from"):
        events = events.filter(at__gte=datetime.combine(start, time.min, tzinfo=studio_zone))
    if end := data.get("date_to"):
        next_day = end + timedelta(days=1)
        events = events.filter(at__lt=datetime.combine(next_day, time.min, tzinfo=studio_zone))
    # Only the columns the table shows: a client row carries five encrypted columns.
    return events.only(*AUDIT_COLUMNS).order_by("-at", "-pk")


def _after_cursor(events: QuerySet[AuditEvent], cursor: str) -> QuerySet[AuditEvent]:
    """Entries older than the cursor "<time>_<id>" of the last row shown (keyset paging).

    An offset makes the database walk past every earlier entry; a cursor starts where the
    previous page ended, however deep into 50,000 entries it is. A malformed cursor starts over.
    """
    at_text, _, pk_text = cursor.rpartition("_")
    try:
        at, pk = datetime.fromisoformat(at_text), int(pk_text)
    except ValueError:
        return events
    if at.tzinfo is None:
        return events
    return events.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))


def _cursor(event: AuditEvent) -> str:
    return f"{event.at.isoformat()}_{event.pk}"


def _json_download(data: dict, filename: str) -> HttpResponse:
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@studio_view("audit.view")
def audit_list(request: StudioRequest) -> HttpResponse:
    # Shows names, codes and fixed phrases only, so opening it is not itself a client view.
    form = AuditFilterForm(request.GET, studio=request.studio)
    # A filter that cannot be applied lists nothing rather than silently listing everything.
    events = _filtered_events(request, form) if form.is_valid() else AuditEvent.objects.none()
    cursor = request.GET.get("before", "")
    rows = list(_after_cursor(events, cursor)[: AUDIT_PAGE_SIZE + 1])
    shown, has_older = rows[:AUDIT_PAGE_SIZE], len(rows) > AUDIT_PAGE_SIZE
    context = {
        "form": form,
        "events": shown,
        # Counting stops at AUDIT_COUNT_LIMIT: an exact count of a long trail costs a scan.
        # Unordered, so the database may count along the filter's own index (one client's
        # entries) instead of walking the whole studio's trail in time order.
        "total": events.order_by()[: AUDIT_COUNT_LIMIT + 1].count(),
        "count_limit": AUDIT_COUNT_LIMIT,
        "is_first_page": not cursor,
        "older_cursor": _cursor(shown[-1]) if has_older else "",
        "filtered": form.has_changed(),
    }
    if request.htmx:
        # Errors are shown inside the results, so an htmx swap must receive them (htmx does not
        # swap a 400).
        return render(request, "clients/audit_list.html#results", context)
    status = 400 if form.errors else 200
    return render(request, "clients/audit_list.html", context, status=status)


@studio_view("clients.export")
def client_export(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    export_format = request.GET.get("format", "html")
    if export_format not in EXPORT_FORMATS:
        return HttpResponseBadRequest("Choose format=html (a printable page) or format=json.")
    if export_format == "json":
        data = jsonable(export_header(request.studio, request.membership))
        data["client"] = client_record(client, request.membership)
        response = _json_download(data, f"groundwork-client-{client.code}.json")
    else:
        record = record_data(load_record(client), request.membership)
        context = {"client": client, "record": record, "exported_at": timezone.now()}
        response = render(request, "clients/export_client.html", context)
    summary = f"client record exported ({export_format})"
    audit.audit_client(request, client, Action.EXPORT, "client", summary)
    return response


@studio_view("clients.export_studio")
def studio_export(request: StudioRequest) -> HttpResponse:
    """Starts the whole-studio export in the background (clients/tasks.py); GET shows the
    recent exports. Thousands of records take longer than a request may."""
    if request.method == "POST":
        job = jobs.start(
            task=studio_export_task,
            kind=BackgroundJob.Kind.STUDIO_EXPORT,
            permission="clients.export_studio",
            studio=request.studio,
            by=request.user,
            params={"ip_address": audit.client_ip(request)},
        )
        # The studio entry now; one per client as the worker writes each record.
        audit.audit_client(request, None, Action.EXPORT, "studio", "whole studio exported (json)")
        return redirect("job_detail", request.studio.code, job.code)
    recent = request.studio.background_jobs.filter(kind=BackgroundJob.Kind.STUDIO_EXPORT)
    context = {"recent_jobs": recent.select_related("requested_by")[:RECENT_EXPORTS]}
    return render(request, "clients/studio_export.html", context)


@studio_view("clients.erase")
def client_erase(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = EraseForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        services.client_erase(
            client=client,
            by=request.user,
            delete_routines=form.cleaned_data["routines"] == "delete",
            request=request,
        )
        # No name in the message: it would sit in the session after the person is gone.
        messages.success(
            request, "The record is erased. Only a dated tombstone and the audit trail remain."
        )
        return redirect("client_list", request.studio.code)
    context = {
        "client": client,
        "form": form,
        "counts": {
            "precautions": client.precautions.count(),
            "triggers": client.triggers.count(),
            "notes": client.notes.count(),
            "signatures": client.signatures.count(),
            "touch_history": client.touch_history.count(),
        },
        "routines": hooks.tailored_work(client),
    }
    # The page counts what the record holds and lists its routines: a read like any other.
    audit.audit_client(request, client, Action.VIEW, "client", "erasure page opened")
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/erase_confirm.html", context, status=status)
