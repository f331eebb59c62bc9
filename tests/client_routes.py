"""Every URL pattern that names a client, with sample objects to fill it: shared by the tests
that walk a client's pages (links, audit coverage)."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clients.models import Client
from practice.models import Membership
from tests.factories import (
    AddendumFactory,
    ClientFactory,
    ConsentDocumentFactory,
    ConsentSignatureFactory,
    IntakeInvitationFactory,
    NoteFactory,
    PrecautionFactory,
    SessionFactory,
    TriggerFactory,
)


@dataclass(frozen=True)
class ClientRoute:
    name: str
    kwarg_names: tuple[str, ...]

    def __str__(self) -> str:
        return self.name

    def url(self, objects: dict) -> str:
        return reverse(self.name, kwargs={name: objects[name] for name in self.kwarg_names})


def _kwarg_names(pattern: URLPattern | URLResolver) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    return tuple(converters) if converters else tuple(pattern.pattern.regex.groupindex)


def _walk(patterns, naming: str, inherited: tuple[str, ...] = ()) -> Iterator[ClientRoute]:
    for pattern in patterns:
        kwargs = inherited + _kwarg_names(pattern)
        if isinstance(pattern, URLResolver):
            if not pattern.namespace:  # the admin's and allauth's own pages name no client
                yield from _walk(pattern.url_patterns, naming, kwargs)
        elif pattern.name and naming in kwargs:
            yield ClientRoute(pattern.name, kwargs)


CLIENT_ROUTES = list(_walk(get_resolver().url_patterns, "client_code"))
# A routine tailored for a client shows what was written for them and their safety check.
ROUTINE_ROUTES = [
    route
    for route in _walk(get_resolver().url_patterns, "routine_code")
    if "client_code" not in route.kwarg_names
]


def client_objects(studio, author: Membership) -> tuple[Client, dict]:
    """A client with one of everything a client URL can point at; `author` wrote the note,
    unsigned so that its edit page opens, and teaches the session the client came to."""
    client = ClientFactory(studio=studio)
    ConsentDocumentFactory(studio=studio)
    note = NoteFactory(client=client, author=author.user)
    session = SessionFactory(studio=studio, teacher=author, clients=[client])
    return client, {
        "studio_code": studio.code,
        "client_code": client.code,
        "precaution_code": PrecautionFactory(client=client).code,
        "trigger_code": TriggerFactory(client=client).code,
        "note_code": note.code,
        "addendum_code": AddendumFactory(note__client=client).code,
        "signature_code": ConsentSignatureFactory(client=client).code,
        "link_code": IntakeInvitationFactory(client=client).code,
        "part": "about",
        "session_code": session.code,
        "moment": "before",
    }
