"""Client records. Sensitive free text is an EncryptedTextField: unreadable in the database,
never filterable, and kept out of the audit trail."""

import uuid
from datetime import date
from typing import TYPE_CHECKING, TypedDict

import rules
from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clients.intake_links import IntakeInvitation

# Session models live in their own module; importing them here registers them with the app.
from clients.sessions.models import CalendarFeed, CheckIn, HomePractice, Place, Session  # noqa: F401
from clients.vocabulary import (
    BodySide,
    Clearance,
    Condition,
    Lighting,
    Music,
    NotePrivacy,
    RoomWish,
    SetBy,
    TouchConsent,
    TriggerCategory,
    validate_room_wishes,
)
from practice.fields import EncryptedTextField
from practice.models import Membership, Studio
from practice.vocabulary import Movement, labels, validate_movements

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Attendees(TypedDict):
    """How many people a session had (clients/export.py counts them in its query)."""

    attendees: int


class ClientQuerySet(models.QuerySet["Client"]):
    def for_studio(self, studio: Studio) -> "ClientQuerySet":
        return self.filter(studio=studio).exclude(status=Client.Status.ERASED)

    def active(self) -> "ClientQuerySet":
        return self.filter(status=Client.Status.ACTIVE)

    def namesakes(self, preferred_name: str, full_name: str = "") -> "ClientQuerySet":
        """Clients a new one could be mistaken for: the same name they go by, and the same full
        name where both have one (two people called Ana with different surnames are told apart
        by the full name shown beside the name)."""
        same = self.filter(preferred_name__iexact=preferred_name.strip())
        if full_name.strip():
            same = same.filter(Q(full_name="") | Q(full_name__iexact=full_name.strip()))
        return same

    def search(self, text: str) -> "ClientQuerySet":
        for word in text.split():
            self = self.filter(Q(preferred_name__icontains=word) | Q(full_name__icontains=word))
        return self


class Client(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"
        # Erased on request: only this row remains, as a tombstone without personal data.
        ERASED = "erased", "Erased"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    studio = models.ForeignKey(Studio, models.CASCADE, related_name="clients", editable=False)
    # Names stay searchable, so they are not encrypted; everything told in confidence is.
    preferred_name = models.CharField(max_length=100, help_text="What they like to be called.")
    full_name = models.CharField(max_length=200, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    email = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    emergency_contact = EncryptedTextField(
        blank=True, help_text="Name, relationship and phone number."
    )
    goals = EncryptedTextField("what they hope for", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    care_team = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="care_clients",
        help_text="Instructors who work with them.",
    )
    # Intake: preferences
    prefers_eyes_open = models.BooleanField("prefers eyes open", default=False)
    prefers_near_door = models.BooleanField("prefers a mat near the door", default=False)
    props = EncryptedTextField("props they like", blank=True)
    lighting = models.CharField(max_length=20, choices=Lighting.choices, blank=True)
    music = models.CharField(max_length=20, choices=Music.choices, blank=True)
    # What helps them feel at ease in the room (RoomWish codes), as a session's room sheet
    # shows it. Eyes open and near the door are also kept in the two fields above, which the
    # safety checker reads: `set_room_wishes` keeps them in step.
    room_wishes = models.JSONField(
        "what helps in the room", default=list, blank=True, validators=[validate_room_wishes]
    )
    # The same in their own words, as they wrote it on the intake link and a teacher accepted.
    room_wishes_note = EncryptedTextField("room wishes in their words", blank=True)
    # Intake: consent and clearance (history of touch consent in TouchConsentChange)
    touch_consent = models.CharField(
        max_length=10, choices=TouchConsent.choices, default=TouchConsent.ASK
    )
    medical_clearance = models.CharField(
        max_length=20, choices=Clearance.choices, default=Clearance.NOT_NEEDED
    )
    clearance_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When their most recent held session began: kept by the session services
    # (`clients_refresh_last_seen`), so the dashboard's "not seen for six weeks" reads one
    # indexed column instead of every client joined to every session.
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ClientQuerySet.as_manager()

    # Never stored: set on the instances a list or an export loads, for the page or file.
    namesake_hint: str  # clients/chooser.py `mark_namesakes`
    last_signed_version: int | None  # the consent page's clients still to sign
    # A client's whole record in a few queries (clients/export.py `_record_lookups`).
    record_care_team: list[Membership]
    record_touch_history: list["TouchConsentChange"]
    record_precautions: list["Precaution"]
    record_triggers: list["Trigger"]
    record_signatures: list["ConsentSignature"]
    record_sessions: list["WithAnnotations[Session, Attendees]"]
    record_check_ins: list[CheckIn]
    record_home_practice: list[HomePractice]
    record_intake_invitations: list[IntakeInvitation]

    class Meta:
        ordering = ["preferred_name", "full_name"]
        indexes = [
            # The client list, the choosers and the consent page: a studio's clients of one
            # status in name order.
            models.Index(
                fields=["studio", "status", "preferred_name", "full_name"], name="client_list_idx"
            ),
            # The dashboard's clients not seen for a while, longest first.
            models.Index(fields=["studio", "status", "last_seen_at"], name="client_last_seen_idx"),
        ]

    def __str__(self) -> str:
        return self.preferred_name

    def get_absolute_url(self) -> str:
        return reverse("client_detail", args=[self.studio.code, self.code])

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    def set_room_wishes(self, codes: list[str]) -> None:
        """Sets the room wishes, in the list's order, and the two preferences they include."""
        self.room_wishes = [code for code in RoomWish.values if code in codes]
        self.prefers_eyes_open = RoomWish.EYES_OPEN in self.room_wishes
        self.prefers_near_door = RoomWish.NEAR_DOOR in self.room_wishes

    @property
    def room_wish_labels(self) -> list[str]:
        return labels(RoomWish, self.room_wishes)


class ClientTally(models.Model):
    """How many active and archived clients a studio has, kept by the database itself.

    Triggers on clients_client (migration 0012) count every insert, change of status or studio,
    and delete, so no way of adding or moving a client (a service, a bulk insert, an update,
    the admin) can leave the tally wrong. The client list shows it instead of counting
    thousands of rows on every page. A studio without clients has no row. Never written here.
    """

    studio = models.OneToOneField(
        Studio, models.CASCADE, primary_key=True, related_name="client_tally"
    )
    # Not positive integers: a check failing on a tally must never refuse a client's record.
    active = models.IntegerField(default=0)
    archived = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.studio_id}: {self.active} active, {self.archived} archived"

    @classmethod
    def of(cls, studio: Studio, status: str) -> int:
        """How many of the studio's clients have `status` (active or archived)."""
        if status not in (Client.Status.ACTIVE, Client.Status.ARCHIVED):
            raise ValueError(f"No tally of {str(status)!r} clients")
        column = str(status)  # the tally's column is named after the status
        # One row by its key: a plain statement costs a tenth of what composing it does.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column} FROM {cls._meta.db_table} WHERE studio_id = %s",  # noqa: S608 - our own names
                [studio.pk],
            )
            row = cursor.fetchone()
        return row[0] if row else 0


