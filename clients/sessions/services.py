"""Changes to sessions, check-ins, session notes, home practice and calendar feeds.

Like `clients.services`, each function writes its own audit entries (one per client the change
touches, so each client's trail is complete) and checks that everything it is handed belongs
to the session's studio.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import rules
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from clients import audit, hooks
from clients.models import AuditEvent, Client, Note, TouchConsentChange
from clients.sessions.models import MAX_GROUP_SIZE, CalendarFeed, CheckIn, HomePractice, Session
from practice.access import ensure_same_studio
from practice.models import Membership, Studio, User

Action = AuditEvent.Action
NOTHING_TO_KEEP = "Nothing to keep yet: a number or a few words, whatever they like."


def studio_datetime(studio: Studio, day: date, at: time) -> datetime:
    """The moment a wall-clock time on `day` names in the studio's time zone.

    When clocks go forward an hour is skipped: a time inside it never happens there, so it is
    refused rather than quietly moved. When clocks go back an hour repeats: the first
    occurrence is meant (fold=0), as people planning "01:30" rarely mean the second one.
    """
    zone = ZoneInfo(studio.time_zone)
    local = datetime.combine(day, at, tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(
            f"{at:%H:%M} does not exist on {day:%-d %B %Y} in {studio.time_zone}: "
            "the clocks go forward then. You might choose a time an hour later."
        )
    return local


def studio_today(studio: Studio) -> date:
    return timezone.localdate(timezone=ZoneInfo(studio.time_zone))


def _check_people(studio: Studio, clients: list[Client], teacher: Membership | None) -> None:
    ensure_same_studio(studio.pk, *clients, teacher)
    if not clients:
        raise ValidationError({"clients": "Choose who the session is with."})
    if len(clients) > MAX_GROUP_SIZE:
        raise ValidationError({"clients": f"A small group is at most {MAX_GROUP_SIZE} people."})
    if any(client.status == Client.Status.ERASED for client in clients):
        raise ValidationError({"clients": "An erased record cannot join a session."})
    if teacher is not None and not rules.test_rule("sessions.teach", teacher):
        raise ValidationError({"teacher": "Choose an owner or instructor to teach it."})


def _audit_each(
    session: Session,
    clients: Iterable[Client],
    *,
    by: User,
    action: str,
    summary: str,
    record_type: str = "session",
    record_code: UUID | None = None,
    request: HttpRequest | None = None,
) -> None:
    for client in clients:
        audit.audit_client(
            request,
            client,
            action,
            record_type,
            summary,
            record_code=record_code or session.code,
            by=by,
            studio=session.studio,
        )


@transaction.atomic
def session_plan(
    *,
    studio: Studio,
    by: User,
    clients: list[Client],
    teacher: Membership,
    starts_at: datetime,
    duration_minutes: int = 60,
    place: str = "studio",
    request: HttpRequest | None = None,
) -> Session:
    _check_people(studio, clients, teacher)
    session = Session(
        studio=studio,
        teacher=teacher,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        created_by=by,
    )
    session.full_clean()
    session.save()
    session.clients.set(clients)
    _audit_each(
        session, clients, by=by, action=Action.CREATE, summary="session planned", request=request
    )
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    by: User,
    clients: list[Client],
    teacher: Membership,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    request: HttpRequest | None = None,
) -> Session:
    """Only planned sessions change; a held one is a record, a cancelled one stays cancelled."""
    if not session.is_planned:
        raise ValidationError("Only a planned session can be changed.")
    _check_people(session.studio, clients, teacher)
    before = list(session.clients.all())
    session.teacher = teacher
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.place = place
    session.full_clean()
    session.save()
    session.clients.set(clients)
    # Someone taken off the session sees the change in their own trail too.
    touched = {client.pk: client for client in [*before, *clients]}.values()
    _audit_each(
        session, touched, by=by, action=Action.CHANGE, summary="session changed", request=request
    )
    return session


@transaction.atomic
def session_cancel(*, session: Session, by: User, request: HttpRequest | None = None) -> Session:
    if not session.is_planned:
        raise ValidationError("Only a planned session can be cancelled.")
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    _audit_each(
        session,
        session.clients.all(),
        by=by,
        action=Action.CHANGE,
        summary="session cancelled",
        request=request,
    )
    return session


def _ensure_started(session: Session) -> None:
    if session.local_start().date() > studio_today(session.studio):
        raise ValidationError(
            f"This session is on {session.local_start():%-d %B}: "
            "you can record it from that day on."
        )


@transaction.atomic
def session_mark_held(*, session: Session, by: User, request: HttpRequest | None = None) -> Session:
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session was cancelled.")
    if session.is_held:
        return session
    _ensure_started(session)
    session.status = Session.Status.HELD
    session.save(update_fields=["status", "updated_at"])
    clients_refresh_last_seen(clients=session.clients.all())
    _audit_each(
        session,
        session.clients.all(),
        by=by,
        action=Action.CHANGE,
        summary="session recorded as held",
        request=request,
    )
    return session


@transaction.atomic
def session_set_routine(
    *,
    session: Session,
    routine_code: UUID | None,
    snapshot: dict,
    by: User,
    request: HttpRequest | None = None,
) -> Session:
    """Keeps what was practised as plain data (see `routines.services.routine_snapshot`);
    an empty snapshot clears it."""
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session was cancelled.")
    if snapshot and not (isinstance(snapshot.get("steps"), list) and snapshot.get("title")):
        raise ValueError("A routine snapshot has a title and a list of steps.")
    session.routine_code = routine_code if snapshot else None
    session.routine_snapshot = snapshot
    session.snapshot_at = timezone.now() if snapshot else None
    session.save(update_fields=["routine_code", "routine_snapshot", "snapshot_at", "updated_at"])
    _audit_each(
        session,
        session.clients.all(),
        by=by,
        action=Action.CHANGE,
        summary="routine practised recorded" if snapshot else "routine practised removed",
        request=request,
    )
    return session


def _ensure_attending(session: Session, client: Client) -> None:
    if not session.clients.filter(pk=client.pk).exists():
        raise ValueError("That client is not in this session.")


def _ensure_recordable(session: Session, client: Client) -> None:
    """What the client says at a session is kept once it has begun, and never for a
    cancelled one."""
    _ensure_attending(session, client)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session was cancelled.")
    _ensure_started(session)


@transaction.atomic
def checkin_record(
    *,
    session: Session,
    client: Client,
    moment: str,
    hips: int | None,
    settled: int | None,
    words: str,
    by: User,
    request: HttpRequest | None = None,
    touch_today: str | None = None,
) -> CheckIn | None:
    """The client's own numbers and words. An "after" check-in also records the session as
    held: it evidently took place. Before the session, `touch_today` is their answer to
    "hands-on support today?" (see `touch_today_record`); it may be all they answer, and then
    no check-in row is made (None)."""
    _ensure_recordable(session, client)
    check_in = CheckIn.objects.filter(session=session, client=client, moment=moment).first()
    if touch_today is not None:
        if moment != CheckIn.Moment.BEFORE:
            raise ValueError("Touch today is asked before the session.")
        touch_today_record(
            session=session, client=client, value=touch_today, by=by, request=request
        )
    if hips is None and settled is None and not words.strip():
        if touch_today is not None and check_in is None:
            return None
        raise ValidationError(NOTHING_TO_KEEP)
    created = check_in is None
    check_in = check_in or CheckIn(session=session, client=client, moment=moment)
    check_in.hips, check_in.settled, check_in.words = hips, settled, words.strip()
    check_in.recorded_by = by
    check_in.full_clean()
    check_in.save()
    audit.audit_client(
        request,
        client,
        Action.CREATE if created else Action.CHANGE,
        "check-in",
        f"check-in {moment} the session {'recorded' if created else 'changed'}",
        record_code=check_in.code,
        by=by,
        studio=session.studio,
    )
    if moment == CheckIn.Moment.AFTER and session.is_planned:
        session_mark_held(session=session, by=by, request=request)
    return check_in


def touch_today(session: Session, client: Client) -> str:
    """The client's answer to "hands-on support today?" for this session: the one given at
    its check-in, else their intake's touch consent."""
    answer = session.touch_answers.filter(client=client).order_by("-changed_at", "-pk").first()
    return answer.value if answer else client.touch_consent


