"""Writing the audit trail. Callers pass a fixed phrase as `summary`, never user text."""

from collections.abc import Iterable
from typing import cast
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest

from clients.models import AuditEvent, Client
from practice.access import SignedInRequest, StudioRequest
from practice.models import Studio, User

Action = AuditEvent.Action


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        # The proxy appends the address it saw; earlier entries are whatever the client sent.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    studio: Studio,
    actor: User | None,
    action: str,
    record_type: str,
    client: Client | None = None,
    record_code: UUID | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        studio=studio,
        actor=actor,
        actor_label=actor.email if actor else "system",
        action=action,
        client=client,
        client_code=client.code if client else None,
        record_type=record_type,
        record_code=record_code,
        summary=summary,
        ip_address=client_ip(request),
    )


def audit_client(
    request: HttpRequest | None,
    client: Client | None,
    action: str,
    record_type: str,
    summary: str,
    *,
    record_code: UUID | None = None,
    by: User | None = None,
    studio: Studio | None = None,
) -> AuditEvent:
    """The one way views, services and commands write the trail.

    The actor is `by`, else the request's signed-in member (None: the system, e.g. a command).
    The studio is the client's; for an event about the studio itself (`client` None) it is
    `studio`, else the studio of the request's URL.
    """
    if by is None and request is not None:
        # Only pages behind a sign-in pass their request without `by`.
        by = cast(SignedInRequest, request).user
    if studio is None:
        # The request's studio spares a query; a client's own studio always wins.
        studio = getattr(request, "studio", None)
        if client is not None and (studio is None or studio.pk != client.studio_id):
            studio = client.studio
    assert studio is not None, "an entry about no client names its studio, or comes from its page"
    return record(
        studio=studio,
        actor=by,
        action=action,
        record_type=record_type,
        client=client,
        record_code=record_code,
        summary=summary,
        request=request,
    )


def audit_clients_listed(
    request: StudioRequest, clients: Iterable[Client], record_type: str, summary: str
) -> None:
    """One view entry for each client a page shows something of (a to-do list), written in one
    query, so the page costs the same whatever it lists."""
    unique = {client.pk: client for client in clients}.values()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            studio=request.studio,
            actor=request.user,
            actor_label=request.user.email,
            action=Action.VIEW,
            client=client,
            client_code=client.code,
            record_type=record_type,
            summary=summary,
            ip_address=client_ip(request),
        )
        for client in unique
    )
