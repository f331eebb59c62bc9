"""The owner's side of the records: the audit trail, exports, and erasure on request."""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from clients import audit, services
from clients.access import get_client_for_studio
from clients.export import (
    client_record,
    export_header,
    jsonable,
    load_record,
    record_data,
    studio_clients,
    studio_record,
)
from clients.forms.records import AuditFilterForm, EraseForm
from clients.models import AuditEvent, Client
from practice.access import StudioRequest, studio_view

Action = AuditEvent.Action
AUDIT_PAGE_SIZE = 50
EXPORT_FORMATS = ("html", "json")


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
    return events.order_by("-at", "-pk")


def _json_download(data: dict, filename: str) -> HttpResponse:
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _record_studio_export(request: StudioRequest, clients: list[Client]) -> None:
    """One studio-level entry, then one per client so each client's own trail shows it too."""
    audit.audit_client(request, None, Action.EXPORT, "studio", "whole studio exported (json)")
    # The same fields `audit.audit_client` writes, in one statement however many clients there are.
    ip_address = audit.client_ip(request)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            studio=request.studio,
            actor=request.user,
            actor_label=request.user.email,
            action=Action.EXPORT,
            client=client,
            client_code=client.code,
            record_type="client",
            summary="client record exported (studio export)",
            ip_address=ip_address,
        )
        for client in clients
    )


@studio_view("audit.view")
def audit_list(request: StudioRequest) -> HttpResponse:
    # Shows names, codes and fixed phrases only, so opening it is not itself a client view.
    form = AuditFilterForm(request.GET, studio=request.studio)
    # A filter that cannot be applied lists nothing rather than silently listing everything.
    events = _filtered_events(request, form) if form.is_valid() else AuditEvent.objects.none()
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": form.has_changed()}
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
    clients = studio_clients(request.studio)
    data = studio_record(request.studio, request.membership, clients)
    _record_studio_export(request, clients)
    return _json_download(data, f"groundwork-studio-{request.studio.code}.json")


@studio_view("clients.erase")
def client_erase(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = EraseForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        services.client_erase(client=client, by=request.user, request=request)
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
        "routines": client.routines.order_by("title"),
    }
    # The page counts what the record holds and lists its routines: a read like any other.
    audit.audit_client(request, client, Action.VIEW, "client", "erasure page opened")
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/erase_confirm.html", context, status=status)
