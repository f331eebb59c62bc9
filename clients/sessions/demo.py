"""A few months of invented sessions, check-ins and home practice for the demo clients, so the
progress charts and the dashboard show something real on first run. Fictional, like the
clients in demo.py; recorded through the services, so the audit trail has them too."""

import random
from datetime import time, timedelta

from clients.models import Client
from clients.services import note_sign
from clients.sessions import services
from clients.sessions.models import CheckIn, HomePractice, Place, Session
from clients.vocabulary import NotePrivacy
from practice.models import Membership, Studio

WEEKS = 13
WORDS = [
    "Warmer in the right hip than last week.",
    "Liked keeping my eyes open.",
    "The long exhales helped.",
    "A bit tired today.",
    "Stairs felt easier this week.",
    "",
    "",
]


def _clamp(value: float) -> int:
    return max(0, min(10, round(value)))


def _held(
    studio: Studio,
    teacher: Membership,
    clients: list[Client],
    days_ago: int,
    at: time,
    numbers: dict[int, tuple[int, int, int, int]],
    rng: random.Random,
    routine: tuple | None,
) -> Session:
    """A past session with before and after check-ins: numbers[client.pk] is
    (hips before, hips after, settled before, settled after)."""
    day = services.studio_today(studio) - timedelta(days=days_ago)
    session = services.session_plan(
        studio=studio,
        by=teacher.user,
        clients=clients,
        teacher=teacher,
        starts_at=services.studio_datetime(studio, day, at),
        place=Place.STUDIO,
    )
    if routine is not None:
        code, snapshot = routine
        services.session_set_routine(
            session=session, routine_code=code, snapshot=snapshot, by=teacher.user
        )
    for client in clients:
        hips_before, hips_after, settled_before, settled_after = numbers[client.pk]
        for moment, hips, settled, words in (
            (CheckIn.Moment.BEFORE, hips_before, settled_before, rng.choice(WORDS)),
            (CheckIn.Moment.AFTER, hips_after, settled_after, ""),
        ):
            services.checkin_record(
                session=session,
                client=client,
                moment=moment,
                hips=hips,
                settled=settled,
                words=words,
                by=teacher.user,
            )
    return session


def seed_sessions(
    studio: Studio, owner: Membership, instructor: Membership, routine: tuple | None = None
) -> None:
    """`routine` is (code, snapshot) of the routine Rosa practises: made by the caller, since
    clients may not import routines."""
    if studio.sessions.exists():
        return  # already seeded: never duplicate what a demo user changed
    rng = random.Random(12)  # noqa: S311 - not secret: the same demo every time
    clients = {c.preferred_name: c for c in Client.objects.for_studio(studio)}
    rosa, tom, mei = clients.get("Rosa"), clients.get("Tom"), clients.get("Mei")
    if not (rosa and tom and mei):
        return
    today = services.studio_today(studio)

    # Rosa, weekly after her hip replacement: discomfort easing, feeling more settled.
    last = None
    for week in range(WEEKS):
        progress = week / (WEEKS - 1)
        hips = 7 - 4 * progress + rng.uniform(-1, 1)
        settled = 4 + 3 * progress + rng.uniform(-1, 1)
        numbers = {
            rosa.pk: (
                _clamp(hips),
                max(1, _clamp(hips - rng.uniform(1, 2.5))),
                _clamp(settled),
                _clamp(settled + rng.uniform(0.5, 2)),
            )
        }
        days_ago = (WEEKS - week) * 7 - 2
        last = _held(studio, instructor, [rosa], days_ago, time(10, 30), numbers, rng, routine)
        services.home_practice_record(
            client=rosa,
            week_of=today - timedelta(days=days_ago),
            days=min(7, 1 + round(4 * progress + rng.uniform(-1, 1))),
            source=HomePractice.Source.TEACHER,
            by=instructor.user,
        )
    assert last is not None  # one session a week, for WEEKS weeks
    note = services.session_note_save(
        session=last,
        client=rosa,
        author=instructor.user,
        privacy=NotePrivacy.CARE_TEAM,
        client_said="Walking to the shop without stopping this week.",
        body="Chair-based practice, longer exhales. Chose to skip the twist; "
        "settled quickly after the figure four.",
        try_next="Offer the standing hip march with a hand on the chair.",
    )
    note_sign(note=note, by=instructor.user)

    # Tom, every ten days at first, then not for seven weeks: the dashboard asks after him.
    for index in range(5):
        hips = 5 - index * 0.3 + rng.uniform(-1, 1)
        numbers = {tom.pk: (_clamp(hips), _clamp(hips - 1), 5, 6)}
        _held(studio, instructor, [tom], 49 + (4 - index) * 10, time(18, 0), numbers, rng, None)

    # Mei, fortnightly with the owner, and once in a small group with Tom.
    for index in range(6):
        settled = 5 + index * 0.4 + rng.uniform(-1, 1)
        numbers = {mei.pk: (_clamp(4 - index * 0.3), 2, _clamp(settled), _clamp(settled + 1))}
        _held(studio, owner, [mei], 80 - index * 14, time(19, 0), numbers, rng, None)
    group = {tom.pk: (5, 4, 5, 6), mei.pk: (3, 2, 6, 7)}
    _held(studio, owner, [tom, mei], 60, time(11, 0), group, rng, None)

    # Coming up: Rosa later today and next week, Mei in three days.
    for client, teacher, days, at in (
        (rosa, instructor, 0, time(17, 30)),
        (rosa, instructor, 7, time(10, 30)),
        (mei, owner, 3, time(19, 0)),
    ):
        services.session_plan(
            studio=studio,
            by=teacher.user,
            clients=[client],
            teacher=teacher,
            starts_at=services.studio_datetime(studio, today + timedelta(days=days), at),
            place=Place.ONLINE if client is mei else Place.STUDIO,
        )
