import hashlib
import secrets
import uuid
import zoneinfo
from datetime import timedelta
from functools import cache
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in by email; one person may work at several studios."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField("your name", max_length=150, blank=True)
    # Changed by the database itself whenever one of her memberships, or one of their studios,
    # is added, changed or removed (triggers: migration 0006), so a copy of her memberships
    # made under this token is current exactly while the token is (practice/memberships.py).
    memberships_token = models.UUIDField(default=uuid.uuid4, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # email, not username: not auth's UserManager

    def save(self, *args, **kwargs) -> None:
        # Only the triggers write the token: a full save of a copy loaded before her role
        # changed would otherwise put the old token back, and with it the old memberships.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "memberships_token"
            ]
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


@cache
def time_zone_names() -> frozenset[str]:
    # available_timezones() walks the zone files on disk: once per process is enough.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError("Choose a time zone from the list, such as Europe/London.")


class Studio(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    contact_email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    address = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    require_mfa = models.BooleanField(
        "require two-factor sign-in for every member",
        default=False,
        help_text="Members who have not set up two-factor are asked to do so first.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("studio_dashboard", args=[self.code])

    def owner_count(self) -> int:
        return self.memberships.filter(role=Membership.Role.OWNER).count()


class Membership(models.Model):
    class Role(models.TextChoices):
        # Ordered from most to least access; the permission rules rely on the names only.
        OWNER = "owner", "Owner"
        INSTRUCTOR = "instructor", "Instructor"
        ASSISTANT = "assistant", "Assistant"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    studio = models.ForeignKey(Studio, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "studio"], name="one_membership_per_studio")
        ]
        ordering = ["studio__name"]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} at {self.studio}"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An emailed, expiring, single-use invitation to join a studio with a role.

    Only a hash of the token is stored, so a leaked database cannot be used to join a studio.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    studio = models.ForeignKey(Studio, models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.studio}"

    def issue_token(self) -> str:
        """Sets a fresh token and expiry; the caller saves and emails the returned token."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        self.expires_at = timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
        return token

    @classmethod
    def find_by_token(cls, token: str) -> "Invitation | None":
        return cls.objects.select_related("studio").filter(token_hash=_hash_token(token)).first()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and not self.is_expired


class BackgroundJobQuerySet(models.QuerySet["BackgroundJob"]):
    def expired(self) -> "BackgroundJobQuerySet":
        return self.filter(expires_at__lte=timezone.now()).exclude(result_name="")

    def abandoned(self) -> "BackgroundJobQuerySet":
        """Running, but its worker stopped renewing the lease: the worker died."""
        return self.filter(status=BackgroundJob.Status.RUNNING, lease_until__lt=timezone.now())


class BackgroundJob(models.Model):
    """Long work done by a task worker (practice/jobs.py): its progress, outcome and file.

    The result file is encrypted in storage, deleted once downloaded, and expires unread after
    JOB_RESULT_HOURS. `message` says what happened in fixed words, never client text.
    """

    class Kind(models.TextChoices):
        STUDIO_EXPORT = "studio_export", "Export of every record"
        BATCH_PRINT = "batch_print", "Handouts as one ZIP file"
        KEY_ROTATION = "key_rotation", "Re-encryption with the newest key"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Working"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped by an error"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty for work on the whole installation (key rotation).
    studio = models.ForeignKey(
        Studio, models.CASCADE, null=True, blank=True, related_name="background_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The rule a member needs to see the job and its file (a rules.py name).
    permission = models.CharField(max_length=60)
    # The dotted path of the task, so a failed job can be queued again.
    task_path = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    download_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    # While the work runs, its worker pushes the lease forward every few seconds
    # (practice/jobs.py); a running job whose lease ran out lost its worker.
    lease_until = models.DateTimeField(null=True, blank=True)
    # "host:pid" of the worker process running it, so a supervisor that saw its worker die
    # can fail that worker's jobs at once instead of waiting for the lease.
    worker = models.CharField(max_length=100, blank=True)
    # The clients whose records the result file holds (their codes as strings), so erasing
    # one of them deletes a file nobody has downloaded yet.
    client_codes = models.JSONField(default=list, blank=True, editable=False)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["studio", "kind", "-created_at"], name="job_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_abandoned(self) -> bool:
        return (
            self.status == self.Status.RUNNING
            and self.lease_until is not None
            and self.lease_until < timezone.now()
        )

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def has_file(self) -> bool:
        return bool(self.result_name) and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class WorkerHeartbeat(models.Model):
    """A task worker's supervisor says it is alive (practice/management/commands/worker.py);
    /healthz reports the workers as degraded when none was seen lately."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class SubmitOnceClaim(models.Model):
    """A create form's one-time token, claimed when the form is sent (practice/once.py).

    In the database, not the cache: a claim must outlive a cache outage or eviction, and the
    unique key makes two requests in flight at once claim it once. `where` is where the saved
    thing can be seen (a URL made of codes); empty while the first request is still saving.
    """

    key = models.CharField(max_length=120, unique=True)
    where = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key
