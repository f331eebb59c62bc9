"""Writing the audit trail. Callers pass a fixed phrase as `summary`, never user text."""

from collections.abc import Iterable
from typing import cast
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

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
    """One view entry for each client a page shows something of (a to-do list), so the page
    costs the same whatever it lists.

    Written as one INSERT ... SELECT that copies each entry's client id and code from her row:
    made from fifty model instances (bulk_create), the same rows cost the dashboard three times
    what the database spends writing them."""
    ids = list({client.pk for client in clients})
    if not ids:
        return
    shared = {
        "studio": request.studio.pk,
        "actor": request.user.pk,
        "actor_label": request.user.email,
        "action": Action.VIEW,
        "record_type": record_type,
        "summary": summary,
        "ip_address": client_ip(request),
        "at": timezone.now(),
    }
    by_name = {field.name: field for field in AuditEvent._meta.concrete_fields}
    fields = [by_name[name] for name in shared]
    values = [field.get_db_prep_save(shared[field.name], connection) for field in fields]
    quoted = connection.ops.quote_name
    # A concrete field always has a column (the stubs allow None for the other kinds); the
    # entry's client and client_code are copied from the client's id and code.
    columns = [quoted(cast(str, field.column)) for field in fields]
    columns += [quoted("client_id"), quoted("client_code")]
    selected = [*(["%s"] * len(values)), quoted("id"), quoted("code")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quoted(AuditEvent._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - our own names
            f"SELECT {', '.join(selected)} FROM {quoted(Client._meta.db_table)} "
            f"WHERE {quoted('id')} IN ({', '.join(['%s'] * len(ids))})",
            [*values, *ids],
        )
