import logging
from dataclasses import replace

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from clients import audit
from clients.access import get_client_for_studio
from clients.models import AuditEvent, Client
from clients.services import current_consent
from practice.access import StudioRequest, studio_can, studio_view
from routines.access import get_routine_for_studio
from routines.builder.advisories import may_see_advisories
from routines.models import HandoutSettings
from routines.paper import handouts
from routines.paper.forms import HandoutSettingsForm
from routines.paper.handouts import PrintOptions
from routines.paper.player_views import practice_link_context, practice_url

Action = AuditEvent.Action
logger = logging.getLogger(__name__)


def pdf_response(
    request: StudioRequest, html: str, filename: str, *, personal: bool
) -> HttpResponse:
    try:
        pdf, _ = handouts.cached_pdf(html, request.studio, personal=personal)
    except handouts.RenderFailed:
        # A render stopped at its time limit (a very busy server): a kind page that says to try
        # again, with the error logged under the request id, rather than a bare 500.
        logger.exception("A PDF could not be made")  # its file name may hold a client's name
        return render(request, "routines/pdf_not_made.html", status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    as_attachment = request.GET.get("inline") != "1"
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]  # with a file name, never None
        as_attachment, filename
    )
    return response


def _print_options(request: StudioRequest) -> PrintOptions:
    """The options asked for; check-in numbers stay off the handout for those who may not read
    them (assistants print handouts too)."""
    options = PrintOptions.from_query(request.GET)
    if options.progress and not studio_can(request, "sessions.record"):
        options = replace(options, progress=False)
    return options


def _audit_print(request: StudioRequest, what: str, client: Client | None, code) -> None:
    audit.audit_client(request, client, Action.PRINT, what, f"{what} printed", record_code=code)


@studio_view("handouts.print")
def routine_print(request: StudioRequest, routine_code: str) -> HttpResponse:
    """The print page: a preview of the handout and the download buttons."""
    routine = get_routine_for_studio(request, routine_code)
    options = _print_options(request)
    link = practice_link_context(request, routine)
    if routine.client is not None:
        # The preview shows what is printed for this client: a read of their record.
        audit.audit_client(
            request,
            routine.client,
            Action.VIEW,
            "routine",
            "print preview of a tailored routine opened",
            record_code=routine.code,
        )
    safety, safety_steps = handouts.print_safety(routine)
    # Everyone who prints sees how many conflicts are open; only teachers see the reasons. The
    # preview's audit entry above already records this view of the client's record.
    safety_reasons = may_see_advisories(request)
    context = {
        # The preview's own keys (studio, settings, steps, ...) feed the shared template.
        **handouts.handout_preview_context(
            routine, options, routine.created_by, link["practice_url"]
        ),
        **link,
        "print_options": options,
        "can_print_teacher_sheet": studio_can(request, "handouts.print_teacher_sheet"),
        "query": request.GET.urlencode(),
        "safety": safety,
        "safety_steps": safety_steps,
        "safety_reasons": safety_reasons,
        "needs_confirmation": bool(safety and safety.summary.unresolved),
    }
    return render(request, "routines/print.html", context)


@studio_view("handouts.print")
def routine_handout_pdf(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    options = _print_options(request)
    safety, _ = handouts.print_safety(routine)
    if safety and safety.summary.unresolved and request.GET.get("confirmed") != "1":
        # Nothing is printed until the person confirms they mean it; the question names the
        # client and counts their conflicts, so it is a view of the record.
        audit.audit_client(
            request,
            routine.client,
            Action.VIEW,
            "routine",
            "print confirmation for a tailored routine shown",
            record_code=routine.code,
        )
        confirmed_query = request.GET.copy()
        confirmed_query["confirmed"] = "1"
        context = {
            "routine": routine,
            "summary": safety.summary,
            "client_name": safety.client_name,
            "confirmed_query": confirmed_query.urlencode(),
            "query": request.GET.urlencode(),
        }
        return render(request, "routines/print_confirm.html", context)
    link_url = practice_url(request, routine)
    html = handouts.handout_html(routine, options, routine.created_by, link_url)
    _audit_print(request, "client handout", routine.client, routine.code)
    filename = f"{slugify(routine.title) or 'practice'}.pdf"
    # A tailored handout carries the person's name and touch preference.
    return pdf_response(request, html, filename, personal=routine.client_id is not None)


@studio_view("handouts.print_teacher_sheet")
def routine_teacher_sheet_pdf(request: StudioRequest, routine_code: str) -> HttpResponse:
    routine = get_routine_for_studio(request, routine_code)
    options = PrintOptions.from_query(request.GET)
    html = handouts.teacher_sheet_html(routine, options, routine.created_by)
    _audit_print(request, "teacher sheet", routine.client, routine.code)
    filename = f"{slugify(routine.title) or 'practice'}-teacher-sheet.pdf"
    # Teacher notes and, for a tailored routine, decrypted precautions and triggers.
    return pdf_response(request, html, filename, personal=True)


def _no_consent_text(request: StudioRequest) -> HttpResponse:
    """Signature lines under no text would be a form nobody can agree to: say what to do."""
    context = {"can_write": studio_can(request, "consent.manage_text")}
    return render(request, "routines/consent_form_missing.html", context, status=409)


@studio_view("handouts.print")
def consent_form_pdf(request: StudioRequest) -> HttpResponse:
    """The studio's current consent text with empty signature lines."""
    document = current_consent(request.studio)
    if document is None:
        return _no_consent_text(request)
    html = handouts.consent_form_html(
        request.studio, document, None, PrintOptions.from_query(request.GET)
    )
    _audit_print(request, "blank consent form", None, document.code)
    return pdf_response(request, html, "consent-form.pdf", personal=False)


@studio_view("handouts.print")
def consent_cards_pdf(request: StudioRequest) -> HttpResponse:
    """The studio's two-sided consent cards: about no one, so cached like the blank form."""
    html = handouts.consent_cards_html(request.studio)
    _audit_print(request, "consent cards", None, None)
    return pdf_response(request, html, "consent-cards.pdf", personal=False)


@studio_view("handouts.print")
def client_consent_form_pdf(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    document = current_consent(request.studio)
    if document is None:
        return _no_consent_text(request)
    html = handouts.consent_form_html(
        request.studio, document, client, PrintOptions.from_query(request.GET)
    )
    _audit_print(request, "consent form", client, document.code)
    filename = f"consent-form-{slugify(client.preferred_name)}.pdf"
    return pdf_response(request, html, filename, personal=True)


@studio_view("handouts.settings")
def handout_settings(request: StudioRequest) -> HttpResponse:
    settings_row = HandoutSettings.for_studio(request.studio)
    form = HandoutSettingsForm(request.POST or None, request.FILES or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Handout settings saved. New prints use them straight away.")
        return redirect("handout_settings", request.studio.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "routines/handout_settings.html", {"form": form}, status=status)
