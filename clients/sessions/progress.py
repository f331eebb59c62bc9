"""A client's progress as plain numbers: check-ins per session and home practice per week.

The client page, the teacher sheet and (when the teacher chooses) the client handout all draw
from here, so they always agree. Two queries per client, whatever the history's length.
"""

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q
from django.utils import timezone

from clients.models import Client
from clients.sessions.models import CheckIn, HomePractice, Session

# Enough to see months of change; more points would crowd a phone-sized chart.
MAX_SESSIONS = 24
MAX_WEEKS = 26


@dataclass(frozen=True)
class SessionPoint:
    day: date
    before: int | None
    after: int | None


@dataclass(frozen=True)
class WeekPoint:
    week_starting: date
    days: int


@dataclass
class Progress:
    hips: list[SessionPoint] = field(default_factory=list)
    settled: list[SessionPoint] = field(default_factory=list)
    practice: list[WeekPoint] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.hips or self.settled or self.practice)


def client_progress(client: Client) -> Progress:
    zone = ZoneInfo(client.studio.time_zone)
    rows = (
        CheckIn.objects.filter(client=client)
        .exclude(session__status=Session.Status.CANCELLED)
        .order_by("-session__starts_at", "-session_id")
        .values_list("session_id", "session__starts_at", "moment", "hips", "settled")
    )
    # Two check-ins a session at most: this many rows cover the latest MAX_SESSIONS sessions.
    by_session: dict[int, dict] = {}
    for session_id, starts_at, moment, hips, settled in rows[: MAX_SESSIONS * 2]:
        entry = by_session.setdefault(
            session_id, {"day": timezone.localtime(starts_at, zone).date()}
        )
        entry[("hips", moment)] = hips
        entry[("settled", moment)] = settled
    sessions = list(reversed(by_session.values()))[-MAX_SESSIONS:]
    progress = Progress()
    for measure in ("hips", "settled"):
        points = [
            SessionPoint(
                day=entry["day"],
                before=entry.get((measure, CheckIn.Moment.BEFORE)),
                after=entry.get((measure, CheckIn.Moment.AFTER)),
            )
            for entry in sessions
        ]
        answered = [p for p in points if p.before is not None or p.after is not None]
        setattr(progress, measure, answered)
    progress.practice = practice_weeks(client)
    return progress


def practice_weeks(client: Client) -> list[WeekPoint]:
    """Days practised per week, oldest first, from both sources in one query.

    The teacher's figure copied from the printed log and the days the client reported through
    their link describe the same week, often the same days: a week counts the larger of the
    two, never their sum, so nothing is counted twice.
    """
    client_rows = Q(source=HomePractice.Source.CLIENT)
    weeks = (
        HomePractice.objects.filter(client=client)
        .values("week_starting")
        .annotate(
            teacher=Max("days", filter=~client_rows),
            reported=Count("practised_on", filter=client_rows, distinct=True),
        )
        .order_by("-week_starting")[:MAX_WEEKS]
    )
    return [
        WeekPoint(week["week_starting"], min(7, max(week["teacher"] or 0, week["reported"])))
        for week in reversed(list(weeks))
    ]
