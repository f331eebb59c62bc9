"""The intake section of the client page, edited in place with htmx.

Each of the five blocks (precautions, triggers, preferences, touch consent, medical clearance)
is a named partial of clients/intake_blocks.html. With htmx, an Edit or Add link swaps a form
fragment into the block, a successful POST answers with the refreshed block, and a form with
errors answers 422 with itself, retargeted onto the form. Without JavaScript the same URLs
render a whole page and redirect back to the client page.
"""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import reswap, retarget

from clients import audit, intake, services
from clients.access import get_client_for_studio
from clients.forms.intake import (
    ClearanceForm,
    PrecautionForm,
    PreferencesForm,
    TouchConsentForm,
    TriggerForm,
    movement_suggestion_form,
)
from clients.models import AuditEvent, Client, Precaution, Trigger
from practice.access import StudioRequest, studio_can, studio_view
from practice.once import submit_once

Action = AuditEvent.Action
# The intake page's forms: each names its block's elements with its `dom_prefix`.
IntakeForm = PrecautionForm | TriggerForm | PreferencesForm | TouchConsentForm | ClearanceForm
BLOCKS = {"precautions", "triggers", "preferences", "touch-consent", "clearance"}
BLOCKS_TEMPLATE = "clients/intake_blocks.html"
CLEARANCE_REQUESTED = (
    "Medical clearance is now “Requested”, as a surgeon set this precaution. You can change "
    "it under Medical clearance."
)


def _audit_view(
    request: StudioRequest,
    client: Client,
    record_type: str,
    summary: str,
    record_code: UUID | None = None,
) -> None:
    audit.audit_client(request, client, Action.VIEW, record_type, summary, record_code=record_code)


def _block_response(
    request: StudioRequest, client: Client, block: str, notice: str = "", also: dict | None = None
) -> HttpResponse:
    """`block` refreshed in place; `also` maps other blocks the change touched to their own
    notice, sent along as out-of-band swaps."""
    context = {
        "client": client,
        "can_edit": studio_can(request, "clients.edit"),
        **section_context(request, client),
    }
    response = render(request, f"{BLOCKS_TEMPLATE}#{block}", {**context, "notice": notice})
    for other, other_notice in (also or {}).items():
        extra = {**context, "notice": other_notice, "oob": True}
        response.content += render(request, f"{BLOCKS_TEMPLATE}#{other}", extra).content
    return response


def _saved(
    request: StudioRequest, client: Client, block: str, notice: str, also: dict | None = None
) -> HttpResponse:
    """After a change: the refreshed block for htmx, back to the client page without."""
    if request.htmx:
        return _block_response(request, client, block, notice, also)
    messages.success(request, notice)
    return redirect(f"{client.get_absolute_url()}#{block}")


def _form_response(
    request: StudioRequest,
    client: Client,
    *,
    partial: str,
    form: IntakeForm,
    block: str,
    title: str,
) -> HttpResponse:
    """A form: the fragment for htmx (422 and swapped onto itself on errors), else a page.

    422, not 400: the request was understood and the form is to be corrected, and the page's
    htmx config swaps a 422 in place like content.
    """
    status = 422 if form.is_bound else 200
    context = {
        "client": client,
        "form": form,
        # Every intake form posts back to the URL that served it.
        "action": request.path,
        # Not "block": Django's {% block %} tag shadows a variable of that name in a page.
        "anchor": block,
        "title": title,
        "block_url": reverse("intake_section", args=[request.studio.code, client.code]),
    }
    if request.htmx:
        _focus(form)
        response = render(request, f"{BLOCKS_TEMPLATE}#{partial}", context, status=status)
        if status == 422:
            # The form posts with the whole block as its target; an error replaces only the
            # form, so what was typed stays where it was typed.
            response = reswap(retarget(response, f"#{form.dom_prefix}-form"), "outerHTML")
        return response
    context["form_template"] = f"{BLOCKS_TEMPLATE}#{partial}"
    return render(request, "clients/intake_form_page.html", context, status=status)


