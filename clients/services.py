"""Changes to client records. Each writes its own audit entry, so no caller can forget it."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clients import audit
from clients.hooks import ARCHIVE_HOOKS, ERASE_HOOKS
from clients.models import (
    Addendum,
    AuditEvent,
    Client,
    ConsentDocument,
    ConsentSignature,
    Note,
    TouchConsentChange,
)
from clients.session_services import sessions_erase_for
from practice.access import ensure_same_studio
from practice.models import Membership, Studio, User

Action = AuditEvent.Action


def client_create(
    *, studio: Studio, by: User, request: HttpRequest | None = None, care_team=(), **fields
) -> Client:
    client = Client(studio=studio, created_by=by, **fields)
    client.full_clean()
    with transaction.atomic():
        client.save()
        ensure_same_studio(studio.pk, *care_team)
        client.care_team.set(care_team)
        audit.record(
            studio=studio,
            actor=by,
            action=Action.CREATE,
            record_type="client",
            client=client,
            summary="client added",
            request=request,
        )
    return client


def client_update(
    *, client: Client, by: User, changed: list[str], request: HttpRequest | None = None
) -> Client:
    """Saves fields a form already set on `client`; the audit names the fields, not values."""
    client.full_clean()
    with transaction.atomic():
        client.save()
        audit.record(
            studio=client.studio,
            actor=by,
            action=Action.CHANGE,
            record_type="client",
            client=client,
            summary=f"changed: {', '.join(sorted(changed))}"[:200],
            request=request,
        )
    return client


@transaction.atomic
def touch_consent_set(
    *, client: Client, value: str, by: User, request: HttpRequest | None = None
) -> TouchConsentChange:
    change = TouchConsentChange(client=client, value=value, recorded_by=by)
    change.full_clean()
    change.save()
    client.touch_consent = value
    client.save(update_fields=["touch_consent", "updated_at"])
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.CHANGE,
        record_type="touch consent",
        client=client,
        summary="touch consent changed",
        request=request,
    )
    return change


def current_consent(studio: Studio) -> ConsentDocument | None:
    return studio.consent_documents.order_by("-version").first()


@transaction.atomic
def consent_publish(*, studio: Studio, text: str, by: User) -> ConsentDocument:
    """A new version of the studio's consent text; earlier signatures keep their version."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "The consent text cannot be empty."})
    latest = (
        ConsentDocument.objects.select_for_update().filter(studio=studio).order_by("-version")
    ).first()
    if latest is not None and latest.text.strip() == text:
        raise ValidationError({"text": "This is the same as the current version."})
    document = ConsentDocument.objects.create(
        studio=studio, version=(latest.version + 1) if latest else 1, text=text, created_by=by
    )
    audit.record(
        studio=studio,
        actor=by,
        action=Action.CREATE,
        record_type="consent text",
        record_code=document.code,
        summary=f"consent version {document.version} published",
    )
    return document


def needs_signature(client: Client, document: ConsentDocument | None) -> bool:
    """True when the studio has a consent text the client has not signed in its latest version."""
    if document is None:
        return False
    return not client.signatures.filter(document=document).exists()


@transaction.atomic
def consent_sign(
    *,
    client: Client,
    document: ConsentDocument,
    signed_name: str,
    signed_on: date,
    witness: Membership,
    by: User,
    request: HttpRequest | None = None,
) -> ConsentSignature:
    """`by` is who recorded it (the audit actor); `witness` saw the client sign."""
    ensure_same_studio(client.studio_id, document, witness)
    signature = ConsentSignature(
        client=client,
        document=document,
        signed_name=signed_name.strip(),
        signed_on=signed_on,
        witnessed_by=witness.user,
    )
    signature.full_clean()
    signature.save()
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.SIGN,
        record_type="consent",
        client=client,
        record_code=signature.code,
        summary=f"signed consent version {document.version}",
        request=request,
    )
    return signature


