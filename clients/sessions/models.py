"""Sessions with clients, their check-ins, home practice, and each teacher's calendar feed.

A session belongs to one client or a small group, a teacher and a moment stored in UTC and
always entered and shown in the studio's time zone. The routine practised is kept as a
snapshot (plain data), so later edits of the routine never rewrite what happened; clients
cannot import routines, so the snapshot is made there (`routines.services.routine_snapshot`).
"""

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from practice.fields import EncryptedTextField
from practice.models import Membership, Studio

# A small group: beyond this a session is a class, which Groundwork does not plan.
MAX_GROUP_SIZE = 8
SCALE_MAX = 10


class Place(models.TextChoices):
    STUDIO = "studio", "At the studio"
    ONLINE = "online", "Online"
    HOME = "home", "Home visit"


class SessionQuerySet(models.QuerySet["Session"]):
    def for_studio(self, studio: Studio) -> "SessionQuerySet":
        return self.filter(studio=studio)

    def upcoming(self) -> "SessionQuerySet":
        # A session that began within the hour is still "now", not yet the past.
        since = timezone.now() - timedelta(hours=1)
        return self.filter(status=Session.Status.PLANNED, starts_at__gte=since)

    def on_day(self, studio: Studio, day) -> "SessionQuerySet":
        """Sessions starting on `day` as the studio's clock sees it (DST days included)."""
        zone = ZoneInfo(studio.time_zone)
        start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        return self.filter(starts_at__gte=start, starts_at__lt=end)


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    studio = models.ForeignKey(Studio, models.CASCADE, related_name="sessions", editable=False)
    clients = models.ManyToManyField("clients.Client", related_name="sessions")
    # A teammate who leaves keeps their past sessions on record, without a teacher.
    teacher = models.ForeignKey(
        Membership, models.SET_NULL, null=True, related_name="sessions_taught"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", default=60, validators=[MaxValueValidator(8 * 60)]
    )
    place = models.CharField(max_length=20, choices=Place.choices, default=Place.STUDIO)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    # What was practised, as it was: {"title": ..., "steps": [{"pose": ..., ...}]} or empty.
    routine_code = models.UUIDField(null=True, blank=True, editable=False)
    routine_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    snapshot_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            # The upcoming list, today's sessions and the past list filter and sort on these.
            models.Index(fields=["studio", "status", "starts_at"], name="session_studio_when"),
            models.Index(fields=["teacher", "starts_at"], name="session_teacher_when"),
        ]

    def __str__(self) -> str:
        # Never client names: this string reaches admin history and logs.
        return f"Session of {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def local_start(self) -> datetime:
        return timezone.localtime(self.starts_at, ZoneInfo(self.studio.time_zone))

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def routine_title(self) -> str:
        return self.routine_snapshot.get("title", "")

    @property
    def routine_steps(self) -> list[dict]:
        return self.routine_snapshot.get("steps", [])


class CheckIn(models.Model):
    """How the client says they are, in their own numbers and words: never a teacher's score.

    Each number may be left out: "not today" is an answer the client is free to give.
    """

    class Moment(models.TextChoices):
        BEFORE = "before", "Before the session"
        AFTER = "after", "After the session"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, models.CASCADE, related_name="check_ins")
    client = models.ForeignKey("clients.Client", models.CASCADE, related_name="check_ins")
    moment = models.CharField(max_length=10, choices=Moment.choices)
    hips = models.PositiveSmallIntegerField(
        "how the hips feel", null=True, blank=True, validators=[MaxValueValidator(SCALE_MAX)]
    )
    settled = models.PositiveSmallIntegerField(
        "how settled and safe they feel",
        null=True,
        blank=True,
        validators=[MaxValueValidator(SCALE_MAX)],
    )
    words = EncryptedTextField("what they noticed, in their words", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__starts_at", "moment"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client", "moment"], name="one_check_in_per_moment"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in {self.moment}"


class HomePracticeQuerySet(models.QuerySet["HomePractice"]):
    def reported_by_client(self) -> "HomePracticeQuerySet":
        return self.filter(source=HomePractice.Source.CLIENT)


class HomePractice(models.Model):
    """Home practice, one model for both ways it arrives: the teacher copying the printed log
    (one row a week, `days` practised) and the client's own practice link (one row a day,
    `practised_on`, with their optional 0-10 for the hips and words). Weeks are counted from
    both without adding one to the other: see `clients.sessions.progress.practice_weeks`."""

    class Source(models.TextChoices):
        TEACHER = "teacher", "Recorded by the teacher from the printed log"
        CLIENT = "client", "Recorded by the client"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", models.CASCADE, related_name="home_practice")
    week_starting = models.DateField(help_text="The Monday of the week.")
    days = models.PositiveSmallIntegerField("days practised", validators=[MaxValueValidator(7)])
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TEACHER)
    # Only the client's own reports (source "client") carry the day and how it felt.
    practised_on = models.DateField(null=True, blank=True, editable=False)
    hips = models.PositiveSmallIntegerField(
        "how the hips feel", null=True, blank=True, validators=[MaxValueValidator(SCALE_MAX)]
    )
    words = EncryptedTextField("what they noticed, in their words", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = HomePracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-week_starting", "-practised_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "week_starting"],
                condition=models.Q(source="teacher"),
                name="one_week_record",
            ),
            models.UniqueConstraint(
                fields=["client", "practised_on"],
                condition=models.Q(source="client"),
                name="one_client_report_a_day",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(source="teacher", practised_on__isnull=True, hips__isnull=True)
                    | models.Q(source="client", practised_on__isnull=False, days=1)
                ),
                name="home_practice_shape_by_source",
            ),
        ]

    def __str__(self) -> str:
        return f"Home practice, week of {self.week_starting:%Y-%m-%d}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A teacher's private iCal link. Only the token's hash is stored; a new link replaces the
    old one, and turning it off deletes the row."""

    membership = models.OneToOneField(Membership, models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    include_client_names = models.BooleanField(
        "show client names in my calendar",
        default=False,
        help_text="Off: events say only “Session”. Calendars are often shared or synced to "
        "other services, so names stay out unless you choose otherwise.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.membership.user}"

    def issue_token(self) -> str:
        """Sets a fresh token; the caller saves and shows the returned token exactly once."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        return token

    @classmethod
    def find_by_token(cls, token: str) -> "CalendarFeed | None":
        found = cls.objects.select_related("membership__studio", "membership__user")
        return found.filter(token_hash=_hash_token(token)).first()
