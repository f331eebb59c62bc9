"""The intake link: the client's public form, and the teacher's side (send, turn off, review).

The public views answer only to a token that finds its link; anything else (wrong, revoked,
expired, an archived record) gets one plain, kind 404 page, the same for every reason. Each
public page sends `noindex`, `no-referrer` and `no-store`, sets no cookie (no CSRF token, no
session, no messages), and is rate-limited per address. The form page is static apart from
the token check: it shows the studio's name and consent text, never anything of the record.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clients import audit
from clients import intake_link_services as services
from clients.access import get_client_for_studio
from clients.audit import client_ip
from clients.forms.intake_link import IntakeLinkForm, review_form
from clients.intake_links import IntakeInvitation, grouped
from clients.models import AuditEvent, Client
from clients.services import current_consent
from practice import ratelimit
from practice.access import StudioRequest, studio_view
from practice.once import submit_once
from practice.public_links import private, typed_address
from practice.qr import qr_svg

# A person opens the page, perhaps fixes a mistake or two and sends it: a few requests. Far
# too few to guess an 80-bit code.
REQUESTS_PER_IP = 60
REQUEST_WINDOW_SECONDS = 10 * 60


def _slow_down(request: HttpRequest) -> HttpResponse:
    response = render(request, "clients/intake_link/slow_down.html", status=429)
    response["Retry-After"] = str(REQUEST_WINDOW_SECONDS)
    return private(response)


def _gone(request: HttpRequest) -> HttpResponse:
    return private(render(request, "clients/intake_link/gone.html", status=404))


# No CSRF token: a token would set a cookie, and under `no-referrer` browsers send
# `Origin: null`, which Django's check refuses. No session or cookie gives this POST its power:
# the secret token in the URL does, and a forging site would have to know it already.
@csrf_exempt
@login_not_required
def intake_link_form(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in {"GET", "POST"}:
        return private(HttpResponse(status=405, headers={"Allow": "GET, POST"}))
    if not ratelimit.allow(
        "intake-link",
        client_ip(request) or "unknown",
        limit=REQUESTS_PER_IP,
        window_seconds=REQUEST_WINDOW_SECONDS,
    ):
        return _slow_down(request)
    invitation = IntakeInvitation.find(token)
    if invitation is None:
        return _gone(request)
    studio = invitation.client.studio
    if not invitation.is_open():
        # Answered already: she (or a second tab) is told kindly; nothing is sent again.
        status = 409 if request.method == "POST" else 200
        context = {"studio": studio, "again": request.method == "POST"}
        return private(render(request, "clients/intake_link/thanks.html", context, status=status))
    document = current_consent(studio)
    form = IntakeLinkForm(request.POST or None, document=document)
    if request.method == "GET":
        services.intake_link_opened(invitation)
    elif form.is_valid():
        try:
            services.intake_link_submit(
                invitation=invitation, answers=form.answers(), address=client_ip(request)
            )
        except services.AlreadyAnswered:
            context = {"studio": studio, "again": True}
            response = render(request, "clients/intake_link/thanks.html", context, status=409)
            return private(response)
        return private(render(request, "clients/intake_link/thanks.html", {"studio": studio}))
    context = {"form": form, "studio": studio, "document": document}
    status = 400 if request.method == "POST" else 200
    return private(render(request, "clients/intake_link/form.html", context, status=status))


def _invitation_for(client: Client, code: str) -> IntakeInvitation:
    """One of this client's links: the client was loaded through the studio of the URL."""
    return get_object_or_404(client.intake_invitations.select_related("client__studio"), code=code)


