"""What the dashboard asks of the signed-in person: one bounded query per kind of to-do.

It lives at the top of the import order (routines may import clients and practice), because a
to-do list spans sessions, clients, consent and routines. Every list is cut at `LIST_SIZE`
(one more row is fetched to know whether there are more), so the page costs the same number
of queries with ten clients or ten thousand.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import rules
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from clients.models import (
    AuditEvent,
    Client,
    ConsentDocument,
    ConsentSignature,
    IntakeInvitation,
    Precaution,
    Session,
    Trigger,
)
from clients.safety_rules import PREFERENCE_SHAPES
from clients.sessions.models import SessionQuerySet
from clients.sessions.services import studio_today
from practice.models import Membership, Studio
from practice.rules import is_instructor
from routines.builder.advisories import (
    CHECKED_MODIFICATION_FIELDS,
    CHECKED_POSE_FIELDS,
    routine_safety,
)
from routines.models import Pose, Routine, RoutineStep

LIST_SIZE = 8
PRECAUTION_WARNING_DAYS = 14
NOT_SEEN_WEEKS = 6
# The safety checker runs in Python, routine by routine: the dashboard checks at most this many
# (the ones changed most recently), so the page costs the same at any size of studio.
SAFETY_CHECKED = 30
# ...in two rounds, newest first, each loading only what it checks: where conflicts are many,
# the first round (this many) fills the list with a third of the loading; where they are few,
# the second, the rest, adds four queries.
SAFETY_FIRST_ROUND = 10
# What a to-do line shows of a client (name and link): a client's other columns include
# encrypted ones, which would be decrypted for nothing, and wide rows make sorting them slower.
LISTED_CLIENT_FIELDS = ("code", "studio", "preferred_name")
LISTED_SESSION_FIELDS = ("code", "studio", "starts_at", "place", "status")
LISTED_PRECAUTION_FIELDS = ("code", "client", "condition", "condition_other", "end_date")


@dataclass
class Bounded:
    """Up to LIST_SIZE items, and whether more were left out."""

    items: list
    more: bool

    @classmethod
    def of(cls, queryset: QuerySet, *, studio: Studio | None = None, clients=None) -> "Bounded":
        """With `studio`, each row (or the client it lists, `clients(row)`) is given the studio
        its links need, instead of joining it to every row."""
        rows = list(queryset[: LIST_SIZE + 1])
        if studio is not None:
            for row in rows:
                (clients(row) if clients else row).studio = studio
        return cls(rows[:LIST_SIZE], len(rows) > LIST_SIZE)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class Checked(Bounded):
    """Routines with open conflicts; `partial` when there were more routines to check than
    SAFETY_CHECKED, so older ones were not looked at."""

    partial: bool = False


@dataclass
class FirstStep:
    label: str
    hint: str
    done: bool


@dataclass
class Todo:
    first_steps: list[FirstStep] = field(default_factory=list)
    today: Bounded | None = None
    upcoming: Bounded | None = None
    precautions_ending: Bounded | None = None
    consent_to_resign: Bounded | None = None
    intake_to_review: Bounded | None = None
    not_seen: Bounded | None = None
    draft_routines: Bounded | None = None
    safety_conflicts: Checked | None = None

    def clients_shown(self) -> list[Client]:
        """Everyone the lists name or describe: each is a read of that client's record."""
        shown: list[Client] = []
        for sessions in (self.today, self.upcoming):
            for session in sessions.items if sessions else []:
                shown.extend(session.clients.all())
        if self.precautions_ending:
            shown.extend(precaution.client for precaution in self.precautions_ending.items)
        if self.intake_to_review:
            shown.extend(invitation.client for invitation in self.intake_to_review.items)
        for clients in (self.consent_to_resign, self.not_seen):
            shown.extend(clients.items if clients else [])
        # Drafts are listed by title only; a conflict names the client and how many are open.
        if self.safety_conflicts:
            shown.extend(routine.client for routine in self.safety_conflicts.items)
        return shown

    @property
    def is_clear(self) -> bool:
        lists = (
            self.today,
            self.upcoming,
            self.precautions_ending,
            self.consent_to_resign,
            self.intake_to_review,
            self.not_seen,
            self.draft_routines,
            self.safety_conflicts,
        )
        return not any(lists)


