"""Sessions: the upcoming list, planning, the held session's record with check-ins and notes,
home practice, and each teacher's calendar link.

Assistants plan and see sessions (names, times, places, the routine practised); check-ins,
session notes, home practice and charts need `sessions.record`. Every page that shows a
client's session is audited for each client on it.
"""

from datetime import timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clients import audit, hooks
from clients.access import get_client_for_studio
from clients.chooser import mark_namesakes
from clients.models import Addendum, AuditEvent, CalendarFeed, CheckIn, Client, Note, Session
from clients.sessions import services
from clients.sessions.calendar import feed_is_usable, feed_sessions, feed_text
from clients.sessions.forms import (
    CLIENT_SEARCH_LIMIT,
    CalendarNamesForm,
    CheckInForm,
    HomePracticeForm,
    SessionFilterForm,
    SessionForm,
    SessionNoteForm,
    chosen_clients,
    client_search,
)
from clients.sessions.models import HomePractice
from clients.sessions.progress import client_progress
from practice import ratelimit
from practice.access import StudioRequest, studio_can, studio_view
from practice.feedback import report_outcome
from practice.once import submit_once

Action = AuditEvent.Action
PAGE_SIZE = 25
# A calendar app polls every few minutes at most; like the practice link, per address.
FEED_REQUESTS_PER_IP = 120
FEED_WINDOW_SECONDS = 10 * 60
SESSION_FIELDS = ("teacher", "starts_at", "duration_minutes", "place")


def _sessions(request: StudioRequest):
    """The studio's sessions with teacher and client names, in three queries per page."""
    return (
        Session.objects.for_studio(request.studio)
        .select_related("teacher__user", "studio")
        .prefetch_related(
            Prefetch("clients", queryset=Client.objects.only("code", "preferred_name", "studio"))
        )
    )


def _get_session(request: StudioRequest, code: str) -> Session:
    return get_object_or_404(_sessions(request), code=code)


def _get_session_client(session: Session, code: str) -> Client:
    """A client of this session (already loaded with it), or 404."""
    for client in session.clients.all():
        if str(client.code) == str(code):
            return Client.objects.select_related("studio").get(pk=client.pk)
    raise Http404("Not in this session")


def _audit_session(request: StudioRequest, session: Session, summary: str) -> None:
    for client in session.clients.all():
        audit.audit_client(
            request, client, Action.VIEW, "session", summary, record_code=session.code
        )


@studio_view("sessions.view")
def session_list(request: StudioRequest) -> HttpResponse:
    form = SessionFilterForm(request.GET)
    form.is_valid()
    show = form.cleaned_data.get("show") or "upcoming"
    sessions = _sessions(request)
    if show == "past":
        sessions = sessions.filter(starts_at__lt=timezone.now()).order_by("-starts_at", "-pk")
    else:
        sessions = sessions.upcoming().order_by("starts_at", "pk")
        if show == "mine":
            sessions = sessions.filter(teacher=request.membership)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "can_calendar": studio_can(request, "sessions.calendar"),
    }
    return render(request, "clients/session_list.html", context)


def _form_page(
    request: StudioRequest,
    form: SessionForm,
    codes: list[str],
    query: str = "",
    *,
    session: Session | None = None,
    status: int = 200,
) -> HttpResponse:
    chosen = chosen_clients(request.studio, codes)
    found = client_search(request.studio, query, chosen)
    # Chosen and found are read together: a namesake in either list gets her hint.
    mark_namesakes([*chosen, *found])
    context = {
        "form": form,
        "session": session,
        "chosen": chosen,
        "found": found,
        "query": query,
        "search_limit_reached": len(found) == CLIENT_SEARCH_LIMIT,
    }
    if request.htmx and "find" in request.POST:
        return render(request, "clients/session_form.html#client-picks", context)
    return render(request, "clients/session_form.html", context, status=status)


def _finding(request: StudioRequest, session: Session | None) -> HttpResponse:
    """Search for clients without saving: the page comes back with everything as typed."""
    initial = {name: request.POST.get(name, "") for name in (*SESSION_FIELDS, "day", "at")}
    form = SessionForm(initial=initial, studio=request.studio)
    codes = request.POST.getlist("clients")
    return _form_page(request, form, codes, request.POST.get("client_search", ""), session=session)


def _planned_fields(form: SessionForm) -> dict:
    data = form.cleaned_data
    return {
        "clients": data["clients"],
        "teacher": data["teacher"],
        "starts_at": data["starts_at"],
        "duration_minutes": data["duration_minutes"],
        "place": data["place"],
    }


@studio_view("sessions.plan")
def session_create(request: StudioRequest) -> HttpResponse:
    if request.method == "POST" and "find" in request.POST:
        # Finding clients saves nothing, so it must not use up the form's one-time token.
        return _finding(request, None)
    return _session_plan(request)


