"""Where apps built on top of clients add their part to a client's export and erasure.

Imports run one way (routines -> clients -> practice), yet a client's record reaches into
routines tailored for them: the export lists them and erasure must strip the client's name from
their titles. Rather than clients importing routines (a cycle), routines registers its part here
from `RoutinesConfig.ready()`. These are plain lists, not signals, so the export and the erase
flow still read top to bottom: each hook is called at one named point, in registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from clients.models import Client


@dataclass(frozen=True)
class RecordSection:
    """One more part of an exported client record, under `key`."""

    key: str
    # Prefetch lookups on Client, so a whole studio's export costs one query per kind of row.
    # A callable: a Prefetch object holds per-use state and must not be shared between calls.
    lookups: Callable[[], list[str | Prefetch]]
    # The section's value for one client whose lookups are prefetched: plain data (dates and
    # codes may stay Python values; `clients.export.jsonable` turns them into strings).
    data: Callable[["Client"], Any]


@dataclass(frozen=True)
class Erasure:
    """What the owner chose on the erase page, handed to every erase hook."""

    # True: routines tailored for the person are deleted. False: they stay with the studio,
    # unlinked, without anything written for her (intention, notes, cues, kept reasons).
    delete_routines: bool = False


RECORD_SECTIONS: list[RecordSection] = []
# Called inside `client_erase`'s transaction, before the client's names are blanked, so a hook
# can still see what to remove.
ERASE_HOOKS: list[Callable[["Client", Erasure], None]] = []
# Called inside `client_set_archived`'s transaction when a client is archived (routines turns
# off their practice links there: an archived person's handout link must stop at once).
ARCHIVE_HOOKS: list[Callable[["Client"], None]] = []


@dataclass(frozen=True)
class TailoredWork:
    """Something made for one client in an app above (a routine): its code, title and page."""

    code: UUID
    title: str
    url: str


@dataclass(frozen=True)
class PagePart:
    """A part an app above adds to a clients page, in its own template with its own context.

    The clients template shows the parts for its `place` where they belong; the part names
    the other app's views, templates and relations so that clients never does.
    """

    place: str
    template: str
    # The part's context for the page's object (a client, a session); the page's request
    # context (studio, membership) comes with it.
    context: Callable[[HttpRequest, Any], dict[str, Any]]


# What each app above has made for a client (the erase page lists it; erasure of a shared
# session's snapshot asks whether its routine was hers).
TAILORED_WORK: list[Callable[["Client"], list[TailoredWork]]] = []
PAGE_PARTS: list[PagePart] = []


def register_tailored_work(lister: Callable[["Client"], list[TailoredWork]]) -> None:
    if lister not in TAILORED_WORK:
        TAILORED_WORK.append(lister)


def tailored_work(client: "Client") -> list[TailoredWork]:
    return [work for lister in TAILORED_WORK for work in lister(client)]


def register_page_part(part: PagePart) -> None:
    if part not in PAGE_PARTS:
        PAGE_PARTS.append(part)


def page_parts(request: HttpRequest, obj: Any, *places: str) -> dict[str, list[SafeString]]:
    """Each place's parts rendered for `obj`, in registration order: a view puts them in its
    context (`parts.client_actions`) and its template prints them where they belong."""
    rendered: dict[str, list[SafeString]] = {place: [] for place in places}
    for part in PAGE_PARTS:
        if part.place in rendered:
            html = render_to_string(part.template, part.context(request, obj), request=request)
            rendered[part.place].append(SafeString(html))
    return rendered


def register_record_section(section: RecordSection) -> None:
    if section in RECORD_SECTIONS:
        return  # `ready()` may run again (a second app registry in tests): register once
    if any(known.key == section.key for known in RECORD_SECTIONS):
        raise ValueError(f"A record section named {section.key!r} is already registered.")
    RECORD_SECTIONS.append(section)


def register_erase_hook(hook: Callable[["Client", Erasure], None]) -> None:
    if hook not in ERASE_HOOKS:
        ERASE_HOOKS.append(hook)


def register_archive_hook(hook: Callable[["Client"], None]) -> None:
    if hook not in ARCHIVE_HOOKS:
        ARCHIVE_HOOKS.append(hook)