def _focus(form: forms.BaseForm) -> None:
    """htmx focuses an element marked autofocus once swapped in: keyboard and screen reader
    users land in the form they opened, or on the first thing to fix."""
    name = next(iter(form.errors or form.fields))
    field = form.fields.get(name)
    # A group of radio buttons or checkboxes has no single element to focus.
    if field is not None and not isinstance(field.widget, forms.RadioSelect):
        field.widget.attrs["autofocus"] = True


def _confirm_remove(
    request: StudioRequest, client: Client, *, what: str, label: str, block: str
) -> HttpResponse:
    """Without JavaScript, Remove opens this page; with it, htmx asks with hx-confirm."""
    context = {"client": client, "what": what, "label": label, "anchor": block}
    return render(request, "clients/intake_remove.html", context)


def _get_precaution(client: Client, code: str) -> Precaution:
    return get_object_or_404(client.precautions, code=code)


def _get_trigger(client: Client, code: str) -> Trigger:
    return get_object_or_404(client.triggers, code=code)


def _split_by_date(precautions: QuerySet[Precaution]) -> tuple[list, list]:
    today = timezone.localdate()
    current: list[Precaution] = []
    past: list[Precaution] = []
    for precaution in precautions:
        ended = precaution.end_date is not None and precaution.end_date < today
        (past if ended else current).append(precaution)
    return current, past


def section_context(request: StudioRequest, client: Client) -> dict:
    """What the intake section shows, in three queries however long the record."""
    active, past = _split_by_date(client.precautions.all())
    return {
        "active_precautions": active,
        "past_precautions": past,
        "triggers": list(client.triggers.all()),
        "touch_history": list(client.touch_history.select_related("recorded_by", "session")),
    }


@studio_view("clients.view_sensitive")
def intake_section(request: StudioRequest, client_code: str) -> HttpResponse:
    """One block as it is saved: what Cancel brings back in place of an open form."""
    client = get_client_for_studio(request, client_code)
    block = request.GET.get("block", "")
    if not request.htmx or block not in BLOCKS:
        return redirect(f"{client.get_absolute_url()}#{block if block in BLOCKS else 'intake'}")
    _audit_view(request, client, "intake", "intake opened")
    return _block_response(request, client, block)


def _precaution_form(
    request: StudioRequest, client: Client, precaution: Precaution | None
) -> HttpResponse:
    if request.htmx and request.method == "GET" and "condition" in request.GET:
        # The condition was just picked: suggest the movements it usually restricts.
        form = movement_suggestion_form(request.GET, instance=precaution)
        context = {"form": form}
        return render(request, f"{BLOCKS_TEMPLATE}#precaution-movements", context)
    form = PrecautionForm(request.POST or None, instance=precaution)
    if request.method == "POST" and form.is_valid():
        notices, also = [], {}
        if precaution is None:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "until_cleared"}
            clearance_before = client.medical_clearance
            intake.precaution_add(client=client, by=request.user, request=request, **fields)
            notices.append("Precaution added.")
            if client.medical_clearance != clearance_before:
                notices.append(CLEARANCE_REQUESTED)
                also["clearance"] = "Now “Requested”, as a surgeon set a precaution."
        else:
            intake.intake_row_update(form.instance, by=request.user, request=request)
            notices.append("Precaution saved.")
        if form.end_date_won:
            notices.append(form.end_date_won_note)
        return _saved(request, client, "precautions", " ".join(notices), also)
    if request.method == "GET":
        # Even an empty form shows whose record it adds to.
        if precaution is None:
            _audit_view(request, client, "precaution", "precaution form opened")
        else:
            _audit_view(request, client, "precaution", "precaution opened", precaution.code)
    return _form_response(
        request,
        client,
        partial="precaution-form",
        form=form,
        block="precautions",
        title="Add a precaution" if precaution is None else "Edit a precaution",
    )