@transaction.atomic
def note_add(
    *, client: Client, author: User, body: str, privacy: str, request: HttpRequest | None = None
) -> Note:
    note = Note(client=client, author=author, body=body, privacy=privacy)
    note.full_clean()
    note.save()
    audit.record(
        studio=client.studio,
        actor=author,
        action=Action.CREATE,
        record_type="note",
        client=client,
        record_code=note.code,
        summary="note added",
        request=request,
    )
    return note


@transaction.atomic
def note_update(
    *, note: Note, body: str, privacy: str, by: User, request: HttpRequest | None = None
) -> Note:
    """Only the author, and only while unsigned: a signed note is corrected by addenda."""
    if note.author_id != by.pk:
        raise ValidationError("Only the author can edit a note.")
    note.body = body
    note.privacy = privacy
    note.full_clean()
    # A conditional update, so a note signed in another tab a moment ago stays as it was signed.
    updated = Note.objects.filter(pk=note.pk, author=by, signed_at__isnull=True).update(
        body=note.body, privacy=note.privacy
    )
    if not updated:
        raise ValidationError("This note has been signed and locked; you can add an addendum.")
    audit.record(
        studio=note.client.studio,
        actor=by,
        action=Action.CHANGE,
        record_type="note",
        client=note.client,
        record_code=note.code,
        summary="note edited",
        request=request,
    )
    return note


@transaction.atomic
def note_sign(*, note: Note, by: User, request: HttpRequest | None = None) -> Note:
    if note.author_id != by.pk:
        raise ValidationError("Only the author can sign a note.")
    if note.is_locked:
        raise ValidationError("This note is already signed.")
    note.signed_at = timezone.now()
    note.save(update_fields=["signed_at"])
    audit.record(
        studio=note.client.studio,
        actor=by,
        action=Action.SIGN,
        record_type="note",
        client=note.client,
        record_code=note.code,
        summary="note signed and locked",
        request=request,
    )
    return note


@transaction.atomic
def addendum_add(
    *, note: Note, author: User, body: str, request: HttpRequest | None = None
) -> Addendum:
    if not note.is_locked:
        raise ValidationError("Sign the note first; until then it can simply be edited.")
    addendum = Addendum(note=note, author=author, body=body)
    addendum.full_clean()
    addendum.save()
    audit.record(
        studio=note.client.studio,
        actor=author,
        action=Action.CREATE,
        record_type="addendum",
        client=note.client,
        record_code=addendum.code,
        summary="addendum added to a note",
        request=request,
    )
    return addendum


@transaction.atomic
def client_set_archived(
    *, client: Client, archived: bool, by: User, request: HttpRequest | None = None
) -> Client:
    client.status = Client.Status.ARCHIVED if archived else Client.Status.ACTIVE
    client.save(update_fields=["status", "updated_at"])
    if archived:
        for hook in ARCHIVE_HOOKS:
            hook(client)
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.ARCHIVE if archived else Action.RESTORE,
        record_type="client",
        client=client,
        summary="client archived" if archived else "client restored",
        request=request,
    )
    return client


@transaction.atomic
def client_erase(*, client: Client, by: User, request: HttpRequest | None = None) -> Client:
    """Erasure on request: every personal detail goes; a tombstone and the audit trail stay."""
    client.precautions.all().delete()
    client.triggers.all().delete()
    client.notes.all().delete()
    sessions_erase_for(client)
    client.signatures.all().delete()
    client.touch_history.all().delete()
    client.care_team.clear()
    # Apps above clients (routines) remove their traces while the names are still known.
    for hook in ERASE_HOOKS:
        hook(client)
    erased = Client(studio=client.studio)  # a blank record supplies every field's default
    for field in Client._meta.concrete_fields:
        if field.editable and field.name not in {"id", "code", "studio"}:
            setattr(client, field.attname, getattr(erased, field.attname))
    client.preferred_name = "Erased client"
    client.status = Client.Status.ERASED
    client.erased_at = timezone.now()
    client.save()
    audit.record(
        studio=client.studio,
        actor=by,
        action=Action.ERASE,
        record_type="client",
        client=client,
        summary="personal data erased on request",
        request=request,
    )
    return client