@submit_once
def _session_plan(request: StudioRequest) -> HttpResponse:
    if request.method == "POST":
        form = SessionForm(request.POST, studio=request.studio)
        if form.is_valid():
            try:
                session = services.session_plan(
                    studio=request.studio, by=request.user, request=request, **_planned_fields(form)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "The session is planned.")
                return redirect("session_detail", request.studio.code, session.code)
        return _form_page(
            request,
            form,
            request.POST.getlist("clients"),
            request.POST.get("client_search", ""),
            status=400,
        )
    zone = ZoneInfo(request.studio.time_zone)
    next_hour = (timezone.localtime(timezone=zone) + timedelta(hours=1)).replace(
        minute=0, second=0, microsecond=0
    )
    teaches = rules.test_rule("sessions.teach", request.membership)
    codes = [request.GET["client"]] if request.GET.get("client") else []
    initial = {
        "teacher": request.membership.code if teaches else None,
        "day": next_hour.date(),
        "at": next_hour.time(),
        "clients": codes,
    }
    return _form_page(request, SessionForm(initial=initial, studio=request.studio), codes)


@studio_view("sessions.view")
def session_detail(request: StudioRequest, session_code: str) -> HttpResponse:
    session = _get_session(request, session_code)
    records = studio_can(request, "sessions.record")
    clients = list(session.clients.all())
    rows: list[dict[str, Any]] = [{"client": client} for client in clients]
    if records:
        check_ins = {(c.client_id, c.moment): c for c in session.check_ins.all()}
        notes = list(
            Note.objects.visible_to(request.membership)
            .filter(session=session)
            .select_related("author")
            .prefetch_related(
                Prefetch("addenda", queryset=Addendum.objects.select_related("author"))
            )
        )
        for row in rows:
            pk = row["client"].pk
            row["before"] = check_ins.get((pk, CheckIn.Moment.BEFORE))
            row["after"] = check_ins.get((pk, CheckIn.Moment.AFTER))
            row["notes"] = [note for note in notes if note.client_id == pk]
    _audit_session(
        request, session, "session record opened" if records else "session opened (names, times)"
    )
    context = {
        "session": session,
        "rows": rows,
        "can_record": records,
        "can_plan": studio_can(request, "sessions.plan"),
        # The routine's links and the page to choose it: routines' parts, via the hooks.
        "parts": hooks.page_parts(
            request, session, "session_room_sheet", "session_routine", "session_routine_choice"
        ),
        "has_started": session.local_start().date() <= services.studio_today(request.studio),
    }
    return render(request, "clients/session_detail.html", context)


