from collections.abc import Sequence
from html import escape
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from clients import audit, hooks, services
from clients.access import get_client_for_studio
from clients.chooser import added_hint, namesakes
from clients.forms.clients import ClientFilterForm, ClientForm
from clients.intake_link_services import link_for_client_page
from clients.models import AuditEvent, Client, ClientTally
from clients.sessions import views as sessions
from clients.views import consent, intake, notes
from practice.access import StudioRequest, studio_can, studio_view
from practice.models import Studio
from practice.once import submit_once

Action = AuditEvent.Action
STATUS_LABELS = dict(Client.Status.choices)
# Each sensitive section of the client page: its view module builds its context.
SENSITIVE_SECTIONS = (intake, consent, notes, sessions)


# What the list shows of each client: never the encrypted columns, decrypted for nothing, nor
# when she was added, which namesakes alone show (_namesake_hints).
LIST_COLUMNS = ("code", "preferred_name", "full_name", "pronouns", "status")


def _clients_shown(request: StudioRequest, show: str, query: str) -> QuerySet:
    """The clients asked for, as rows of LIST_COLUMNS: the page opened most needs no models.
    One status is asked for, so the erased are left out without for_studio's second test."""
    status = Client.Status.ARCHIVED if show == "archived" else Client.Status.ACTIVE
    clients = Client.objects.filter(studio=request.studio, status=status)
    if show == "mine":
        clients = clients.filter(care_team=request.membership)
    if query:
        clients = clients.search(query)
    return clients.values_list(*LIST_COLUMNS, named=True)


PER_PAGE = 25