@require_POST
@studio_view("clients.edit")
@submit_once
def intake_link_send(request: StudioRequest, client_code: str) -> HttpResponse:
    """Makes a link and shows it this once, as a welcome sheet to print or a link to copy:
    only its hash is kept, so this page cannot be opened again."""
    client = get_client_for_studio(request, client_code)
    try:
        invitation, token = services.intake_link_send(
            client=client, by=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(client)
    url = request.build_absolute_uri(reverse("intake_link_form", args=[grouped(token)]))
    context = {
        "client": client,
        "invitation": invitation,
        "url": url,
        "address": typed_address(url),
        "qr": qr_svg(url, title="QR code of your welcome link"),
    }
    return render(request, "clients/intake_link/welcome_sheet.html", context)


@require_POST
@studio_view("clients.edit")
def intake_link_revoke(request: StudioRequest, client_code: str, link_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    invitation = _invitation_for(client, link_code)
    services.intake_link_revoke(invitation=invitation, by=request.user, request=request)
    messages.success(request, "The intake link is turned off. Nobody can open it now.")
    return redirect(client)


def _review_context(
    invitation: IntakeInvitation, bound: dict[str, object] | None = None
) -> dict[str, object]:
    client = invitation.client
    answers = invitation.answers
    parts = []
    for part in services.pending_parts(invitation):
        kind = services.part_kind(part)
        form = (bound or {}).get(part) or review_form(part, answers[part], client)
        parts.append(
            {
                "key": part,
                "kind": kind,
                "name": services.PART_NAMES[kind],
                "lines": services.answer_lines(part, answers[part]),
                "form": form,
            }
        )
    decided = [
        {"name": services.PART_NAMES[services.part_kind(part)], "decision": decision}
        for part, decision in invitation.decisions.items()
    ]
    return {"client": client, "invitation": invitation, "parts": parts, "decided": decided}


@studio_view("clients.edit")
def intake_link_review(request: StudioRequest, client_code: str, link_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    invitation = _invitation_for(client, link_code)
    if invitation.submitted_at is None:
        messages.info(request, "No answers have arrived through this link yet.")
        return redirect(client)
    audit.audit_client(
        request,
        client,
        AuditEvent.Action.VIEW,
        services.RECORD_TYPE,
        "intake answers opened for review",
        record_code=invitation.code,
    )
    return render(request, "clients/intake_link/review.html", _review_context(invitation))


@require_POST
@studio_view("clients.edit")
def intake_link_decide(
    request: StudioRequest, client_code: str, link_code: str, part: str
) -> HttpResponse:
    """Accepts one part (as the teacher confirmed or edited it) or discards it."""
    client = get_client_for_studio(request, client_code)
    invitation = _invitation_for(client, link_code)
    answers = invitation.answers
    if part not in answers:
        return _refused(request, invitation, "There is no such part in these answers.")
    if part in invitation.decisions:
        return _refused(request, invitation, "This part was already reviewed.")
    decision = request.POST.get("decision")
    if decision not in {"accept", "discard"}:
        return _refused(request, invitation, "Choose “Add to the record” or “Leave it out”.")
    review = reverse("intake_link_review", args=[request.studio.code, client.code, invitation.code])
    try:
        if decision == "discard":
            services.part_discard(
                invitation=invitation, part=part, by=request.user, request=request
            )
            messages.success(request, f"Left out: {services.PART_NAMES[services.part_kind(part)]}.")
        else:
            form = review_form(part, answers[part], client, data=request.POST)
            if form is not None and not form.is_valid():
                context = _review_context(invitation, bound={part: form})
                return render(request, "clients/intake_link/review.html", context, status=400)
            told = services.part_accept(
                invitation=invitation, part=part, form=form, by=request.user, request=request
            )
            name = services.PART_NAMES[services.part_kind(part)]
            messages.success(request, f"Added to the record: {name}. {told}".strip())
    except ValidationError as error:
        return _refused(request, invitation, error.messages[0])
    invitation.refresh_from_db(fields=["reviewed_at"])
    return redirect(client if invitation.reviewed_at else review)


def _refused(request: StudioRequest, invitation: IntakeInvitation, why: str) -> HttpResponse:
    context = {**_review_context(invitation), "refused": why}
    return render(request, "clients/intake_link/review.html", context, status=400)
