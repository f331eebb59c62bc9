"""Changes to client records. Each writes its own audit entry, so no caller can forget it."""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from clients import audit
from clients.hooks import ARCHIVE_HOOKS, ERASE_HOOKS, Erasure
from clients.models import (
    Addendum,
    AuditEvent,
    Client,
    ConsentDocument,
    ConsentSignature,
    Note,
    TouchConsentChange,
)
from clients.rules import members_allowed
from clients.sessions.services import sessions_erase_for
from practice import jobs
from practice.access import ensure_same_studio
from practice.models import BackgroundJob, Membership, Studio, User

Action = AuditEvent.Action


def client_default_care_team(*, studio: Studio, by: User) -> list[Membership]:
    """Who starts on a new client's care team: the member adding her, when her role may read
    the record, so the to-do list shows her client's conflicts and reminders from day one."""
    return list(members_allowed(studio, "clients.view_sensitive").filter(user=by))


def client_create(
    *,
    studio: Studio,
    by: User,
    request: HttpRequest | None = None,
    care_team: Iterable[Membership] | None = None,
    **fields,
) -> Client:
    """Adds a client. Without an explicit `care_team` the creator joins it (see
    client_default_care_team); an explicit one, even empty, is what the person chose."""
    if care_team is None:
        care_team = client_default_care_team(studio=studio, by=by)
    care_team = list(care_team)
    client = Client(studio=studio, created_by=by, **fields)
    client.full_clean()
    with transaction.atomic():
        client.save()
        ensure_same_studio(studio.pk, *care_team)
        client.care_team.set(care_team)
        audit.audit_client(request, client, Action.CREATE, "client", "client added", by=by)
    return client


