"""The guided player: through the client's practice link (public), and for the signed-in
teacher; and the teacher's switches for the link.

The public views answer only to a live token and show only what the printed handout shows,
with the client's preferred name at most. Each sends `noindex` and `no-referrer`, is kept out
of shared caches, and is rate-limited; a wrong, revoked or expired token gets one plain, kind
404 page, the same for every reason, so a token cannot be probed.
"""

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from clients import audit
from clients.audit import client_ip
from clients.models import AuditEvent
from practice import ratelimit
from practice.access import StudioRequest, studio_can, studio_view
from practice.feedback import report_outcome
from practice.public_links import private
from routines.access import get_routine_for_studio
from routines.models import SECONDS_PER_BREATH, HandoutSettings, Routine
from routines.paper import practice_link_services as services
from routines.paper.handout_texts import NOT_MEDICAL_ADVICE
from routines.paper.player import player_steps
from routines.paper.player_forms import PracticeReportForm
from routines.paper.practice_links import PracticeLink

# Generous for a person (a page and its pictures, opened a few times), far too few to guess
# tokens or to flood the database: 256-bit tokens make guessing hopeless anyway.
REQUESTS_PER_IP = 120
REQUEST_WINDOW_SECONDS = 10 * 60
# "I practised today" keeps one row a day; this caps how often that row can be rewritten.
REPORTS_PER_LINK_A_DAY = 10
WORKER_SCRIPT = "routines/player-sw.js"
# The service worker fetches the page once to keep an offline copy: not an opening.
OFFLINE_COPY_HEADER = "HTTP_X_PRACTICE_OFFLINE_COPY"


def _gone(request: HttpRequest) -> HttpResponse:
    return private(render(request, "routines/practice/gone.html", status=404))


def public_practice(view):
    """Public, rate-limited by (hashed) IP, private headers; the token becomes a live link."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        who = client_ip(request) or "unknown"
        if not ratelimit.allow(
            "practice", who, limit=REQUESTS_PER_IP, window_seconds=REQUEST_WINDOW_SECONDS
        ):
            response = render(request, "routines/practice/slow_down.html", status=429)
            response["Retry-After"] = str(REQUEST_WINDOW_SECONDS)
            return private(response)
        link = PracticeLink.find_live(token)
        if link is None:
            return _gone(request)
        try:
            return private(view(request, link, token, *args, **kwargs))
        except Http404:
            return _gone(request)

    return wrapper


def _public_context(link: PracticeLink, token: str) -> dict:
    routine = link.routine
    settings_row = HandoutSettings.for_studio(routine.studio)

    def figure(step) -> str:
        return reverse("practice_figure", args=[token, step.code])

    return {
        "public": True,
        "routine": routine,
        "studio": routine.studio,
        # The preferred name at most: never the full name or anything from the record.
        "name": link.client.preferred_name,
        "safety_lines": settings_row.safety_text.splitlines(),
        "choice_lines": settings_row.choice_text.splitlines(),
        "contact": settings_row.contact(),
        "not_medical_advice": NOT_MEDICAL_ADVICE,
        "seconds_per_breath": SECONDS_PER_BREATH,
        "steps": player_steps(routine, figure_url=figure, for_teacher=False),
        "player_url": reverse("practice_player", args=[token]),
        "report_url": reverse("practice_report", args=[token]),
        "worker_url": reverse("practice_worker"),
    }


@public_practice
@require_GET
def practice_player(request: HttpRequest, link: PracticeLink, token: str) -> HttpResponse:
    if OFFLINE_COPY_HEADER not in request.META:
        services.practice_link_opened(link)
    context = {**_public_context(link, token), "form": PracticeReportForm()}
    return render(request, "routines/player.html", context)


# No CSRF token: under `no-referrer` browsers send `Origin: null` with the form, which Django's
# check refuses. Nothing here needs it: no session or cookie gives this POST its power, the
# secret token in the URL does, and a forging site would have to know it already.
@csrf_exempt
@public_practice
@require_POST
def practice_report(request: HttpRequest, link: PracticeLink, token: str) -> HttpResponse:
    """The only input the link takes: that they practised today, a 0-10 and a few words."""
    form = PracticeReportForm(request.POST)
    if not ratelimit.allow(
        "practice-report", link.token_hash, limit=REPORTS_PER_LINK_A_DAY, window_seconds=86_400
    ):
        form.add_error(None, "Today's practice is kept already. Thank you.")
    if form.is_valid():
        try:
            services.practice_link_report(
                link=link, hips=form.cleaned_data["hips"], words=form.cleaned_data["words"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "routines/practice/thanks.html", _public_context(link, token))
    context = {**_public_context(link, token), "form": form, "report_failed": True}
    return render(request, "routines/player.html", context, status=400)


@public_practice
@require_GET
def practice_figure(
    request: HttpRequest, link: PracticeLink, token: str, step_code: str
) -> FileResponse:
    """A step's picture, only for a step of this link's routine."""
    step = get_object_or_404(link.routine.steps.select_related("pose"), code=step_code)
    if not step.pose.image:
        raise Http404
    try:
        handle = step.pose.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")  # re-encoded as PNG on upload
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_GET
def practice_worker(request: HttpRequest) -> FileResponse:
    """The offline helper, served from /p/ so that it may look after the pages under /p/ (a
    service worker's reach ends at its own folder, and static files live elsewhere)."""
    path = finders.find(WORKER_SCRIPT)
    assert path is not None, f"{WORKER_SCRIPT} is among the static files"
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type="text/javascript",
    )
    # Browsers check for a new worker on each visit; nothing should keep an old one around.
    response["Cache-Control"] = "no-cache"
    return response


