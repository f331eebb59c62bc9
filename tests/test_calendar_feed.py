"""Each teacher's calendar feed: a secret link stored as a hash, served without sign-in, with no
client names unless the teacher turns them on, and revocable."""

import re
from datetime import UTC, timedelta

import pytest
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from clients.models import AuditEvent, CalendarFeed
from clients.sessions import services
from clients.sessions import views as session_views
from tests.factories import ClientFactory, SessionFactory


@pytest.fixture
def sessions(world):
    rosa = ClientFactory(studio=world.studio, preferred_name="Rosa")
    now = timezone.now()
    mine = SessionFactory(
        studio=world.studio, teacher=world.bob, clients=[rosa], starts_at=now + timedelta(days=1)
    )
    cancelled = SessionFactory(
        studio=world.studio,
        teacher=world.bob,
        clients=[rosa],
        starts_at=now + timedelta(days=2),
        status="cancelled",
    )
    SessionFactory(studio=world.studio, teacher=world.alice, clients=[rosa])
    SessionFactory(
        studio=world.studio, teacher=world.bob, clients=[rosa], starts_at=now - timedelta(days=400)
    )
    return mine, cancelled


def _make_link(world) -> str:
    response = world.client_for(world.bob).post(
        reverse("calendar_settings", args=[world.studio.code]), {"action": "issue"}
    )
    match = re.search(r'value="(http://testserver/calendar/[^"]+\.ics)"', response.text)
    assert match, "the new link is shown once"
    return match.group(1).removeprefix("http://testserver")


def test_the_feed_lists_the_teachers_sessions_without_names_and_without_sign_in(world, sessions):
    mine, cancelled = sessions
    url = _make_link(world)
    response = WebClient().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 2  # not Alice's, not the one from last year
    assert f"UID:{mine.code}@groundwork" in body
    assert f"UID:{cancelled.code}@groundwork\r\n" in body and "STATUS:CANCELLED" in body
    assert "Rosa" not in body and "SUMMARY:Session\r\n" in body
    start = mine.starts_at.astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in body
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_names_appear_only_when_the_teacher_turns_them_on(world, sessions):
    url = _make_link(world)
    world.client_for(world.bob).post(
        reverse("calendar_settings", args=[world.studio.code]),
        {"action": "names", "include_client_names": "on"},
    )
    assert "SUMMARY:Session with Rosa" in WebClient().get(url).content.decode()


def test_only_a_hash_of_the_token_is_stored(world):
    feed, token = services.feed_issue(membership=world.bob)
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    assert CalendarFeed.find_by_token(token) == feed
    assert CalendarFeed.find_by_token(token + "x") is None


def test_a_new_link_replaces_the_old_and_turning_off_ends_both(world, sessions):
    old = _make_link(world)
    new = _make_link(world)
    assert WebClient().get(old).status_code == 404
    assert WebClient().get(new).status_code == 200
    world.client_for(world.bob).post(
        reverse("calendar_settings", args=[world.studio.code]), {"action": "revoke"}
    )
    assert WebClient().get(new).status_code == 404
    summaries = list(
        AuditEvent.objects.filter(record_type="calendar feed").values_list("summary", flat=True)
    )
    assert "calendar link turned off" in summaries


def test_assistants_have_no_calendar_link(world):
    url = reverse("calendar_settings", args=[world.studio.code])
    assert world.client_for(world.ada).post(url, {"action": "issue"}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_a_teammate_who_leaves_takes_their_link_with_them(world, sessions):
    url = _make_link(world)
    world.bob.delete()
    assert WebClient().get(url).status_code == 404


def _feed_with_names(world) -> str:
    url = _make_link(world)
    world.client_for(world.bob).post(
        reverse("calendar_settings", args=[world.studio.code]),
        {"action": "names", "include_client_names": "on"},
    )
    return url


def test_a_carriage_return_in_a_name_never_starts_a_line_of_its_own(world):
    sneaky = ClientFactory(studio=world.studio, preferred_name="Ana\rATTENDEE:mailto:x@evil.test")
    SessionFactory(studio=world.studio, teacher=world.bob, clients=[sneaky])
    body = WebClient().get(_feed_with_names(world)).content.decode()
    lines = body.split("\r\n")
    assert "\r" not in "".join(lines) and "\n" not in "".join(lines)
    assert not any(line.startswith("ATTENDEE") for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Session with Ana\\nATTENDEE:mailto:x@evil.test" in unfolded


def test_long_lines_are_folded_at_75_octets(world):
    long_name = "Zoë-" * 24  # within the 100 characters a name may have
    SessionFactory(
        studio=world.studio,
        teacher=world.bob,
        clients=[ClientFactory(studio=world.studio, preferred_name=long_name)],
    )
    body = WebClient().get(_feed_with_names(world)).content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert long_name in body.decode().replace("\r\n ", "")


def test_the_feed_stops_when_the_teacher_is_deactivated(world, sessions):
    url = _make_link(world)
    world.bob.user.is_active = False
    world.bob.user.save()
    assert WebClient().get(url).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_feed_stops_when_the_teacher_is_made_an_assistant(world, sessions):
    url = _make_link(world)
    world.bob.role = "assistant"
    world.bob.save()
    assert WebClient().get(url).status_code == 404
    # Made an instructor again, the old link stays off: a new one is made on purpose.
    world.bob.role = "instructor"
    world.bob.save()
    assert WebClient().get(url).status_code == 404


def test_the_feed_is_rate_limited_per_address(world, sessions, monkeypatch):
    monkeypatch.setattr(session_views, "FEED_REQUESTS_PER_IP", 3)
    url = _make_link(world)
    guesser = "/calendar/" + "x" * 43 + ".ics"
    statuses = [WebClient().get(guesser).status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    limited = WebClient().get(url)
    assert limited.status_code == 429 and limited["Retry-After"]
    assert WebClient().get(url, REMOTE_ADDR="203.0.113.9").status_code == 200
