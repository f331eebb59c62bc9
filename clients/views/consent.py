"""The studio's informed-consent text (owners) and clients' signatures on it (teachers)."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clients import audit, services
from clients.access import get_client_for_studio
from clients.forms.consent import DEFAULT_CONSENT_TEXT, ConsentTextForm, SignatureForm
from clients.models import AuditEvent, Client, ConsentDocument, ConsentSignature
from practice.access import StudioRequest, studio_can, studio_view
from practice.once import submit_once

Action = AuditEvent.Action


def _signature_form(request: StudioRequest, client: Client, document: ConsentDocument | None):
    initial = {
        "signed_name": client.full_name or client.preferred_name,
        "version": document.version if document else None,
    }
    return SignatureForm(studio=request.studio, initial=initial)


def section_context(
    request: StudioRequest, client: Client, *, form: SignatureForm | None = None
) -> dict:
    """The consent part of the client page, in two queries: the current text, the signatures.

    The signing form is drawn only when given (sent back with its errors, or opened on its
    own): on the client page it is fetched when the teacher opens "Record a signature".
    """
    document = services.current_consent(request.studio)
    signatures = list(client.signatures.select_related("document", "witnessed_by"))
    current = None
    if document is not None:
        current = next((s for s in signatures if s.document_id == document.pk), None)
    return {
        "consent_document": document,
        "consent_signatures": signatures,
        "consent_current_signature": current,
        # The latest signature on an earlier version, for "signed version 1; version 2 is waiting".
        "consent_latest_signature": signatures[0] if signatures else None,
        "consent_needs_signature": document is not None and current is None,
        "consent_form": form,
        "can_manage_consent_text": studio_can(request, "consent.manage_text"),
    }


def _section_response(
    request: StudioRequest,
    client: Client,
    *,
    form: SignatureForm | None = None,
    status: int = 200,
    message: str = "",
) -> HttpResponse:
    context = {
        "client": client,
        "can_edit": True,
        "consent_message": message,
        **section_context(request, client, form=form),
    }
    if request.htmx:
        return render(request, "clients/_consent.html", context, status=status)
    # Without JavaScript a form with errors gets a page of its own; the client page is not ours.
    return render(request, "clients/consent_sign.html", context, status=status)


@require_http_methods(["GET", "POST"])
@studio_view("clients.edit")
@submit_once
def consent_sign(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    document = services.current_consent(request.studio)
    if request.method == "GET":
        # The form names the client (the full name to sign), so opening it is a view.
        audit.audit_client(request, client, Action.VIEW, "consent", "consent signing form opened")
        form = _signature_form(request, client, document)
        if request.htmx:
            return render(
                request, "clients/_consent_sign_form.html", {"client": client, "form": form}
            )
        return _section_response(request, client, form=form)
    form = SignatureForm(request.POST, studio=request.studio)
    if form.is_valid():
        if document is None:
            form.add_error(None, "The studio has no consent text yet, so there is nothing to sign.")
        elif form.cleaned_data["version"] != document.version:
            form.add_error(
                None,
                f"The consent text changed while this page was open: it is now version "
                f"{document.version}. Please read the new version together before signing.",
            )
            # The form shown again is for the new version; the name and date typed are kept.
            form.data = cast(QueryDict, form.data).copy()  # bound to request.POST
            form.data["version"] = str(document.version)
    if not form.is_valid():
        return _section_response(request, client, form=form, status=400)
    assert document is not None  # without one, an error was added to the form above
    try:
        services.consent_sign(
            client=client,
            document=document,
            signed_name=form.cleaned_data["signed_name"],
            signed_on=form.cleaned_data["signed_on"],
            witness=form.cleaned_data["witness"],
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        if getattr(error, "code", None) != "already_signed":
            form.add_error(None, error)
            return _section_response(request, client, form=form, status=400)
        # Most often the same form sent twice: the section as it stands is the answer.
        done = f"{error.messages[0]} The earlier signature stands; nothing new was recorded."
    else:
        done = f"The signature on version {document.version} is recorded."
    if request.htmx:
        return _section_response(request, client, message=done)
    messages.success(request, done)
    return redirect(client.get_absolute_url() + "#consent")


TO_SIGN_PAGE_SIZE = 25


def _clients_to_sign(request: StudioRequest, document: ConsentDocument | None) -> Page | None:
    """One page of the active clients without a signature on the current version.

    A count and a page, never the whole list: a large studio has thousands waiting after a new
    version. Each shown client's latest signed version comes in one more query.
    """
    if document is None:
        return None
    waiting = (
        Client.objects.for_studio(request.studio)
        .active()
        .exclude(signatures__document=document)
        .only("code", "preferred_name", "full_name")
        .order_by("preferred_name", "full_name", "pk")
    )
    page = Paginator(waiting, TO_SIGN_PAGE_SIZE).get_page(request.GET.get("page"))
    latest = dict(
        ConsentSignature.objects.filter(client__in=page.object_list)
        .values_list("client")
        .annotate(version=Max("document__version"))
        .order_by()
    )
    for client in page.object_list:
        client.last_signed_version = latest.get(client.pk)
    return page


@studio_view("consent.manage_text")
@submit_once
def consent_text(request: StudioRequest) -> HttpResponse:
    studio = request.studio
    versions = list(
        studio.consent_documents.select_related("created_by")
        .annotate(signature_count=Count("signatures"))
        .order_by("-version")  # Meta.ordering does not apply to an aggregating query
    )
    current = versions[0] if versions else None
    initial_text = current.text if current else DEFAULT_CONSENT_TEXT
    form = ConsentTextForm(request.POST or None, initial={"text": initial_text})
    if request.method == "POST" and form.is_valid():
        try:
            document = services.consent_publish(
                studio=studio, text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as error:
            form.add_error("text", error.message_dict.get("text", error.messages))
        else:
            if document.version == 1:
                done = "Version 1 is published. Teachers can now record signatures."
            else:
                done = (
                    f"Version {document.version} is published. Clients who signed an earlier "
                    "version are asked to sign again."
                )
            messages.success(request, done)
            return redirect("consent_text", studio.code)
    context = {
        "form": form,
        "current": current,
        "earlier_versions": versions[1:],
        "clients_to_sign": _clients_to_sign(request, current),
        "is_default_text": current is None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/consent_text.html", context, status=status)