@studio_view("routines.view")
def routine_player(request: StudioRequest, routine_code: str) -> HttpResponse:
    """The same player for the teacher in a session, with their own notes beside each step."""
    routine = get_routine_for_studio(request, routine_code)
    studio = request.studio
    if routine.client is not None:
        audit.audit_client(
            request,
            routine.client,
            AuditEvent.Action.VIEW,
            "routine",
            "tailored routine played",
            record_code=routine.code,
        )

    def figure(step) -> str:
        return reverse("pose_image", args=[studio.code, step.pose.code])

    teacher_view = studio_can(request, "routines.edit")
    settings_row = HandoutSettings.for_studio(studio)
    context = {
        "public": False,
        "routine": routine,
        "teacher_notes": routine.notes if teacher_view else "",
        "name": routine.client.preferred_name if routine.client else "",
        "safety_lines": settings_row.safety_text.splitlines(),
        "choice_lines": settings_row.choice_text.splitlines(),
        "contact": "",
        "not_medical_advice": NOT_MEDICAL_ADVICE,
        "seconds_per_breath": SECONDS_PER_BREATH,
        "steps": player_steps(routine, figure_url=figure, for_teacher=teacher_view),
    }
    return render(request, "routines/player.html", context)


def _live_link_and_url(request: StudioRequest, routine: Routine) -> tuple[PracticeLink | None, str]:
    link = PracticeLink.objects.filter(routine=routine).select_related("client").first()
    token = link.token() if link is not None and link.is_live() else None
    url = request.build_absolute_uri(reverse("practice_player", args=[token])) if token else ""
    return link, url


def practice_url(request: StudioRequest, routine: Routine) -> str:
    """The live link's address for a new handout's QR code, or "" (one query)."""
    return _live_link_and_url(request, routine)[1]


def practice_link_context(request: StudioRequest, routine: Routine) -> dict:
    """The print page's view of the link, and the URL that new handouts print as a QR code."""
    link, url = _live_link_and_url(request, routine)
    client = routine.client
    return {
        "practice_link": link,
        "practice_link_live": link is not None and link.is_live(),
        "practice_url": url,
        "reported_days": client.home_practice.reported_by_client().count() if client else 0,
        "can_manage_link": studio_can(request, "practice_links.manage"),
    }


def _link_for(routine: Routine) -> PracticeLink | None:
    # A page left open may still show buttons for a link a teammate has since turned off.
    return (
        PracticeLink.objects.select_related("routine__studio", "client")
        .filter(routine=routine)
        .first()
    )


def _back_to_print(routine: Routine) -> HttpResponse:
    return redirect(reverse("routine_print", args=[routine.studio.code, routine.code]) + "#link")


@require_POST
@studio_view("practice_links.manage")
def practice_link_on(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    report_outcome(
        request,
        partial(services.practice_link_enable, routine=routine, by=request.user, request=request),
        "The practice link is on. New handouts carry its QR code.",
    )
    return _back_to_print(routine)


@require_POST
@studio_view("practice_links.manage")
def practice_link_renew(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    link = _link_for(routine)
    if link is None:
        messages.error(request, "This routine has no practice link to renew: turn one on.")
        return _back_to_print(routine)
    report_outcome(
        request,
        partial(services.practice_link_renew, link=link, by=request.user, request=request),
        "Renewed: the same link and QR code work for 90 more days.",
    )
    return _back_to_print(routine)


@require_POST
@studio_view("practice_links.manage")
def practice_link_off(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    link = _link_for(routine)
    if link is not None:
        services.practice_link_revoke(link=link, by=request.user, request=request)
    messages.success(request, "The practice link is off. It stopped working straight away.")
    return _back_to_print(routine)