def touch_today_for(session: Session, clients: list[Client]) -> dict[int, str]:
    """`touch_today` for each client of a session (by client pk), in one query."""
    answers: dict[int, str] = {}
    rows = session.touch_answers.order_by("changed_at", "pk").values_list("client_id", "value")
    for client_id, value in rows:
        answers[client_id] = value  # the latest answer wins
    return {client.pk: answers.get(client.pk, client.touch_consent) for client in clients}


@transaction.atomic
def touch_today_record(
    *,
    session: Session,
    client: Client,
    value: str,
    by: User,
    request: HttpRequest | None = None,
) -> TouchConsentChange | None:
    """Keeps the answer given at the check-in in the touch history, with the session. It
    holds for this session only: the intake's touch consent stays as it was. An answer that
    repeats the session's last one adds nothing; the first answer is kept even when it
    matches the intake, so the room sheet knows it was asked today."""
    _ensure_recordable(session, client)
    asked = session.touch_answers.filter(client=client).order_by("-changed_at", "-pk").first()
    if asked is not None and asked.value == value:
        return None
    change = TouchConsentChange(client=client, value=value, session=session, recorded_by=by)
    change.full_clean()
    change.save()
    audit.audit_client(
        request,
        client,
        Action.CHANGE,
        "touch consent",
        "touch today recorded at check-in",
        record_code=session.code,
        by=by,
        studio=session.studio,
    )
    return change


