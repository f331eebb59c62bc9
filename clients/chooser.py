"""Choosing one client out of thousands: a name search instead of a <select> of everyone.

A studio may hold ten thousand clients; a select listing them all decrypted and rendered
every one of them on each page that offers a choice. The chooser shows only the current
choice, "nobody", and up to CHOOSER_LIMIT matches of what was typed (htmx asks
`client_choose` as the teacher types). Without JavaScript the same URL is a search page whose
results link back to the form's page with the chosen client's code in the query string.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from clients.models import Client, ClientQuerySet
from practice.models import Studio

CHOOSER_LIMIT = 10
# The columns a chooser shows: never the encrypted ones, which would be decrypted for nothing.
CHOOSER_COLUMNS = (
    *("pk", "code", "studio_id", "preferred_name", "full_name", "status", "erased_at"),
    # The hint that tells same-named clients apart (mark_namesakes).
    "created_at",
)


class Named(Protocol):
    """A client, or a row of her columns, with the names that make namesakes."""

    @property
    def preferred_name(self) -> str: ...
    @property
    def full_name(self) -> str: ...


def namesakes(clients: Sequence[Named]) -> list[bool]:
    """For each client, whether she is shown beside another of the same names (two "Ana
    Lima"s in one list), and so needs telling apart by added_hint."""
    counts = Counter(_names(client) for client in clients)
    return [counts[_names(client)] > 1 for client in clients]


def added_hint(created_at: datetime) -> str:
    """When a namesake was added. The date is neither sensitive nor encrypted, so any role
    that sees the list may see it."""
    return f"added {date_format(timezone.localtime(created_at), 'j M Y, H:i')}"


def mark_namesakes(clients: Iterable[Client]) -> None:
    """Gives each client her `namesake_hint`: when she was added if she is a namesake, else ""."""
    clients = list(clients)
    for client, is_namesake in zip(clients, namesakes(clients), strict=True):
        client.namesake_hint = added_hint(client.created_at) if is_namesake else ""


def _names(client: Named) -> tuple[str, str]:
    return client.preferred_name.casefold(), client.full_name.casefold()


def chooser_clients(studio: Studio, *, include_archived: bool) -> ClientQuerySet:
    clients = Client.objects.for_studio(studio)
    if not include_archived:
        clients = clients.active()
    return clients.only(*CHOOSER_COLUMNS)


def client_matches(studio: Studio, text: str, *, include_archived: bool) -> tuple[list, bool]:
    """Up to CHOOSER_LIMIT clients whose names contain every typed word, and whether more do."""
    if not text.strip():
        return [], False
    found = list(
        chooser_clients(studio, include_archived=include_archived)
        .search(text)
        .order_by("preferred_name", "full_name", "pk")[: CHOOSER_LIMIT + 1]
    )
    shown = found[:CHOOSER_LIMIT]
    mark_namesakes(shown)
    return shown, len(found) > CHOOSER_LIMIT


def client_label(client: Client) -> str:
    if client.status == Client.Status.ERASED:
        erased_on = client.erased_at.date().isoformat() if client.erased_at else "earlier"
        return f"Erased client ({erased_on})"
    if client.is_archived:
        return f"{client.preferred_name} (archived)"
    return client.preferred_name


class ClientChooser(forms.Widget):
    """Radio buttons for "nobody", the current client and the matches of a name search."""

    template_name = "clients/widgets/client_chooser.html"

    def __init__(
        self,
        *,
        studio: Studio,
        empty_label: str,
        include_archived: bool = False,
        return_url: str = "",
    ) -> None:
        super().__init__()
        self.studio = studio
        self.empty_label = empty_label
        self.include_archived = include_archived
        # The page the no-JavaScript search sends the choice back to (with ?<name>=<code>).
        self.return_url = return_url

    def current(self, value) -> Client | None:
        """The chosen client: the form's initial holds a primary key, submitted data a code."""
        if value in (None, ""):
            return None
        clients = Client.objects.filter(studio=self.studio).only(*CHOOSER_COLUMNS)
        if isinstance(value, Client):
            return value
        if isinstance(value, int):
            return clients.filter(pk=value).first()
        try:
            return clients.filter(code=UUID(str(value))).first()
        except ValueError:
            return None

    def get_context(self, name: str, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        chosen = self.current(value)
        query = {"field": name}
        if self.include_archived:
            query["archived"] = "1"
        search_url = reverse("client_choose", args=[self.studio.code])
        page_query = dict(query, next=self.return_url) if self.return_url else query
        context["chooser"] = {
            "chosen": chosen,
            "chosen_label": client_label(chosen) if chosen else "",
            "empty_label": self.empty_label,
            "live_url": f"{search_url}?{urlencode(query)}",
            "page_url": f"{search_url}?{urlencode(page_query)}",
        }
        return context

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # The project's template engine, not the form renderer's: page templates live there.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-q" if id_ else id_

    def use_required_attribute(self, initial) -> bool:
        return False


class ClientChoiceField(forms.ModelChoiceField):
    """A studio's client by code, chosen with ClientChooser; validating it costs one query."""

    def __init__(
        self,
        *,
        studio: Studio,
        empty_label: str,
        include_archived: bool = False,
        return_url: str = "",
        **kwargs,
    ) -> None:
        queryset = Client.objects.filter(studio=studio)
        if not include_archived:
            queryset = queryset.filter(status=Client.Status.ACTIVE)
        widget = ClientChooser(
            studio=studio,
            empty_label=empty_label,
            include_archived=include_archived,
            return_url=return_url,
        )
        super().__init__(
            queryset=queryset.only(*CHOOSER_COLUMNS),
            to_field_name="code",
            empty_label=empty_label,
            widget=widget,
            **kwargs,
        )

    def prepare_value(self, value):
        # A primary key from a ModelForm's instance stays a key: the widget looks it up once.
        if isinstance(value, Client):
            return value
        return super().prepare_value(value)
