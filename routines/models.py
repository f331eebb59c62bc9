import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from practice.fields import EncryptedTextField
from practice.models import Studio
from practice.vocabulary import WordListValidator, validate_movements
from routines.library.vocabulary import BodyArea, Category, Movement, Position, Prop, Sides, labels
from routines.paper.handout_texts import (
    DEFAULT_CARD_NO_TOUCH_TEXT,
    DEFAULT_CARD_WELCOME_TEXT,
    DEFAULT_CHOICE_TEXT,
    DEFAULT_SAFETY_TEXT,
)

if TYPE_CHECKING:
    from routines.builder.other_ways import ListedWay
    from routines.builder.safety import Advisory, Intake, StepCheck

# A slow, unhurried breath in a hold; used only for the builder's time estimate.
SECONDS_PER_BREATH = 8
# Moving in and out of a shape, finding props, a pause between steps.
TRANSITION_SECONDS = 20


validate_body_areas = WordListValidator(BodyArea)
validate_props = WordListValidator(Prop)


def validate_steps(steps: list[str]) -> None:
    if not isinstance(steps, list) or not all(isinstance(s, str) and s.strip() for s in steps):
        raise ValidationError("Steps must be a list of sentences.")


class Hold(models.Model):
    """A hold counted in breaths or in seconds (never both): shared by poses and steps."""

    hold_breaths = models.PositiveSmallIntegerField("hold (breaths)", null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField("hold (seconds)", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def hold_display(self) -> str:
        if self.hold_breaths:
            return f"{self.hold_breaths} breath{'s' if self.hold_breaths != 1 else ''}"
        if self.hold_seconds:
            minutes, seconds = divmod(self.hold_seconds, 60)
            if minutes and seconds:
                return f"{minutes} min {seconds} s"
            return f"{minutes} min" if minutes else f"{seconds} s"
        return ""

    @property
    def hold_in_seconds(self) -> int:
        return (self.hold_breaths or 0) * SECONDS_PER_BREATH + (self.hold_seconds or 0)

    def clean(self) -> None:
        if self.hold_breaths and self.hold_seconds:
            raise ValidationError("Count the hold in breaths or in seconds, not both.")


def pose_image_path(pose: "Pose", filename: str) -> str:
    """Each studio's images live apart; the name is random, never the uploaded one."""
    owner = pose.studio.code if pose.studio else "library"
    return f"studios/{owner}/poses/{uuid.uuid4().hex}.png"


class PoseQuerySet(models.QuerySet["Pose"]):
    def visible_to(self, studio: Studio) -> "PoseQuerySet":
        """The shared library plus the studio's own poses; never another studio's."""
        return self.filter(Q(studio__isnull=True) | Q(studio=studio), retired=False)

    def search(self, text: str) -> "PoseQuerySet":
        for word in text.lower().split():
            self = self.filter(search_text__contains=word)
        return self


class Pose(Hold):
    """A pose or breath practice: from the shared library (studio is empty) or a studio's own."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    studio = models.ForeignKey(
        Studio, models.CASCADE, null=True, blank=True, related_name="poses", editable=False
    )
    # The stable key of a library pose in routines/library/data/poses.yaml.
    slug = models.SlugField(max_length=80, blank=True, editable=False)
    based_on = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    name = models.CharField(max_length=120)
    other_names = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    position = models.CharField(max_length=20, choices=Position.choices)
    body_areas = models.JSONField(default=list, blank=True, validators=[validate_body_areas])
    summary = models.CharField(max_length=300, blank=True)
    steps = models.JSONField(default=list, validators=[validate_steps])
    breath_cue = models.TextField(blank=True)
    both_sides = models.BooleanField("done on both sides", default=False)
    attributes = models.JSONField(
        "movements", default=list, blank=True, validators=[validate_movements]
    )
    teacher_notes = models.TextField(blank=True)
    image = models.ImageField(upload_to=pose_image_path, blank=True)
    # How the pose is drawn (routines/library/figures): view, joint angles, props. Empty: no figure.
    figure = models.JSONField(default=dict, blank=True)
    alternatives = models.ManyToManyField("self", symmetrical=False, blank=True)
    # Lower-cased name and other names, so search by any name is one portable LIKE.
    search_text = models.TextField(editable=False, default="")
    # Library poses dropped from the data file stay for the routines that use them.
    retired = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PoseQuerySet.as_manager()

    # Never stored: set on the poses a page loads (`Prefetch(to_attr=…)` or a check).
    visible_modifications: list["Modification"]  # the pose page's, as the studio sees them
    way_modifications: list["Modification"]  # routines/other_ways.py
    way_alternatives: list["Pose"]
    safety_modifications: list["Modification"]  # routines/advisories.py
    safety_alternatives: list["Pose"]
    safety_conflicts: list["Advisory"]  # the picker's marks for the routine's client
    safety_heads_ups: list["Advisory"]
    suits: bool
    suits_with: "Modification | None"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(studio__isnull=True), name="unique_library_slug"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = " ".join([self.name, *self.other_names]).lower()
        super().save(*args, **kwargs)

    def url_in(self, studio: Studio) -> str:
        """Library poses have no studio of their own: they are opened inside the reader's."""
        return reverse("pose_detail", args=[studio.code, self.code])

    @property
    def is_library(self) -> bool:
        return self.studio_id is None

    @property
    def attribute_labels(self) -> list[str]:
        return labels(Movement, self.attributes)

    @property
    def body_area_labels(self) -> list[str]:
        return labels(BodyArea, self.body_areas)


class ModificationQuerySet(models.QuerySet["Modification"]):
    def visible_to(self, studio: Studio) -> "ModificationQuerySet":
        return self.filter(Q(studio__isnull=True) | Q(studio=studio), retired=False)


class Modification(models.Model):
    """A variation of a pose: from the library, or added by a studio (to any pose it sees)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pose = models.ForeignKey(Pose, models.CASCADE, related_name="modifications", editable=False)
    studio = models.ForeignKey(
        Studio, models.CASCADE, null=True, blank=True, related_name="+", editable=False
    )
    slug = models.SlugField(max_length=80, blank=True, editable=False)
    name = models.CharField(max_length=120)
    instructions = models.TextField(
        help_text="A line or two that sums up this version (the overview, the picker)."
    )
    # The version's own numbered steps: printed, and played, instead of the pose's steps.
    steps = models.JSONField(default=list, blank=True)
    props = models.JSONField(default=list, blank=True, validators=[validate_props])
    removes = models.JSONField(default=list, blank=True, validators=[validate_movements])
    reduces = models.JSONField(default=list, blank=True, validators=[validate_movements])
    adds = models.JSONField(default=list, blank=True, validators=[validate_movements])
    # The whole figure of this version (library data resolves it); empty: the pose's figure.
    figure = models.JSONField(default=dict, blank=True, editable=False)
    retired = models.BooleanField(default=False, editable=False)

    objects = ModificationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pose", "slug"],
                condition=Q(studio__isnull=True),
                name="unique_library_modification_slug",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prop_labels(self) -> list[str]:
        return labels(Prop, self.props)

    def clean(self) -> None:
        if set(self.adds) & set(self.removes):
            raise ValidationError("A movement cannot be both added and removed.")


class RoutineQuerySet(models.QuerySet["Routine"]):
    def for_studio(self, studio: Studio) -> "RoutineQuerySet":
        return self.filter(studio=studio)

    def active(self) -> "RoutineQuerySet":
        return self.exclude(status=Routine.Status.ARCHIVED)

    def templates(self) -> "RoutineQuerySet":
        return self.filter(is_template=True)


class Routine(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready"
        ARCHIVED = "archived", "Archived"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    studio = models.ForeignKey(Studio, models.CASCADE, related_name="routines", editable=False)
    title = models.CharField(max_length=200)
    intention = models.TextField(
        blank=True, help_text="A few words for the client, printed on the handout's cover."
    )
    # Teachers write health details here: encrypted like the client's own record.
    notes = EncryptedTextField("teacher notes", blank=True, help_text="Only the team sees these.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    client = models.ForeignKey(
        "clients.Client",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="routines",
        verbose_name="tailored for",
    )
    is_template = models.BooleanField(
        "studio template", default=False, help_text="Teammates can start new routines from it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every change; an edit based on an older version is refused, not merged.
    version = models.PositiveIntegerField(default=1, editable=False)
    # "Other ways to do this" beside each step of a tailored handout and player
    # (routines/builder/other_ways.py): a few versions the safety checker passes for the client.
    offer_other_ways = models.BooleanField(
        "offer other ways to do each step",
        default=True,
        help_text="Up to two other versions per step that suit the client today, never ranked.",
    )

    objects = RoutineQuerySet.as_manager()

    # Never stored: set on the routines a page loads.
    _safety_intake: "Intake"  # read once per routine object (routines/advisories.py)
    unresolved_conflicts: int  # the dashboard's routines to look at
    step_count: int  # the routine list's page

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            # The routine list: a studio's routines of one status, most recently changed first.
            models.Index(fields=["studio", "status", "-updated_at"], name="routine_list_idx"),
            models.Index(fields=["studio", "-updated_at"], name="routine_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("routine_detail", args=[self.studio.code, self.code])

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


def estimated_seconds(steps: list["RoutineStep"]) -> int:
    return sum(step.duration_seconds for step in steps)


class RoutineStep(Hold):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    routine = models.ForeignKey(Routine, models.CASCADE, related_name="steps", editable=False)
    position = models.PositiveIntegerField(editable=False)
    pose = models.ForeignKey(Pose, models.PROTECT, related_name="+", editable=False)
    modification = models.ForeignKey(
        Modification, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sides = models.CharField(max_length=10, choices=Sides.choices, default=Sides.NOT_APPLICABLE)
    # A cue tailored for someone ("keep the left knee soft after the surgery") is health text.
    cue = EncryptedTextField("cue for the client", blank=True)
    teacher_note = EncryptedTextField("note for yourself", blank=True)
    # "Keep as it is": the teacher's reason for keeping a step the safety checker flags, and
    # which conflicts it answers (a new precaution raises a new, unanswered conflict).
    kept_reason = EncryptedTextField("reason for keeping it", blank=True)
    kept_conflicts = models.JSONField(default=list, blank=True, editable=False)
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kept_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The teacher's say over the step's other ways (routines/builder/other_ways.py), as version keys
    # ("<pose code>" or "<pose code>:<modification code>"): pinned ones come first, removed ones
    # are never offered. A pinned way is still offered only while the checker passes it.
    other_ways_pinned = models.JSONField(default=list, blank=True, editable=False)
    other_ways_removed = models.JSONField(default=list, blank=True, editable=False)

    # Never stored: set on the steps the builder shows.
    safety: "StepCheck"  # routines/advisories.py `routine_safety`
    listed_ways: list["ListedWay"]  # the step editor's other ways
    same_as: int | None  # the number of an earlier step with the same pose and version

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["routine", "position"], name="step_order_idx")]

    def __str__(self) -> str:
        return f"{self.position}. {self.pose}"

    @property
    def duration_seconds(self) -> int:
        repeats = 2 if self.sides == Sides.BOTH else 1
        return self.hold_in_seconds * repeats + TRANSITION_SECONDS


def studio_logo_path(settings_row: "HandoutSettings", filename: str) -> str:
    return f"studios/{settings_row.studio.code}/logo/{uuid.uuid4().hex}.png"


class HandoutSettings(models.Model):
    """How a studio's printed handouts look and what they say before the poses."""

    class PaperSize(models.TextChoices):
        A4 = "A4", "A4"
        LETTER = "letter", "US Letter"

    studio = models.OneToOneField(Studio, models.CASCADE, related_name="handout_settings")
    logo = models.ImageField(upload_to=studio_logo_path, blank=True)
    accent_colour = models.CharField(
        max_length=7,
        default="#1a7f5a",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a7f5a.")],
        help_text="Headings and rules on the handout. Dark colours print and read best.",
    )
    safety_text = models.TextField("before you begin", default=DEFAULT_SAFETY_TEXT)
    choice_text = models.TextField("your choices", default=DEFAULT_CHOICE_TEXT)
    contact_line = models.CharField(
        max_length=300,
        blank=True,
        help_text="How clients reach you. Empty: the studio's email and phone.",
    )
    paper_size = models.CharField(max_length=10, choices=PaperSize.choices, default=PaperSize.A4)
    card_welcome_text = models.TextField(
        "consent card: welcome side", default=DEFAULT_CARD_WELCOME_TEXT
    )
    card_no_touch_text = models.TextField(
        "consent card: no-touch side", default=DEFAULT_CARD_NO_TOUCH_TEXT
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Handout settings of {self.studio}"

    @classmethod
    def for_studio(cls, studio: Studio) -> "HandoutSettings":
        settings_row, _ = cls.objects.get_or_create(studio=studio)
        return settings_row

    @staticmethod
    def card_side(text: str) -> tuple[str, list[str]]:
        """A consent card side's headline (its first line) and the lines below it."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return (lines[0] if lines else ""), lines[1:]

    def contact(self) -> str:
        if self.contact_line:
            return self.contact_line
        parts = [self.studio.name, self.studio.contact_email, self.studio.phone]
        return " · ".join(part for part in parts if part)


# Defined in its own module; imported here so Django finds the model with the app.
from routines.paper.practice_links import PracticeLink  # noqa: E402, F401
