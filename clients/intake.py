"""Intake changes: precautions, triggers, preferences and medical clearance.

Each function validates, saves and writes its own audit entry, so no view can forget it. The
audit summary is always a fixed phrase: what a client shared never reaches the trail. Touch
consent has its own history and lives in `services.touch_consent_set`.
"""

from typing import TypeVar

from django.db import transaction
from django.http import HttpRequest

from clients import audit
from clients.models import AuditEvent, Client, Precaution, Trigger
from clients.vocabulary import Clearance, SetBy
from practice.models import User

Action = AuditEvent.Action

PREFERENCE_FIELDS = [
    "room_wishes", "prefers_eyes_open", "prefers_near_door", "props", "lighting", "music",
]  # fmt: skip
CLEARANCE_FIELDS = ["medical_clearance", "clearance_date"]


IntakeRow = Precaution | Trigger
# One of them, the same on the way in and out: adding a precaution gives a precaution.
Row = TypeVar("Row", Precaution, Trigger)


def _audit_row(row: IntakeRow, action: str, verb: str, by: User, request) -> None:
    kind = str(row._meta.verbose_name)  # "precaution" or "trigger"
    audit.audit_client(
        request, row.client, action, kind, f"{kind} {verb}", by=by, record_code=row.code
    )


@transaction.atomic
def intake_row_create(
    model: type[Row],
    *,
    client: Client,
    by: User,
    request: HttpRequest | None = None,
    **fields,
) -> Row:
    row = model(client=client, **fields)
    row.full_clean()
    row.save()
    _audit_row(row, Action.CREATE, "added", by, request)
    return row


@transaction.atomic
def precaution_add(
    *, client: Client, by: User, request: HttpRequest | None = None, **fields
) -> Precaution:
    """A precaution a surgeon set means surgery: a clearance still "Not needed" (the default,
    never chosen) becomes "Requested", so nobody starts practice before the surgeon agrees.
    The caller tells the teacher when `client.medical_clearance` changed."""
    precaution = intake_row_create(Precaution, client=client, by=by, request=request, **fields)
    if precaution.set_by == SetBy.SURGEON and client.medical_clearance == Clearance.NOT_NEEDED:
        client.medical_clearance = Clearance.REQUESTED
        clearance_save(client=client, by=by, request=request)
    return precaution


@transaction.atomic
def intake_row_update(row: IntakeRow, *, by: User, request: HttpRequest | None = None) -> IntakeRow:
    """Saves what a form already set on `row`."""
    row.full_clean()
    row.save()
    _audit_row(row, Action.CHANGE, "changed", by, request)
    return row


@transaction.atomic
def intake_row_delete(row: IntakeRow, *, by: User, request: HttpRequest | None = None) -> None:
    """For a row recorded by mistake; a precaution that has ended keeps an end date instead."""
    row.delete()  # the instance keeps its client and code for the audit entry
    _audit_row(row, Action.DELETE, "removed", by, request)


def _save_client_fields(client: Client, fields: list[str]) -> None:
    # Only the intake fields are written, so a teammate's edit of the contact details made
    # meanwhile is not overwritten with what this request loaded.
    client.full_clean()
    client.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def preferences_save(*, client: Client, by: User, request: HttpRequest | None = None) -> Client:
    """Saves the preferences a form already set on `client`; the room wishes set the two
    preferences the safety checker reads (eyes open, near the door)."""
    client.set_room_wishes(client.room_wishes)
    _save_client_fields(client, PREFERENCE_FIELDS)
    audit.audit_client(request, client, Action.CHANGE, "preferences", "preferences changed", by=by)
    return client


@transaction.atomic
def clearance_save(*, client: Client, by: User, request: HttpRequest | None = None) -> Client:
    """Saves the medical clearance a form already set on `client`."""
    _save_client_fields(client, CLEARANCE_FIELDS)
    audit.audit_client(
        request, client, Action.CHANGE, "medical clearance", "medical clearance changed", by=by
    )
    return client