@studio_view("clients.edit")
@submit_once
def precaution_add(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    return _precaution_form(request, client, None)


@studio_view("clients.edit")
def precaution_edit(request: StudioRequest, client_code: str, precaution_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    return _precaution_form(request, client, _get_precaution(client, precaution_code))


@studio_view("clients.edit")
def precaution_delete(
    request: StudioRequest, client_code: str, precaution_code: str
) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    precaution = _get_precaution(client, precaution_code)
    if request.method == "POST":
        intake.intake_row_delete(precaution, by=request.user, request=request)
        return _saved(request, client, "precautions", "Precaution removed.")
    _audit_view(request, client, "precaution", "precaution opened", precaution.code)
    return _confirm_remove(
        request,
        client,
        what="precaution",
        label=precaution.condition_label,
        block="precautions",
    )


def _trigger_form(request: StudioRequest, client: Client, trigger: Trigger | None) -> HttpResponse:
    form = TriggerForm(request.POST or None, instance=trigger)
    if request.method == "POST" and form.is_valid():
        if trigger is None:
            intake.intake_row_create(
                Trigger, client=client, by=request.user, request=request, **form.cleaned_data
            )
            return _saved(request, client, "triggers", "Trigger added.")
        intake.intake_row_update(form.instance, by=request.user, request=request)
        return _saved(request, client, "triggers", "Trigger saved.")
    if request.method == "GET":
        if trigger is None:
            _audit_view(request, client, "trigger", "trigger form opened")
        else:
            _audit_view(request, client, "trigger", "trigger opened", trigger.code)
    return _form_response(
        request,
        client,
        partial="trigger-form",
        form=form,
        block="triggers",
        title="Add a trigger" if trigger is None else "Edit a trigger",
    )


@studio_view("clients.edit")
@submit_once
def trigger_add(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    return _trigger_form(request, client, None)


@studio_view("clients.edit")
def trigger_edit(request: StudioRequest, client_code: str, trigger_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    return _trigger_form(request, client, _get_trigger(client, trigger_code))


@studio_view("clients.edit")
def trigger_delete(request: StudioRequest, client_code: str, trigger_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    trigger = _get_trigger(client, trigger_code)
    if request.method == "POST":
        intake.intake_row_delete(trigger, by=request.user, request=request)
        return _saved(request, client, "triggers", "Trigger removed.")
    _audit_view(request, client, "trigger", "trigger opened", trigger.code)
    return _confirm_remove(
        request,
        client,
        what="trigger",
        label=trigger.get_category_display(),
        block="triggers",
    )


@studio_view("clients.edit")
def preferences_edit(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = PreferencesForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        intake.preferences_save(client=form.instance, by=request.user, request=request)
        return _saved(request, client, "preferences", "Preferences saved.")
    if request.method == "GET":
        _audit_view(request, client, "preferences", "preferences opened")
    return _form_response(
        request,
        client,
        partial="preferences-form",
        form=form,
        block="preferences",
        title="Preferences",
    )


@studio_view("clients.edit")
def touch_consent_edit(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = TouchConsentForm(request.POST or None, initial={"touch_consent": client.touch_consent})
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["touch_consent"]
        if value == client.touch_consent:
            # The history records changes; saving the same answer again adds no entry.
            return _saved(request, client, "touch-consent", "Touch consent is unchanged.")
        services.touch_consent_set(client=client, value=value, by=request.user, request=request)
        return _saved(request, client, "touch-consent", "Touch consent saved.")
    if request.method == "GET":
        _audit_view(request, client, "touch consent", "touch consent opened")
    return _form_response(
        request,
        client,
        partial="touch-consent-form",
        form=form,
        block="touch-consent",
        title="Touch consent",
    )


@studio_view("clients.edit")
def clearance_edit(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = ClearanceForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        intake.clearance_save(client=form.instance, by=request.user, request=request)
        return _saved(request, client, "clearance", "Medical clearance saved.")
    if request.method == "GET":
        _audit_view(request, client, "medical clearance", "medical clearance opened")
    return _form_response(
        request,
        client,
        partial="clearance-form",
        form=form,
        block="clearance",
        title="Medical clearance",
    )