class Precaution(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, models.CASCADE, related_name="precautions", editable=False)
    condition = models.CharField(max_length=30, choices=Condition.choices)
    condition_other = models.CharField(
        "condition (other)", max_length=120, blank=True, help_text="When the list has no match."
    )
    side = models.CharField(
        max_length=10, choices=BodySide.choices, default=BodySide.NOT_APPLICABLE
    )
    restricted_movements = models.JSONField(
        "movements to avoid or change", default=list, blank=True, validators=[validate_movements]
    )
    start_date = models.DateField(default=date.today)
    end_date = models.DateField(
        null=True, blank=True, help_text="Leave empty while it applies until cleared."
    )
    set_by = models.CharField(max_length=20, choices=SetBy.choices, default=SetBy.SELF_REPORTED)
    note = EncryptedTextField(blank=True)
    # The client's own hip flexion limit in whole degrees, when the surgeon set one other than
    # the rule's (45° for the first weeks, say). Encrypted like the note: it is part of the
    # medical picture. Empty: the rule's usual limit applies.
    hip_flexion_limit = EncryptedTextField("own hip flexion limit", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "pk"]
        # The dashboard's "ending within two weeks" looks precautions up by end date.
        indexes = [models.Index(fields=["end_date"], name="precaution_end_date")]

    def __str__(self) -> str:
        return self.condition_label

    @property
    def condition_label(self) -> str:
        if self.condition == Condition.OTHER and self.condition_other:
            return self.condition_other
        return self.get_condition_display()

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)

    @property
    def movement_labels(self) -> list[str]:
        return labels(Movement, self.restricted_movements)

    @property
    def own_hip_flexion_limit(self) -> int | None:
        """The client's own limit in degrees, or None when the usual one applies."""
        text = (self.hip_flexion_limit or "").strip()
        return int(text) if text.isdigit() else None


class Trigger(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, models.CASCADE, related_name="triggers", editable=False)
    category = models.CharField(max_length=30, choices=TriggerCategory.choices)
    note = EncryptedTextField("what they shared", blank=True)
    what_helps = EncryptedTextField("what helps", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "pk"]

    def __str__(self) -> str:
        return self.get_category_display()


