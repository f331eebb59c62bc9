"""Choosing the routine a session practised. It lives here because the snapshot is made from
a routine, and the clients app (where sessions live) may not import routines."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from clients import audit
from clients.models import AuditEvent, Session
from clients.sessions import services as session_services
from practice.access import StudioRequest, studio_can, studio_view
from routines.models import Routine
from routines.paper import handouts
from routines.paper.views import pdf_response
from routines.services import routine_snapshot
from routines.sessions.forms import SessionRoutineForm
from routines.sessions.room_sheet import RoomSheet, room_clients, room_sheet

CHOICES_SHOWN = 25


def _choices(request: StudioRequest, session: Session, query: str) -> list[Routine]:
    """Routines tailored for the people in this session first, then the studio's others;
    bounded, with a title search for the rest."""
    routines = Routine.objects.for_studio(request.studio).active().only("code", "title", "client")
    if query:
        routines = routines.filter(title__icontains=query)
    client_ids = [client.pk for client in session.clients.all()]
    tailored = list(routines.filter(client__in=client_ids).order_by("-updated_at")[:CHOICES_SHOWN])
    others = routines.filter(Q(client__isnull=True) | ~Q(client__in=client_ids))
    return tailored + list(others.order_by("-updated_at")[: CHOICES_SHOWN - len(tailored)])


@studio_view("sessions.plan")
def session_routine(request: StudioRequest, session_code: str) -> HttpResponse:
    session = get_object_or_404(
        request.studio.sessions.select_related("studio").prefetch_related("clients"),
        code=session_code,
    )
    # Planning may set it; once held, it is part of the record, which only teachers change.
    if session.is_held and not studio_can(request, "sessions.record"):
        raise PermissionDenied
    form = SessionRoutineForm(request.POST or None, studio=request.studio)
    if request.method == "POST" and form.is_valid():
        routine = form.cleaned_data["routine"]
        try:
            session_services.session_set_routine(
                session=session,
                routine_code=routine.code if routine else None,
                snapshot=routine_snapshot(routine) if routine else {},
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "The routine is kept with the session." if routine else "Removed."
            )
            return redirect("session_detail", request.studio.code, session.code)
    query = request.GET.get("q", "").strip()
    context = {
        "session": session,
        "form": form,
        "choices": _choices(request, session, query),
        "query": query,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "routines/session_routine.html", context, status=status)


def _room_sheet(request: StudioRequest, session_code: str, action: str, summary: str) -> RoomSheet:
    """The sheet for this studio's session, audited for each person on it: it names them and
    shows their touch answer (and, to those who teach, their room wishes)."""
    session = get_object_or_404(request.studio.sessions.select_related("studio"), code=session_code)
    clients = room_clients(session)
    for client in clients:
        audit.audit_client(request, client, action, "room sheet", summary, record_code=session.code)
    return room_sheet(session, clients, full=studio_can(request, "sessions.record"))


@studio_view("sessions.view")
def session_room_sheet(request: StudioRequest, session_code: str) -> HttpResponse:
    sheet = _room_sheet(request, session_code, AuditEvent.Action.VIEW, "room sheet opened")
    return render(request, "routines/room_sheet.html", {"session": sheet.session, "sheet": sheet})


@studio_view("sessions.view")
def session_room_sheet_pdf(request: StudioRequest, session_code: str) -> HttpResponse:
    sheet = _room_sheet(request, session_code, AuditEvent.Action.PRINT, "room sheet printed")
    filename = f"room-sheet-{sheet.session.local_start():%Y-%m-%d-%H%M}.pdf"
    # Names and touch answers: about people, so never cached.
    return pdf_response(request, handouts.room_sheet_html(sheet), filename, personal=True)
