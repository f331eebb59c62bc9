"""Notes on a client: each member reads only what the note's privacy allows.

Every note shown or touched here is loaded through `Note.objects.visible_to(membership)`, so a
note someone may not read answers 404 in pages, htmx fragments and the edit page alike.
"""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from clients import audit, services
from clients.access import get_client_for_studio
from clients.forms.notes import AddendumForm, NoteForm
from clients.models import Addendum, AuditEvent, Client, Note
from practice.access import StudioRequest, studio_view
from practice.once import submit_once

Action = AuditEvent.Action


def _visible_notes(request: StudioRequest, client: Client):
    return Note.objects.visible_to(request.membership).filter(client=client)


def _get_note_for_client(request: StudioRequest, client: Client, code: str) -> Note:
    note = get_object_or_404(_visible_notes(request, client).select_related("author"), code=code)
    note.client = client  # already loaded through the studio: spares a query in the services
    return note


def _notes_url(client: Client) -> str:
    return client.get_absolute_url() + "#notes"


def section_context(
    request: StudioRequest,
    client: Client,
    *,
    note_form: NoteForm | None = None,
    addendum_form: AddendumForm | None = None,
    addendum_for: Note | None = None,
) -> dict:
    """The notes this member may read with their addenda, in two queries however many."""
    notes = list(
        _visible_notes(request, client)
        .select_related("author", "session")
        .prefetch_related(Prefetch("addenda", queryset=Addendum.objects.select_related("author")))
    )
    if addendum_form is not None and addendum_for is not None:
        # The one addendum that failed validation keeps what was typed, under its own note.
        for note in notes:
            if note.pk == addendum_for.pk:
                note.addendum_form = addendum_form
    return {"visible_notes": notes, "note_form": note_form or NoteForm()}


def _section_response(
    request: StudioRequest, client: Client, *, status: int = 200, message: str = "", **forms
) -> HttpResponse:
    context = {
        "client": client,
        "can_edit": True,
        "notes_message": message,
        **section_context(request, client, **forms),
    }
    return render(request, "clients/_notes.html", context, status=status)


@require_POST
@studio_view("clients.edit")
@submit_once
def note_add(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(
            client=client,
            author=request.user,
            body=form.cleaned_data["body"],
            privacy=form.cleaned_data["privacy"],
            request=request,
        )
        if request.htmx:
            return _section_response(request, client, message="Note added.")
        messages.success(request, "Note added.")
        return redirect(_notes_url(client))
    if request.htmx:
        return _section_response(request, client, note_form=form, status=400)
    context = {"client": client, "form": form}
    return render(request, "clients/note_form.html", context, status=400)


@studio_view("clients.edit")
def note_edit(request: StudioRequest, client_code: str, note_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    note = _get_note_for_client(request, client, note_code)
    if not rules.test_rule("notes.edit", request.membership, note):
        # Readable but not theirs to change: signed notes take addenda, others' notes neither.
        raise PermissionDenied
    form = NoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(
                note=note,
                body=form.cleaned_data["body"],
                privacy=form.cleaned_data["privacy"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return _section_response(request, client, message="Note saved.")
            messages.success(request, "Note saved.")
            return redirect(_notes_url(client))
    if request.method == "GET":
        audit.audit_client(
            request, client, Action.VIEW, "note", "note opened for editing", record_code=note.code
        )
    status = 400 if request.method == "POST" else 200
    context = {"client": client, "note": note, "form": form}
    if request.htmx:
        response = render(request, "clients/note_form.html#edit-form", context, status=status)
        # The inline form replaces the note it edits, also when it comes back with errors.
        return reswap(retarget(response, f"#note-{note.code}"), "outerHTML")
    return render(request, "clients/note_form.html", context, status=status)


@require_POST
@studio_view("clients.edit")
def note_sign(request: StudioRequest, client_code: str, note_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    note = _get_note_for_client(request, client, note_code)
    if not rules.test_rule("notes.sign", request.membership, note):
        raise PermissionDenied
    message = "This note was already signed."
    if not note.is_locked:
        services.note_sign(note=note, by=request.user, request=request)
        message = "Signed and locked. Corrections can now be added as addenda."
    if request.htmx:
        return _section_response(request, client, message=message)
    messages.success(request, message)
    return redirect(_notes_url(client))


@require_POST
@studio_view("clients.edit")
@submit_once
def addendum_add(request: StudioRequest, client_code: str, note_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    note = _get_note_for_client(request, client, note_code)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(
                note=note, author=request.user, body=form.cleaned_data["body"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return _section_response(request, client, message="Addendum added.")
            messages.success(request, "Addendum added.")
            return redirect(_notes_url(client))
    if request.htmx:
        return _section_response(request, client, status=400, addendum_form=form, addendum_for=note)
    context = {"client": client, "note": note, "form": form}
    return render(request, "clients/note_addendum.html", context, status=400)