def first_steps(studio: Studio) -> list[FirstStep]:
    """The four first steps with whether each is done; empty once the studio is under way (all
    four done, or sessions on record). Sessions are asked first, alone: that is the answer on
    every dashboard but a new studio's, and the other questions cost five times as much (one
    reads the audit trail)."""
    if Session.objects.filter(studio=studio).exists():
        return []
    clients = Client.objects.filter(studio=studio)
    state = (
        Studio.objects.filter(pk=studio.pk)
        .annotate(
            has_client=Exists(clients),
            has_precaution=Exists(Precaution.objects.filter(client__studio=studio)),
            has_trigger=Exists(Trigger.objects.filter(client__studio=studio)),
            has_routine=Exists(Routine.objects.filter(studio=studio, client__isnull=False)),
            has_printed=Exists(
                AuditEvent.objects.filter(studio=studio, action=AuditEvent.Action.PRINT)
            ),
        )
        .values(
            "has_client",
            "has_precaution",
            "has_trigger",
            "has_routine",
            "has_printed",
        )
        .get()
    )
    steps = [
        FirstStep(
            "Add a client", "Their name is enough to begin; the rest can wait.", state["has_client"]
        ),
        FirstStep(
            "Take their intake",
            "Precautions, what helps them feel safe, preferences and touch consent.",
            state["has_precaution"] or state["has_trigger"],
        ),
        FirstStep(
            "Build a routine for them",
            "From the pose library, with the modifications that suit them.",
            state["has_routine"],
        ),
        FirstStep(
            "Print their handout",
            "A calm take-home sheet, with your teacher sheet beside the mat.",
            state["has_printed"],
        ),
    ]
    if all(step.done for step in steps):
        return []
    return steps


def _sessions_for(studio: Studio, membership: Membership) -> SessionQuerySet:
    """Teachers see the sessions they teach; assistants, who plan for everyone, see all.
    Without their clients: _with_clients reads those for both lists at once."""
    sessions = (
        Session.objects.for_studio(studio)
        .exclude(status=Session.Status.CANCELLED)
        # What a line shows: its time, place and clients (not the teacher, nor the snapshot of
        # a held session's routine, a JSON document of every step).
        .only(*LISTED_SESSION_FIELDS)
        .order_by("starts_at", "pk")
    )
    if rules.test_rule("sessions.teach", membership):
        sessions = sessions.filter(teacher=membership)
    return sessions


def _with_clients(*lists: Bounded | None) -> None:
    """The clients of the sessions listed, in one query for every list (a query each cost a
    millisecond and a half of the ORM's bookkeeping, more than the query itself)."""
    prefetch_related_objects(
        [session for sessions in lists if sessions for session in sessions.items],
        Prefetch("clients", queryset=Client.objects.only("code", "preferred_name", "studio")),
    )


def _my_clients(studio: Studio, membership: Membership) -> QuerySet[Client]:
    """Whose to-dos are hers: owners and assistants look after the studio's active clients; an
    instructor, those on her care team and those she built a routine for that is in use.

    Not every client she ever added: the creator joins the care team and may leave it, and
    leaving is how she says a client is no longer hers, so the list honours it. A routine she
    built (draft or ready) is her work until it is archived: its client's conflicts, ending
    precautions, consent and absence stay on her list with it, whoever's care team they are in.
    Both sets are subqueries the database reads once, not joins: a client in both is listed once.
    """
    clients = Client.objects.for_studio(studio).active()
    if is_instructor(membership):
        care_team, built = _instructor_client_ids(studio, membership)
        clients = clients.filter(Q(pk__in=care_team) | Q(pk__in=built))
    return clients


def _instructor_client_ids(studio: Studio, membership: Membership) -> tuple[QuerySet, QuerySet]:
    """The ids of an instructor's clients, as two subqueries: her care team, and the clients of
    the routines she built that are in use."""
    care_team = Client.care_team.through.objects.filter(membership=membership)
    built = (
        Routine.objects.filter(studio=studio, created_by_id=membership.user_id)
        .exclude(status=Routine.Status.ARCHIVED)
        .exclude(client=None)
    )
    return care_team.values("client_id"), built.values("client_id")


def precautions_ending(studio: Studio, membership: Membership) -> Bounded:
    today = studio_today(studio)
    # Whose they are is asked row by row (EXISTS), so the database reads the precautions
    # through their end-date index, a fortnight's worth, instead of every client's in turn
    # (tested on the client's own columns, SQLite read every client first, 20 ms against 4).
    mine = _my_clients(studio, membership).filter(pk=OuterRef("client_id"))
    return Bounded.of(
        Precaution.objects.filter(
            end_date__gte=today,
            end_date__lte=today + timedelta(days=PRECAUTION_WARNING_DAYS),
        )
        .filter(Exists(mine))
        .select_related("client")
        .only(*LISTED_PRECAUTION_FIELDS, *(f"client__{name}" for name in LISTED_CLIENT_FIELDS))
        .order_by("end_date", "pk"),
        studio=studio,
        clients=lambda precaution: precaution.client,
    )