def session_note_for(session: Session, client: Client, author: User) -> Note | None:
    """The author's note on this session that can still be edited, if there is one."""
    return (
        Note.objects.filter(session=session, client=client, author=author, signed_at=None)
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def session_note_save(
    *,
    session: Session,
    client: Client,
    author: User,
    privacy: str,
    client_said: str,
    body: str,
    try_next: str,
    note: Note | None = None,
    request: HttpRequest | None = None,
) -> Note:
    """Adds a structured note, or edits `note` while it is unsigned and the author's.

    It is an ordinary `Note`: privacy, signing, locking and addenda work as for any other.
    """
    _ensure_attending(session, client)
    if note is None:
        note = Note(client=client, author=author, session=session)
        created = True
    else:
        created = False
        if note.session_id != session.pk or note.client_id != client.pk:
            raise ValueError("That note belongs to another session.")
        if note.author_id != author.pk:
            raise ValidationError("Only the author can edit a note.")
    note.privacy, note.client_said, note.body, note.try_next = privacy, client_said, body, try_next
    note.full_clean()
    if created:
        note.save()
    else:
        # Conditional, like `note_update`: a note signed in another tab stays as it was signed.
        updated = Note.objects.filter(pk=note.pk, signed_at__isnull=True).update(
            privacy=privacy, client_said=client_said, body=body, try_next=try_next
        )
        if not updated:
            raise ValidationError("This note has been signed and locked; you can add an addendum.")
    audit.audit_client(
        request,
        client,
        Action.CREATE if created else Action.CHANGE,
        "note",
        "session note added" if created else "session note edited",
        record_code=note.code,
        by=author,
        studio=session.studio,
    )
    return note


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _home_practice_save(
    record: HomePractice,
    *,
    created: bool,
    summary: str,
    request: HttpRequest | None = None,
    constraints: bool = True,
) -> None:
    """Validates, saves and audits one home-practice row. The actor is the row's
    `recorded_by`: None when the client reports through their practice link, so the trail
    says "system" and never whoever the request happens to be signed in as (nor an address).
    `constraints=False` leaves the unique checks to the database (for a caller that handles
    the IntegrityError of a race)."""
    record.full_clean(validate_constraints=constraints)
    record.save()
    audit.record(
        studio=record.client.studio,
        actor=record.recorded_by,
        action=Action.CREATE if created else Action.CHANGE,
        record_type="home practice",
        client=record.client,
        record_code=record.code,
        summary=summary,
        request=request,
    )


@transaction.atomic
def home_practice_record(
    *,
    client: Client,
    week_of: date,
    days: int,
    source: str,
    by: User | None,
    request: HttpRequest | None = None,
) -> HomePractice:
    """One figure a week; recording the same week again replaces it, with its new source."""
    week = week_start(week_of)
    # The client's own daily reports share the model; the weekly figure is a row of its own.
    record = HomePractice.objects.filter(client=client, week_starting=week, source=source).first()
    created = record is None
    record = record or HomePractice(client=client, week_starting=week)
    record.days, record.source, record.recorded_by = days, source, by
    summary = "home practice recorded" if created else "home practice changed"
    _home_practice_save(record, created=created, summary=summary, request=request)
    return record


ALREADY_REPORTED = (
    "Today's practice is noted already, thank you. The first note of the day is the one kept."
)


def home_practice_report(*, client: Client, on: date, hips: int | None, words: str) -> HomePractice:
    """The client's own "I practised today" (through their practice link): one row a day, and
    the first one stays. The link is a bearer secret (a printed handout, a forwarded message),
    so a later report may come from someone else: it never overwrites hers, it is refused with
    ValidationError(code="already_reported"). No person and no IP address is recorded: the
    client has no account, and the trail must not learn where they practise."""
    if client.status != Client.Status.ACTIVE:
        raise ValidationError("This record is not taking reports.")
    reports = HomePractice.objects.reported_by_client().filter(client=client, practised_on=on)
    if reports.exists():
        raise ValidationError(ALREADY_REPORTED, code="already_reported")
    record = HomePractice(
        client=client,
        source=HomePractice.Source.CLIENT,
        practised_on=on,
        week_starting=week_start(on),
        days=1,
        hips=hips,
        words=words,
    )
    try:
        # Two first reports at the same moment: the database keeps one, the other is told.
        with transaction.atomic():
            _home_practice_save(
                record, created=True, summary="practice reported by the client", constraints=False
            )
    except IntegrityError:
        raise ValidationError(ALREADY_REPORTED, code="already_reported") from None
    return record


@transaction.atomic
def feed_issue(
    *, membership: Membership, request: HttpRequest | None = None
) -> tuple[CalendarFeed, str]:
    """A new secret link for the teacher's calendar; any earlier link stops working."""
    if not rules.test_rule("sessions.calendar", membership):
        raise ValidationError("Calendar links are for the people who teach sessions.")
    feed = CalendarFeed.objects.filter(membership=membership).first()
    feed = feed or CalendarFeed(membership=membership)
    token = feed.issue_token()
    feed.save()
    audit.audit_client(
        request,
        None,
        Action.CREATE,
        "calendar feed",
        "calendar link made (any earlier link stopped)",
        by=membership.user,
        studio=membership.studio,
    )
    return feed, token


@transaction.atomic
def feed_revoke(*, membership: Membership, request: HttpRequest | None = None) -> None:
    CalendarFeed.objects.filter(membership=membership).delete()
    audit.audit_client(
        request,
        None,
        Action.DELETE,
        "calendar feed",
        "calendar link turned off",
        by=membership.user,
        studio=membership.studio,
    )


@transaction.atomic
def feed_set_client_names(
    *, feed: CalendarFeed, include: bool, request: HttpRequest | None = None
) -> CalendarFeed:
    feed.include_client_names = include
    feed.save(update_fields=["include_client_names"])
    membership = feed.membership
    audit.audit_client(
        request,
        None,
        Action.CHANGE,
        "calendar feed",
        "client names shown in calendar" if include else "client names hidden in calendar",
        by=membership.user,
        studio=membership.studio,
    )
    return feed


def clients_refresh_last_seen(*, clients: QuerySet[Client]) -> None:
    """Sets each client's `last_seen_at` to the start of their latest held session, in one
    UPDATE. Only marking a session held makes one (a held session's time and people are a
    record and never change), so that is where this runs; bulk loads call it once after."""
    latest_held = (
        Session.objects.filter(clients=OuterRef("pk"), status=Session.Status.HELD)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    clients.update(last_seen_at=Subquery(latest_held))


def sessions_erase_for(client: Client) -> None:
    """Erasure: check-ins, home practice and the client's sessions go (session notes go with
    the notes). A group session stays for the others, without this person: her names leave
    the practised routine's title and cues, and a routine tailored for her keeps no cue."""
    client.check_ins.all().delete()
    client.home_practice.all().delete()
    client.last_seen_at = None  # saved with the rest of the emptied record
    # Counted outside the client's own join, which would see only this client in each group.
    mine = Session.objects.filter(pk__in=client.sessions.values("pk"))
    sessions = list(mine.annotate(size=Count("clients")))
    Session.objects.filter(pk__in=[s.pk for s in sessions if s.size == 1]).delete()
    names = [name.casefold() for name in {client.preferred_name, client.full_name} if name]
    # Still linked: routines' erase hook unlinks them after this.
    her_routines = {work.code for work in hooks.tailored_work(client)}
    for session in (s for s in sessions if s.size > 1):
        session.clients.remove(client)
        snapshot = _snapshot_without(
            session.routine_snapshot, names, hers=session.routine_code in her_routines
        )
        if snapshot != session.routine_snapshot:
            session.routine_snapshot = snapshot
            session.save(update_fields=["routine_snapshot"])


def _snapshot_without(snapshot: dict, names: list[str], *, hers: bool) -> dict:
    if not snapshot:
        return snapshot

    def names_her(text: str) -> bool:
        return any(name in text.casefold() for name in names)

    title = snapshot.get("title", "")
    steps = [
        {**step, "cue": "" if hers or names_her(step.get("cue", "")) else step.get("cue", "")}
        for step in snapshot.get("steps", [])
    ]
    return {
        **snapshot,
        "title": "Practice" if hers or names_her(title) else title,
        "steps": steps,
    }
