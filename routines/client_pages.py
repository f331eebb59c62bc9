"""Routines' parts of the clients pages, added through clients' hooks (clients/hooks.py).

Clients may not name routines (imports, relations, URLs or templates: imports run routines ->
clients -> practice), yet a client's page lists the routines tailored for her and a session's
page links to the routine practised. Routines renders those parts itself and registers them.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from clients.hooks import PagePart, TailoredWork
from clients.models import Client
from clients.sessions.models import Session
from practice.access import studio_can
from routines.models import Routine


def tailored_routines(client: Client) -> list[TailoredWork]:
    """The routines made for her, each with its page (listed on the erase page)."""
    studio_code = client.studio.code
    return [
        TailoredWork(code, title, reverse("routine_detail", args=[studio_code, code]))
        for code, title in client.routines.order_by("title").values_list("code", "title")
    ]


def _client_routines(request: HttpRequest, client: Client) -> dict[str, Any]:
    routines = (
        Routine.objects.filter(client=client)
        .select_related("studio", "practice_link__client")
        .order_by("-updated_at")
    )
    return {
        "client": client,
        "routines": routines,
        "reported_practice_days": client.home_practice.reported_by_client().count(),
    }


def _session_routine(request: HttpRequest, session: Session) -> dict[str, Any]:
    return {"session": session, "can_view_routines": studio_can(request, "routines.view")}


def _session_routine_choice(request: HttpRequest, session: Session) -> dict[str, Any]:
    return {
        "session": session,
        "can_plan": studio_can(request, "sessions.plan"),
        "can_record": studio_can(request, "sessions.record"),
    }


def _session_room_sheet(request: HttpRequest, session: Session) -> dict[str, Any]:
    return {"session": session, "can_record": studio_can(request, "sessions.record")}


PARTS = [
    # The room sheet lists the props of the session's routine: routines' page.
    PagePart("session_room_sheet", "routines/parts/session_room_sheet.html", _session_room_sheet),
    PagePart("client_actions", "routines/parts/client_actions.html", lambda r, c: {"client": c}),
    PagePart("client_routines", "routines/parts/client_routines.html", _client_routines),
    PagePart("session_routine", "routines/parts/session_routine.html", _session_routine),
    PagePart(
        place="session_routine_choice",
        template="routines/parts/session_routine_choice.html",
        context=_session_routine_choice,
    ),
]