@studio_view("sessions.plan")
def session_edit(request: StudioRequest, session_code: str) -> HttpResponse:
    session = _get_session(request, session_code)
    if not session.is_planned:
        messages.error(request, "Only a planned session can be changed.")
        return redirect("session_detail", request.studio.code, session.code)
    if request.method == "POST":
        if "find" in request.POST:
            return _finding(request, session)
        form = SessionForm(request.POST, studio=request.studio)
        if form.is_valid():
            try:
                services.session_update(
                    session=session, by=request.user, request=request, **_planned_fields(form)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Saved.")
                return redirect("session_detail", request.studio.code, session.code)
        codes = request.POST.getlist("clients")
        query = request.POST.get("client_search", "")
        return _form_page(request, form, codes, query, session=session, status=400)
    form = SessionForm.for_session(session)
    return _form_page(request, form, form.initial["clients"], session=session)


@require_POST
@studio_view("sessions.plan")
def session_cancel(request: StudioRequest, session_code: str) -> HttpResponse:
    session = _get_session(request, session_code)
    report_outcome(
        request,
        partial(services.session_cancel, session=session, by=request.user, request=request),
        "The session is cancelled.",
    )
    return redirect("session_detail", request.studio.code, session.code)


@require_POST
@studio_view("sessions.record")
def session_held(request: StudioRequest, session_code: str) -> HttpResponse:
    session = _get_session(request, session_code)
    report_outcome(
        request,
        partial(services.session_mark_held, session=session, by=request.user, request=request),
        "Recorded as held.",
    )
    return redirect("session_detail", request.studio.code, session.code)


@studio_view("sessions.record")
@submit_once
def checkin(
    request: StudioRequest, session_code: str, client_code: str, moment: str
) -> HttpResponse:
    if moment not in CheckIn.Moment.values:
        raise Http404("No such moment")
    session = _get_session(request, session_code)
    client = _get_session_client(session, client_code)
    existing = CheckIn.objects.filter(session=session, client=client, moment=moment).first()
    initial = {}
    if existing is not None:
        initial = {"hips": existing.hips, "settled": existing.settled, "words": existing.words}
    ask_touch = moment == CheckIn.Moment.BEFORE
    if ask_touch:
        initial["touch_today"] = services.touch_today(session, client)
    form = CheckInForm(request.POST or None, initial=initial, ask_touch=ask_touch)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_record(
                session=session,
                client=client,
                moment=moment,
                by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{client.preferred_name}'s check-in is kept.")
            return redirect("session_detail", request.studio.code, session.code)
    if request.method == "GET":
        # Even an empty form shows whose session it is: a read of the client's record.
        audit.audit_client(
            request,
            client,
            Action.VIEW,
            "check-in",
            "check-in opened" if existing else "check-in form opened",
            record_code=existing.code if existing else session.code,
        )
    context = {
        "session": session,
        "client": client,
        "moment": moment,
        "moment_label": CheckIn.Moment(moment).label,
        "form": form,
        "existing": existing,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/checkin_form.html", context, status=status)


@studio_view("sessions.record")
@submit_once
def session_note(request: StudioRequest, session_code: str, client_code: str) -> HttpResponse:
    """Writes the session note, or goes on with the author's own unsigned one."""
    session = _get_session(request, session_code)
    client = _get_session_client(session, client_code)
    note = services.session_note_for(session, client, request.user)
    form = SessionNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.session_note_save(
                session=session,
                client=client,
                author=request.user,
                note=note,
                request=request,
                **{name: form.cleaned_data[name] for name in SessionNoteForm.Meta.fields},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Session note saved. Sign it on the client page when done.")
            return redirect("session_detail", request.studio.code, session.code)
    if request.method == "GET":
        audit.audit_client(
            request,
            client,
            Action.VIEW,
            "note",
            "session note opened for editing" if note else "session note form opened",
            record_code=note.code if note else session.code,
        )
    status = 400 if request.method == "POST" else 200
    context = {"session": session, "client": client, "form": form, "note": note}
    return render(request, "clients/session_note_form.html", context, status=status)


@studio_view("sessions.record")
@submit_once
def home_practice(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = HomePracticeForm(request.POST or None, studio=request.studio)
    if request.method == "POST" and form.is_valid():
        services.home_practice_record(
            client=client,
            week_of=form.cleaned_data["week_of"],
            days=form.cleaned_data["days"],
            source=HomePractice.Source.TEACHER,
            by=request.user,
            request=request,
        )
        messages.success(request, "Home practice recorded.")
        return redirect(client.get_absolute_url() + "#progress")
    if request.method == "GET":
        audit.audit_client(request, client, Action.VIEW, "home practice", "home practice opened")
    weeks = client.home_practice.filter(source=HomePractice.Source.TEACHER).select_related(
        "recorded_by"
    )[:12]
    # What the client reported through their practice link, day by day, in their own words.
    reports = client.home_practice.reported_by_client()[:14]
    status = 400 if request.method == "POST" else 200
    context = {"client": client, "form": form, "weeks": weeks, "reports": reports}
    return render(request, "clients/home_practice.html", context, status=status)


@studio_view("sessions.calendar")
def calendar_settings(request: StudioRequest) -> HttpResponse:
    """The teacher's own calendar link: make (or replace), show names or not, turn off."""
    membership = request.membership
    feed = CalendarFeed.objects.filter(membership=membership).first()
    new_link = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            feed, token = services.feed_issue(membership=membership, request=request)
            new_link = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
        elif action == "revoke" and feed is not None:
            services.feed_revoke(membership=membership, request=request)
            messages.success(request, "The calendar link is turned off.")
            return redirect("calendar_settings", request.studio.code)
        elif action == "names" and feed is not None:
            form = CalendarNamesForm(request.POST)
            form.is_valid()
            services.feed_set_client_names(
                feed=feed, include=form.cleaned_data["include_client_names"], request=request
            )
            messages.success(request, "Saved. Calendars pick this up at their next refresh.")
            return redirect("calendar_settings", request.studio.code)
    names_form = CalendarNamesForm(
        initial={"include_client_names": feed.include_client_names if feed else False}
    )
    context = {"feed": feed, "new_link": new_link, "names_form": names_form}
    return render(request, "clients/calendar_settings.html", context)


@login_not_required
@never_cache
@require_GET
def calendar_feed(request, token: str) -> HttpResponse:
    """Calendar apps cannot sign in: the secret link is the key. Nothing here is sensitive
    beyond times, places and (only if the teacher chose so) first names. Rate-limited per
    address like the practice link, so the link cannot be guessed at or hammered."""
    who = audit.client_ip(request) or "unknown"
    if not ratelimit.allow(
        "calendar", who, limit=FEED_REQUESTS_PER_IP, window_seconds=FEED_WINDOW_SECONDS
    ):
        response = HttpResponse("Too many requests; try again later.", status=429)
        response["Retry-After"] = str(FEED_WINDOW_SECONDS)
        return response
    feed = CalendarFeed.find_by_token(token)
    if feed is None:
        raise Http404("No such calendar")
    if not feed_is_usable(feed):
        feed.delete()  # it stops for good: made an instructor again, they make a new link
        raise Http404("No such calendar")
    body = feed_text(feed, feed_sessions(feed))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]  # with a file name, never None
        False, "sessions.ics"
    )
    return response


def client_sessions(client: Client, limit: int = 5) -> dict:
    """The client page's sessions, for every role: the next planned and the latest others."""
    base = client.sessions.select_related("teacher__user", "studio")
    return {
        "upcoming_sessions": list(base.upcoming().order_by("starts_at")[:limit]),
        "recent_sessions": list(
            base.filter(starts_at__lt=timezone.now()).order_by("-starts_at")[:limit]
        ),
    }


def section_context(request: StudioRequest, client: Client) -> dict:
    """The client page's progress section (charts), for those who may read check-ins."""
    return {"progress": client_progress(client)}