def client_update(
    *, client: Client, by: User, changed: list[str], request: HttpRequest | None = None
) -> Client:
    """Saves fields a form already set on `client`; the audit names the fields, not values."""
    client.full_clean()
    with transaction.atomic():
        client.save()
        audit.audit_client(
            request,
            client,
            Action.CHANGE,
            "client",
            f"changed: {', '.join(sorted(changed))}"[:200],
            by=by,
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
    audit.audit_client(
        request, client, Action.CHANGE, "touch consent", "touch consent changed", by=by
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
    audit.audit_client(
        None,
        None,
        Action.CREATE,
        "consent text",
        f"consent version {document.version} published",
        by=by,
        record_code=document.code,
        studio=studio,
    )
    return document


def needs_signature(client: Client, document: ConsentDocument | None) -> bool:
    """True when the studio has a consent text the client has not signed in its latest version."""
    if document is None:
        return False
    return not client.signatures.filter(document=document).exists()


def _signature_on(client: Client, document: ConsentDocument) -> ConsentSignature | None:
    return client.signatures.filter(document=document).first()


def _already_signed(
    document: ConsentDocument, existing: ConsentSignature | None
) -> ValidationError:
    when = f" ({date_format(existing.signed_on, 'j F Y')})" if existing else ""
    return ValidationError(
        f"Version {document.version} is already signed{when}.", code="already_signed"
    )


@transaction.atomic
def consent_sign(
    *,
    client: Client,
    document: ConsentDocument,
    signed_name: str,
    signed_on: date,
    witness: Membership | None,
    by: User,
    request: HttpRequest | None = None,
    signed_at: datetime | None = None,
    signed_from: str | None = None,
) -> ConsentSignature:
    """`by` is who recorded it (the audit actor); `witness` saw the client sign. Signed
    through the intake link there is no witness: `signed_at` and `signed_from` (her address)
    are kept instead.

    A version is signed once: a second signature raises ValidationError(code="already_signed").
    """
    ensure_same_studio(client.studio_id, document, witness)
    if existing := _signature_on(client, document):
        raise _already_signed(document, existing)
    signature = ConsentSignature(
        client=client,
        document=document,
        signed_name=signed_name.strip(),
        signed_on=signed_on,
        witnessed_by=witness.user if witness else None,
        signed_at=signed_at,
        signed_from=signed_from,
    )
    # The check above stands for the constraint; the database holds it for a request racing
    # this one between that check and the save.
    signature.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        raise _already_signed(document, _signature_on(client, document)) from None
    audit.audit_client(
        request,
        client,
        Action.SIGN,
        "consent",
        f"signed consent version {document.version}",
        by=by,
        record_code=signature.code,
    )
    return signature


@transaction.atomic
def note_add(
    *, client: Client, author: User, body: str, privacy: str, request: HttpRequest | None = None
) -> Note:
    note = Note(client=client, author=author, body=body, privacy=privacy)
    note.full_clean()
    note.save()
    audit.audit_client(
        request, client, Action.CREATE, "note", "note added", by=author, record_code=note.code
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
    audit.audit_client(
        request, note.client, Action.CHANGE, "note", "note edited", by=by, record_code=note.code
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
    audit.audit_client(
        request,
        note.client,
        Action.SIGN,
        "note",
        "note signed and locked",
        by=by,
        record_code=note.code,
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
    audit.audit_client(
        request,
        note.client,
        Action.CREATE,
        "addendum",
        "addendum added to a note",
        by=author,
        record_code=addendum.code,
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
    audit.audit_client(
        request,
        client,
        Action.ARCHIVE if archived else Action.RESTORE,
        "client",
        "client archived" if archived else "client restored",
        by=by,
    )
    return client


ERASED_JOB_MESSAGE = "The file was deleted: it held a record that was erased on request."


@transaction.atomic
def client_erase(
    *,
    client: Client,
    by: User | None,
    delete_routines: bool = False,
    request: HttpRequest | None = None,
) -> Client:
    """Erasure on request: every personal detail goes; a tombstone and the audit trail stay.

    `delete_routines`: the routines tailored for her are deleted rather than kept without her
    words (the owner's choice on the erase page). `by` None: the system (an erasure applied
    again to restored data, `manage.py erase_clients`).
    """
    client.precautions.all().delete()
    client.triggers.all().delete()
    client.notes.all().delete()
    sessions_erase_for(client)
    client.signatures.all().delete()
    client.touch_history.all().delete()
    # Intake links and the answers that came through them, reviewed or still waiting.
    client.intake_invitations.all().delete()
    client.care_team.clear()
    _discard_job_results_with(client)
    # Apps above clients (routines) remove their traces while the names are still known.
    erasure = Erasure(delete_routines=delete_routines)
    for hook in ERASE_HOOKS:
        hook(client, erasure)
    erased = Client(studio=client.studio)  # a blank record supplies every field's default
    for field in Client._meta.concrete_fields:
        if field.editable and field.name not in {"id", "code", "studio"}:
            setattr(client, field.attname, getattr(erased, field.attname))
    client.preferred_name = "Erased client"
    client.status = Client.Status.ERASED
    client.erased_at = timezone.now()
    client.save()
    audit.audit_client(
        request, client, Action.ERASE, "client", "personal data erased on request", by=by
    )
    return client


def job_fail_if_erased_meanwhile(job: BackgroundJob, client_pks: list[int]) -> None:
    """Called by export and print work at its end: a person erased while the job ran may be in
    the file already written, so the file is not kept (the job can simply be started again)."""
    erased = Client.objects.filter(pk__in=client_pks, erased_at__gte=job.started_at)
    if erased.exists():
        raise jobs.JobFailed(
            "A record was erased while this ran, so the file was not kept. You can start it again."
        )


def _discard_job_results_with(client: Client) -> None:
    """Unread export and print files that hold her record are deleted, the jobs say so.

    Result files live a day at most, so the few a studio has are looked through here rather
    than with a JSON lookup SQLite does not offer for lists.
    """
    code = str(client.code)
    for job in BackgroundJob.objects.filter(studio=client.studio_id).exclude(result_name=""):
        if code in job.client_codes:
            jobs.discard_result(job, ERASED_JOB_MESSAGE)


def erased_client_codes() -> list[str]:
    """Every erased record's code: listed in each backup, so an older backup's restore can
    erase those people again (`manage.py restore --erased`)."""
    erased = Client.objects.filter(status=Client.Status.ERASED)
    return [str(code) for code in erased.values_list("code", flat=True)]