class _TalliedPaginator(Paginator):
    """A paginator told how many there are, instead of counting them."""

    def __init__(self, clients: QuerySet, per_page: int, count: int) -> None:
        super().__init__(clients, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


def _page_of(request: StudioRequest, show: str, query: str) -> Page:
    """The page asked for (a page past the end, or words, get the nearest page). All of a
    studio's active or archived clients are not counted row by row on every page: the studio's
    tally says how many (ClientTally). A search and "my clients" are counted."""
    clients = _clients_shown(request, show, query)
    number = request.GET.get("page")
    if query or show == "mine":
        return Paginator(clients, PER_PAGE).get_page(number)
    count = ClientTally.of(request.studio, show)
    return _TalliedPaginator(clients, PER_PAGE, count).get_page(number)


def _namesake_hints(studio: Studio, clients: Sequence[Any]) -> list[str]:
    """For each client on the page, when she was added if she has a namesake beside her, else
    "". The dates are read for namesakes alone, in a query of their own when a page has any:
    read for every row they cost the page opened most a twentieth of its time on PostgreSQL,
    which converts each in Python."""
    same_named = namesakes(clients)
    codes = [client.code for client, same in zip(clients, same_named, strict=True) if same]
    if not codes:
        return [""] * len(clients)
    added = dict(
        Client.objects.filter(studio=studio, code__in=codes).values_list("code", "created_at")
    )
    return [added_hint(added[client.code]) if client.code in added else "" for client in clients]


def _client_rows(clients: Sequence[Any], hints: Sequence[str], list_url: str) -> SafeString:
    """The table rows of the client list (rows of LIST_COLUMNS), put together here rather than
    by template tags: the list is the page opened most, and the template's lookups, filters and
    {% url %} row by row cost more than everything else on it. Every value is escaped with
    html.escape, which is what Django's escape does, without its check for lazy text on each of
    some 150 values. A client's page is the list's address and her code (clients/urls.py): no
    row reverses a URL.
    """
    rows = []
    for client, namesake_hint in zip(clients, hints, strict=True):
        notes = ""
        if client.full_name:
            notes += f' <small class="muted">{escape(client.full_name)}</small>'
        if namesake_hint:
            notes += f' <small class="muted">· {escape(namesake_hint)}</small>'
        rows.append(
            f'<tr><td><a href="{escape(list_url)}{client.code}/">'
            f"{escape(client.preferred_name)}</a>{notes}</td>"
            f"<td>{escape(client.pronouns or '—')}</td>"
            f"<td>{escape(STATUS_LABELS[client.status])}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value in it is escaped above


@studio_view("clients.view")
def client_list(request: StudioRequest) -> HttpResponse:
    form = ClientFilterForm(request.GET)
    form.is_valid()
    show = form.cleaned_data.get("show") or "active"
    page = _page_of(request, show, form.cleaned_data.get("q", ""))
    clients = list(page.object_list)
    hints = _namesake_hints(request.studio, clients)
    context = {
        "form": form,
        "page": page,
        "rows": _client_rows(clients, hints, reverse("client_list", args=[request.studio.code])),
        "show": show,
        "can_edit": studio_can(request, "clients.edit"),
    }
    template = "clients/client_list.html#results" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


@studio_view("clients.edit")
@submit_once
def client_create(request: StudioRequest) -> HttpResponse:
    # The creator's own box starts ticked: she can untick it before saving, or leave later.
    creator = services.client_default_care_team(studio=request.studio, by=request.user)
    form = ClientForm(request.POST or None, studio=request.studio, initial={"care_team": creator})
    namesakes: list[Client] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # A kind check, not a rule: two people may share a name. The form comes back once with
        # the namesakes named, and "Add anyway" saves.
        if "add_anyway" not in request.POST:
            namesakes = _namesakes(request, data["preferred_name"], data["full_name"])
        if not namesakes:
            care_team = data.pop("care_team")
            client = services.client_create(
                studio=request.studio, by=request.user, request=request, care_team=care_team, **data
            )
            messages.success(
                request, f"{client.preferred_name} is added. You might start the intake."
            )
            return redirect(client)
    # 400 for the namesake check too: nothing was saved, so the one-time token is released.
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "namesakes": namesakes}
    return render(request, "clients/client_form.html", context, status=status)


def _namesakes(request: StudioRequest, preferred_name: str, full_name: str) -> list[Client]:
    namesakes = Client.objects.for_studio(request.studio).namesakes(preferred_name, full_name)
    return list(namesakes.only("code", "preferred_name", "full_name", "created_at")[:5])


@studio_view("clients.view")
def client_detail(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    sensitive = studio_can(request, "clients.view_sensitive")
    context = {
        "client": client,
        "can_view_sensitive": sensitive,
        "can_edit": studio_can(request, "clients.edit"),
        "can_export": studio_can(request, "clients.export"),
        "can_erase": studio_can(request, "clients.erase"),
        # Parts of the page from the apps above (routines tailored for them), via the hooks.
        "parts": hooks.page_parts(request, client, "client_actions", "client_routines"),
        "care_team": client.care_team.select_related("user"),
        # Everyone sees that a link was sent and answered; the answers only on the review page.
        "intake_link": link_for_client_page(client),
        **sessions.client_sessions(client),
    }
    if sensitive:
        for section in SENSITIVE_SECTIONS:
            context.update(section.section_context(request, client))
    summary = "full record opened" if sensitive else "contact details opened"
    audit.audit_client(request, client, Action.VIEW, "client", summary)
    return render(request, "clients/client_detail.html", context)


@studio_view("clients.edit")
def client_edit(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    form = ClientForm(request.POST or None, instance=client, studio=request.studio)
    if request.method == "POST" and form.is_valid():
        form.save(commit=False)
        services.client_update(
            client=client, by=request.user, changed=form.changed_data, request=request
        )
        form.save_m2m()
        messages.success(request, "Saved.")
        return redirect(client)
    if request.method == "GET":
        audit.audit_client(request, client, Action.VIEW, "client", "details opened for editing")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "clients/client_form.html", {"form": form, "client": client}, status=status
    )


@require_POST
@studio_view("clients.edit")
def client_archive(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    services.client_set_archived(client=client, archived=True, by=request.user, request=request)
    messages.success(
        request, f"{client.preferred_name} is archived. You can restore them any time."
    )
    return redirect("client_list", request.studio.code)


@require_POST
@studio_view("clients.edit")
def client_restore(request: StudioRequest, client_code: str) -> HttpResponse:
    client = get_client_for_studio(request, client_code)
    services.client_set_archived(client=client, archived=False, by=request.user, request=request)
    messages.success(request, f"{client.preferred_name} is active again.")
    return redirect(client)
