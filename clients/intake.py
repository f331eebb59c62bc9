"""Intake changes: precautions, triggers, preferences and medical clearance.

Each function validates, saves and writes its own audit entry, so no view can forget it. The
audit summary is always a fixed phrase: what a client shared never reaches the trail. Touch
consent has its own history and lives in `services.touch_consent_set`.
"""

from django.db import transaction
from django.http import HttpRequest

from clients import audit
from clients.models import AuditEvent, Client, Precaution, Trigger
from practice.models import User

Action = AuditEvent.Action

PREFERENCE_FIELDS = ["prefers_eyes_open", "prefers_near_door", "props", "lighting", "music"]
CLEARANCE_FIELDS = ["medical_clearance", "clearance_date"]


@transaction.atomic
def precaution_create(
    *, client: Client, by: User, request: HttpRequest | None = None, **fields
) -> Precaution:
    precaution = Precaution(client=client, **fields)
    precaution.full_clean()
    precaution.save()
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.CREATE,
        record_type="precaution",
        client=client,
        record_code=precaution.code,
        summary="precaution added",
        request=request,
    )
    return precaution


@transaction.atomic
def precaution_update(
    *, precaution: Precaution, by: User, request: HttpRequest | None = None
) -> Precaution:
    """Saves what a form already set on `precaution`."""
    precaution.full_clean()
    precaution.save()
    audit.record(
        studio=precaution.client.studio,
        actor=by,
        action=Action.CHANGE,
        record_type="precaution",
        client=precaution.client,
        record_code=precaution.code,
        summary="precaution changed",
        request=request,
    )
    return precaution


@transaction.atomic
def precaution_delete(
    *, precaution: Precaution, by: User, request: HttpRequest | None = None
) -> None:
    """For a precaution recorded by mistake; one that has ended keeps an end date instead."""
    client, code = precaution.client, precaution.code
    precaution.delete()
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.DELETE,
        record_type="precaution",
        client=client,
        record_code=code,
        summary="precaution removed",
        request=request,
    )


@transaction.atomic
def trigger_create(
    *, client: Client, by: User, request: HttpRequest | None = None, **fields
) -> Trigger:
    trigger = Trigger(client=client, **fields)
    trigger.full_clean()
    trigger.save()
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.CREATE,
        record_type="trigger",
        client=client,
        record_code=trigger.code,
        summary="trigger added",
        request=request,
    )
    return trigger


@transaction.atomic
def trigger_update(*, trigger: Trigger, by: User, request: HttpRequest | None = None) -> Trigger:
    """Saves what a form already set on `trigger`."""
    trigger.full_clean()
    trigger.save()
    audit.record(
        studio=trigger.client.studio,
        actor=by,
        action=Action.CHANGE,
        record_type="trigger",
        client=trigger.client,
        record_code=trigger.code,
        summary="trigger changed",
        request=request,
    )
    return trigger


@transaction.atomic
def trigger_delete(*, trigger: Trigger, by: User, request: HttpRequest | None = None) -> None:
    client, code = trigger.client, trigger.code
    trigger.delete()
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.DELETE,
        record_type="trigger",
        client=client,
        record_code=code,
        summary="trigger removed",
        request=request,
    )


def _save_client_fields(client: Client, fields: list[str]) -> None:
    # Only the intake fields are written, so a teammate's edit of the contact details made
    # meanwhile is not overwritten with what this request loaded.
    client.full_clean()
    client.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def preferences_save(*, client: Client, by: User, request: HttpRequest | None = None) -> Client:
    """Saves the preferences a form already set on `client`."""
    _save_client_fields(client, PREFERENCE_FIELDS)
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.CHANGE,
        record_type="preferences",
        client=client,
        summary="preferences changed",
        request=request,
    )
    return client


@transaction.atomic
def clearance_save(*, client: Client, by: User, request: HttpRequest | None = None) -> Client:
    """Saves the medical clearance a form already set on `client`."""
    _save_client_fields(client, CLEARANCE_FIELDS)
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.CHANGE,
        record_type="medical clearance",
        client=client,
        summary="medical clearance changed",
        request=request,
    )
    return client
