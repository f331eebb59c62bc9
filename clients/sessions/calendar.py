"""A teacher's sessions as an iCalendar (RFC 5545) feed, written with the `icalendar` library.

The library escapes text (a line break or carriage return in a name becomes "\\n", never a new
line a lenient calendar app would read as a property of its own) and folds long lines. Times
are written in UTC (the "Z" form), which every calendar shows in its own zone, so no VTIMEZONE
block is needed. Events carry no client names unless the teacher turned them on, and never
anything sensitive: no routine, notes or check-ins.
"""

from datetime import timedelta

import rules
from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event

from clients.models import Client
from clients.sessions.models import CalendarFeed, Place, Session

# Calendars keep what they have already fetched; a bounded window keeps the feed small.
PAST_DAYS = 60
FUTURE_DAYS = 366
MAX_EVENTS = 500


def feed_is_usable(feed: CalendarFeed) -> bool:
    """A feed serves only a signed-up teacher who still teaches here: a deactivated account or
    a teammate made an assistant loses it (the caller deletes it then)."""
    membership = feed.membership
    return membership.user.is_active and rules.test_rule("sessions.calendar", membership)


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
    now = timezone.now()
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Groundwork//Sessions//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{studio.name} sessions")
    for session in sessions:
        event = Event()
        event.add("uid", f"{session.code}@groundwork")
        event.add("dtstamp", now)
        event.add("last-modified", session.updated_at)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", _summary(session, feed.include_client_names))
        event.add("location", Place(session.place).label)
        cancelled = session.status == Session.Status.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical().decode()