def consent_to_resign(studio: Studio, membership: Membership) -> Bounded:
    """Clients who signed an earlier version of the consent text but not the current one.

    The current version is looked up first, as a value: inside the query it was a parameter
    the planner could not weigh, and PostgreSQL joined every signature before sorting. Known,
    it walks the clients in name order (client_list_idx) and stops once the list is full."""
    current = (
        ConsentDocument.objects.filter(studio=studio)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    signatures = ConsentSignature.objects.filter(client=OuterRef("pk"))
    clients = (
        _my_clients(studio, membership)
        .filter(Exists(signatures.exclude(document=current)))
        .exclude(Exists(signatures.filter(document=current)))
    )
    return Bounded.of(
        clients.only(*LISTED_CLIENT_FIELDS).order_by("preferred_name", "full_name", "pk"),
        studio=studio,
    )


def intake_to_review(studio: Studio, membership: Membership) -> Bounded:
    """Answers that came through an intake link and wait for a teacher, oldest first; read
    through the index of waiting answers, never the answers themselves."""
    return Bounded.of(
        IntakeInvitation.objects.filter(submitted_at__isnull=False, reviewed_at__isnull=True)
        .filter(_of_my_clients(studio, membership, "client"))
        .select_related("client")
        .only("code", "submitted_at", "client", *(f"client__{f}" for f in LISTED_CLIENT_FIELDS))
        .order_by("submitted_at", "pk"),
        studio=studio,
        clients=lambda invitation: invitation.client,
    )


def not_seen(studio: Studio, membership: Membership) -> Bounded:
    """Clients whose last held session is over NOT_SEEN_WEEKS ago, with nothing planned.

    `last_seen_at` is kept on the client (clients_refresh_last_seen), so the database walks
    one index from the longest absence and stops once the list is full."""
    now = timezone.now()
    planned = Session.objects.filter(
        clients=OuterRef("pk"), status=Session.Status.PLANNED, starts_at__gte=now
    )
    clients = _my_clients(studio, membership).filter(
        last_seen_at__lt=now - timedelta(weeks=NOT_SEEN_WEEKS)
    )
    return Bounded.of(
        clients.filter(~Exists(planned))
        .only(*LISTED_CLIENT_FIELDS, "last_seen_at")
        .order_by("last_seen_at", "pk"),
        studio=studio,
    )


def draft_routines(studio: Studio, membership: Membership) -> Bounded:
    """Her drafts, each a line of its title and when it changed: not their clients, nor their
    notes, whose encrypted columns would be decrypted for nothing (about forty a page)."""
    return Bounded.of(
        Routine.objects.for_studio(studio)
        .filter(status=Routine.Status.DRAFT, is_template=False, created_by_id=membership.user_id)
        .only("code", "studio", "title", "updated_at")
        .order_by("-updated_at", "pk"),
        studio=studio,
    )


# What the checker reads, and no more: a client's contact details and a trigger's words are
# encrypted, and decrypting them for thirty routines would cost more than
# the check itself; a pose's steps and notes are text the check never opens.
CHECKED_CLIENT_FIELDS = ("code", "studio", "preferred_name", "touch_consent", *PREFERENCE_SHAPES)
CHECKED_STEP_FIELDS = ("routine", "position", "sides", "kept_conflicts", "kept_reason")


def safety_conflicts(studio: Studio, membership: Membership) -> Checked:
    """Tailored routines in use (draft or ready) whose steps still conflict with their client's
    precautions, with no reason given for keeping them.

    Only a precaution in force today raises a conflict, so routines whose client has none are
    left out in the query. The checker itself runs in Python on the SAFETY_CHECKED routines
    changed most recently, however many there are: one query for the routines with their
    clients, then for each round (SAFETY_FIRST_ROUND) four: their steps with modifications, the
    steps' poses, the clients' precautions and triggers. It stops once it has found enough to
    fill the list and know there are more, so a busy list costs five queries and a quiet one
    nine.
    """
    today = studio_today(studio)
    in_force = Precaution.objects.filter(client=OuterRef("client"), start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    candidates = list(
        _routines_of_my_clients(studio, membership)
        .filter(is_template=False)
        .exclude(status=Routine.Status.ARCHIVED)
        .filter(Exists(in_force))
        .select_related("client")
        .only(
            "code",
            "title",
            "status",
            "updated_at",
            "studio",
            *(f"client__{name}" for name in CHECKED_CLIENT_FIELDS),
        )
        .order_by("-updated_at", "pk")[: SAFETY_CHECKED + 1]
    )
    flagged: list[Routine] = []
    checked_up_to = 0
    for up_to in (min(SAFETY_FIRST_ROUND, SAFETY_CHECKED), SAFETY_CHECKED):
        # The one past SAFETY_CHECKED is never checked: it only says there are more.
        batch = candidates[checked_up_to:up_to]
        checked_up_to = up_to
        flagged += _flagged(studio, batch, today, enough=LIST_SIZE + 1 - len(flagged))
        if len(flagged) > LIST_SIZE:
            break  # enough to fill the list and know there are more
    return Checked(
        flagged[:LIST_SIZE],
        more=len(flagged) > LIST_SIZE,
        partial=len(candidates) > SAFETY_CHECKED,
    )


def _flagged(studio: Studio, routines: list[Routine], today: date, enough: int) -> list[Routine]:
    """Those of the routines whose steps conflict, each with its count of open conflicts,
    newest first; the check stops once `enough` are found. Four queries (_checked_steps, the
    clients' precautions and triggers), none for no routines."""
    if not routines:
        return []
    steps = _checked_steps(routines)
    # Every one has a client: a precaution in force is one of its client's.
    clients = [routine.client for routine in routines if routine.client is not None]
    prefetch_related_objects(
        clients,
        # The note is read: an advisory carries it beside the limit it explains.
        Prefetch("precautions", Precaution.objects.all()),
        Prefetch("triggers", Trigger.objects.only("client", "category")),
    )
    flagged = []
    for routine, client in zip(routines, clients, strict=True):
        routine.studio = client.studio = studio  # for their links, without a query
        safety = routine_safety(routine, steps.get(routine.pk, []), today=today, with_fixes=False)
        unresolved = safety.summary.unresolved if safety is not None else 0
        if unresolved:
            routine.unresolved_conflicts = unresolved
            flagged.append(routine)
            if len(flagged) == enough:
                break
    return flagged


def _routines_of_my_clients(studio: Studio, membership: Membership) -> QuerySet[Routine]:
    """The studio's routines for clients whose to-dos are hers: read newest first, the
    database stops at the first few."""
    return Routine.objects.for_studio(studio).filter(_of_my_clients(studio, membership, "client"))


def _of_my_clients(studio: Studio, membership: Membership, client: str) -> Q:
    """A filter for rows whose client (the relation named `client`) is one whose to-dos are
    hers (_my_clients), tested on that client's own columns, joined.

    Asked as "is this row's client one of hers" (EXISTS over _my_clients), PostgreSQL read
    every client of the studio to answer for an instructor (3,000 pages and over 100 ms for
    the routines at 10,000 clients; 6 ms for the intake answers waiting); her care team and
    the clients of the routines she built are two short lists it hashes once instead."""
    mine = Q(**{f"{client}__studio": studio, f"{client}__status": Client.Status.ACTIVE})
    if is_instructor(membership):
        care_team, built = _instructor_client_ids(studio, membership)
        mine &= Q(**{f"{client}__in": care_team}) | Q(**{f"{client}__in": built})
    return mine


def _checked_steps(routines: list[Routine]) -> dict[int, list[RoutineStep]]:
    """The routines' steps in order, by routine, each with its modification and its pose: two
    queries. Poses are read once each and shared by their steps (thirty routines use a few
    dozen poses); modifications are joined (most steps have none). Loaded by hand rather than
    with prefetch_related, whose bookkeeping for 250 steps cost more than the check itself."""
    steps = list(
        RoutineStep.objects.filter(routine__in=[routine.pk for routine in routines])
        .select_related("modification")
        .only(
            *CHECKED_STEP_FIELDS,
            "pose",
            *(f"modification__{name}" for name in CHECKED_MODIFICATION_FIELDS),
        )
        .order_by("routine_id", "position")
    )
    poses = (
        Pose.objects.only(*CHECKED_POSE_FIELDS).order_by().in_bulk({step.pose_id for step in steps})
    )
    by_routine: dict[int, list[RoutineStep]] = {}
    for step in steps:
        step.pose = poses[step.pose_id]
        by_routine.setdefault(step.routine_id, []).append(step)
    return by_routine


def todo_for(studio: Studio, membership: Membership) -> Todo:
    """A new studio's first steps, or else the person's to-do lists."""
    steps = first_steps(studio)
    if steps:
        return Todo(first_steps=steps)
    zone = ZoneInfo(studio.time_zone)
    today = studio_today(studio)
    tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    sessions = _sessions_for(studio, membership)
    todo = Todo(
        today=Bounded.of(sessions.on_day(studio, today), studio=studio),
        upcoming=Bounded.of(sessions.upcoming().filter(starts_at__gte=tomorrow), studio=studio),
        not_seen=not_seen(studio, membership),
    )
    _with_clients(todo.today, todo.upcoming)
    if rules.test_rule("clients.view_sensitive", membership):
        # Precautions, consent details and routines in progress are for the people who teach.
        todo.precautions_ending = precautions_ending(studio, membership)
        todo.consent_to_resign = consent_to_resign(studio, membership)
        todo.intake_to_review = intake_to_review(studio, membership)
        todo.draft_routines = draft_routines(studio, membership)
        todo.safety_conflicts = safety_conflicts(studio, membership)
    return todo
