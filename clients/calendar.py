"""A teacher's sessions as an iCalendar (RFC 5545) feed, written by hand: a few fixed fields.

Times are written in UTC (the "Z" form), which every calendar shows in its own zone, so no
VTIMEZONE block is needed. Events carry no client names unless the teacher turned them on, and
never anything sensitive: no routine, notes or check-ins.
"""

from datetime import UTC, datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from clients.models import Client
from clients.sessions import CalendarFeed, Place, Session

# Calendars keep what they have already fetched; a bounded window keeps the feed small.
PAST_DAYS = 60
FUTURE_DAYS = 366
MAX_EVENTS = 500


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def feed_sessions(feed: CalendarFeed) -> list[Session]:
    now = timezone.now()
    sessions = (
        Session.objects.filter(
            teacher=feed.membership,
            starts_at__gte=now - timedelta(days=PAST_DAYS),
            starts_at__lte=now + timedelta(days=FUTURE_DAYS),
        )
        .select_related("studio")
        .order_by("starts_at")
    )
    if feed.include_client_names:
        sessions = sessions.prefetch_related(
            Prefetch("clients", queryset=Client.objects.only("preferred_name"))
        )
    return list(sessions[:MAX_EVENTS])


def _summary(session: Session, with_names: bool) -> str:
    if not with_names:
        return "Session"
    names = [client.preferred_name for client in session.clients.all()]
    return f"Session with {', '.join(names)}" if names else "Session"


def feed_text(feed: CalendarFeed, sessions: list[Session]) -> str:
    studio = feed.membership.studio
    now = _stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Groundwork//Sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(f'{studio.name} sessions')}",
    ]
    for session in sessions:
        place = Place(session.place).label
        lines += [
            "BEGIN:VEVENT",
            f"UID:{session.code}@groundwork",
            f"DTSTAMP:{now}",
            f"LAST-MODIFIED:{_stamp(session.updated_at)}",
            f"DTSTART:{_stamp(session.starts_at)}",
            f"DTEND:{_stamp(session.ends_at)}",
            f"SUMMARY:{_text(_summary(session, feed.include_client_names))}",
            f"LOCATION:{_text(place)}",
            f"STATUS:{'CANCELLED' if session.status == Session.Status.CANCELLED else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