class TouchConsentChange(models.Model):
    """The dated history behind Client.touch_consent: a client may change their mind anytime.

    An entry with a session is the answer given at that session's check-in ("hands-on support
    today?"): it holds for that session only and leaves Client.touch_consent as it was.
    """

    client = models.ForeignKey(Client, models.CASCADE, related_name="touch_history")
    value = models.CharField(max_length=10, choices=TouchConsent.choices)
    session = models.ForeignKey(
        Session, models.CASCADE, null=True, blank=True, related_name="touch_answers"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_value_display()} from {self.changed_at:%Y-%m-%d}"


class ConsentDocument(models.Model):
    """The studio's informed-consent text. Editing makes a new version; old ones stay."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    studio = models.ForeignKey(Studio, models.CASCADE, related_name="consent_documents")
    version = models.PositiveIntegerField()
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "version"], name="one_consent_version")
        ]

    def __str__(self) -> str:
        return f"Consent, version {self.version}"


class ConsentSignature(models.Model):
    """A client's signature on one version. Signed records are never edited."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, models.CASCADE, related_name="signatures")
    document = models.ForeignKey(ConsentDocument, models.PROTECT, related_name="signatures")
    signed_name = models.CharField("full name as typed by the client", max_length=200)
    signed_on = models.DateField(default=date.today)
    # Signed by the client through their intake link: when and from which address (kept with
    # the signature as its evidence, erased with it). Empty when signed in person.
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_from = models.GenericIPAddressField(null=True, blank=True, editable=False)
    # Nobody, when she signed through her intake link (see signed_at).
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-document__version", "-recorded_at"]
        constraints = [
            # A double-submitted form, or two teammates at once, must not sign a version twice.
            models.UniqueConstraint(fields=["client", "document"], name="one_signature_per_version")
        ]

    def __str__(self) -> str:
        return f"Signature on consent version {self.document.version}"


class NoteQuerySet(models.QuerySet["Note"]):
    def visible_to(self, membership: Membership) -> "NoteQuerySet":
        """The notes `membership` may read, by the rules in clients/rules.py; the privacy
        labels in clients/vocabulary.py word the same thing."""
        if rules.test_rule("notes.read_all", membership):
            return self
        if not rules.test_rule("notes.read_shared", membership):
            return self.none()
        return self.filter(
            Q(privacy=NotePrivacy.STUDIO)
            | Q(privacy=NotePrivacy.CARE_TEAM, client__care_team=membership)
            | Q(author=membership.user)
        ).distinct()


class Note(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, models.CASCADE, related_name="notes", editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    privacy = models.CharField(
        "who can read it", max_length=20, choices=NotePrivacy.choices, default=NotePrivacy.CARE_TEAM
    )
    body = EncryptedTextField("note")
    created_at = models.DateTimeField(auto_now_add=True)
    # Once signed a note is locked: corrections are dated addenda, the original stays.
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A session note is a note with a structure: `body` holds what was offered and how it went.
    session = models.ForeignKey(
        Session, models.CASCADE, null=True, blank=True, related_name="notes", editable=False
    )
    client_said = EncryptedTextField("what the client said", blank=True)
    try_next = EncryptedTextField("what to try next", blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        # Never the body: this string reaches admin history and logs.
        return f"Note of {self.created_at:%Y-%m-%d}"

    @property
    def is_locked(self) -> bool:
        return self.signed_at is not None


class Addendum(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(Note, models.CASCADE, related_name="addenda", editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    body = EncryptedTextField("addendum")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Addendum of {self.created_at:%Y-%m-%d}"


class AuditEvent(models.Model):
    """Who viewed, printed, exported or changed which record, when, from where.

    Deliberately holds no sensitive text: only codes, a record type and a short fixed phrase.
    It outlives erasure (client_code stays when the client row is emptied).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        PRINT = "print", "Printed"
        EXPORT = "export", "Exported"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        SIGN = "sign", "Signed"
        ARCHIVE = "archive", "Archived"
        RESTORE = "restore", "Restored"
        ERASE = "erase", "Erased"

    studio = models.ForeignKey(Studio, models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, help_text="The actor's email at the time.")
    action = models.CharField(max_length=20, choices=Action.choices)
    client = models.ForeignKey(
        Client, models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    client_code = models.UUIDField(null=True, blank=True, db_index=True)
    record_type = models.CharField(max_length=40)
    record_code = models.UUIDField(null=True, blank=True)
    summary = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # The audit trail newest first, whole or filtered by client or by who acted. Each
            # ends in the full sort (time, then id): with the time alone the database walked the
            # whole studio's trail in order and skipped other clients' entries.
            models.Index(fields=["studio", "-at", "-id"], name="audit_studio_at_idx"),
            models.Index(fields=["studio", "client_code", "-at", "-id"], name="audit_client_idx"),
            models.Index(fields=["studio", "actor", "-at", "-id"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.get_action_display().lower()} {self.record_type}"
