"""The client's practice link: token security, privacy of every public URL, the QR code on the
handout, "I practised today", and what the teacher sees."""

import base64
import hashlib
import io
import re
import threading
from datetime import timedelta
from unittest import mock

import pypdfium2
import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from clients import services as client_services
from clients.models import AuditEvent
from clients.sessions.models import HomePractice
from clients.sessions.progress import practice_weeks
from clients.sessions.services import (
    home_practice_record,
    home_practice_report,
    studio_today,
    week_start,
)
from routines import services as routine_services
from routines.paper import player_views
from routines.paper import practice_link_services as services
from routines.paper.practice_links import LINK_DAYS, PracticeLink, hash_token
from routines.urls import player_patterns
from tests.factories import (
    ClientFactory,
    NoteFactory,
    PoseFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    TriggerFactory,
    library_pose,
)
from tests.page_text import without_tokens

pytestmark = pytest.mark.django_db

# Words that live in the record or are for the team only: none may reach a public page.
FULL_NAME = "Rosa Delgado-Marsh"
SECRETS = {
    "full name": FULL_NAME,
    "precaution note": "Surgeon says nothing past ninety degrees",
    "trigger": "Startles at footsteps behind",
    "what helps": "Face the door when possible",
    "note": "Talked about the difficult winter",
    "teacher's step note": "Offer the chair if she tires",
    "teacher's routine notes": "Watch the right hip closely",
    "pose teacher notes": "Check the knee is supported before the hold",
    "goals": "Walk to the allotment without pain",
    "teacher's name": "Bob Teacher",
}


@pytest.fixture
def routine(world):
    client = ClientFactory(
        studio=world.studio, preferred_name="Rosa", full_name=FULL_NAME, goals=SECRETS["goals"]
    )
    PrecautionFactory(client=client, note=SECRETS["precaution note"])
    TriggerFactory(client=client, note=SECRETS["trigger"], what_helps=SECRETS["what helps"])
    NoteFactory(client=client, author=world.bob.user, body=SECRETS["note"])
    routine = RoutineFactory(
        studio=world.studio,
        client=client,
        title="Gentle hips",
        notes=SECRETS["teacher's routine notes"],
        created_by=world.bob.user,
    )
    own_pose = PoseFactory(
        studio=world.studio,
        name="Supported knees",
        teacher_notes=SECRETS["pose teacher notes"],
        both_sides=True,
    )
    RoutineStepFactory(
        routine=routine,
        position=1,
        pose=library_pose("butterfly"),
        cue="Only as far as feels kind",
        teacher_note=SECRETS["teacher's step note"],
        hold_breaths=4,
    )
    RoutineStepFactory(
        routine=routine, position=2, pose=own_pose, sides="both", hold_breaths=None, hold_seconds=30
    )
    return routine


@pytest.fixture
def link(world, routine):
    return services.practice_link_enable(routine=routine, by=world.bob.user)


@pytest.fixture
def token(link):
    return link.token()


def _player(token: str) -> str:
    return reverse("practice_player", args=[token])


# --- Token security ----------------------------------------------------------------------


def test_a_code_carries_64_random_bits_and_every_link_gets_its_own(world, routine, token):
    assert re.fullmatch(r"[A-Z2-7]{13}", token)
    assert len(base64.b32decode(token + "===")) == 8  # 64 bits
    other_routine = RoutineFactory(studio=world.studio, client=routine.client)
    other = services.practice_link_enable(routine=other_routine, by=world.bob.user)
    assert other.token() != token
    assert len(other.salt) == 64 and other.salt != PracticeLink.objects.get(routine=routine).salt


def test_only_the_tokens_hash_is_stored(link, token):
    row = PracticeLink.objects.filter(pk=link.pk).values().get()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in str(value) for value in row.values())


def test_the_database_alone_cannot_rebuild_a_token_yet_printed_links_keep_working(
    client, settings, link, token
):
    settings.SECRET_KEY = "a-different-server-key-" + "x" * 40
    reloaded = PracticeLink.objects.get(pk=link.pk)
    assert reloaded.token() is None  # the salt is useless without the server's key
    assert client.get(_player(token)).status_code == 200  # checking needs only the hash


def test_the_link_lasts_90_days_then_is_a_kind_404(client, link, token):
    assert link.expires_at - link.created_at == timedelta(days=LINK_DAYS)
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    response = client.get(_player(token))
    assert response.status_code == 404
    assert "This practice link is not open" in response.content.decode()
    assert "Nothing is wrong on your side" in response.content.decode()


def test_renewing_keeps_the_same_link_for_90_more_days(world, client, link, token):
    link.expires_at = timezone.now() + timedelta(days=2)
    link.save()
    teacher = world.client_for(world.bob)
    url = reverse("practice_link_renew", args=[world.studio.code, link.routine.code])
    assert teacher.post(url).status_code == 302
    link.refresh_from_db()
    assert link.expires_at > timezone.now() + timedelta(days=LINK_DAYS - 1)
    assert link.token() == token
    assert client.get(_player(token)).status_code == 200


def test_turning_the_link_off_makes_it_a_404_at_once(world, client, link, token):
    assert client.get(_player(token)).status_code == 200
    teacher = world.client_for(world.bob)
    teacher.post(reverse("practice_link_off", args=[world.studio.code, link.routine.code]))
    assert client.get(_player(token)).status_code == 404
    assert client.post(reverse("practice_report", args=[token]), {"hips": "3"}).status_code == 404
    event = AuditEvent.objects.filter(record_type="practice link").latest("pk")
    assert event.summary == "practice link turned off" and event.actor == world.bob.user


def test_turning_it_on_again_makes_a_new_token_and_the_old_one_stays_dead(world, client, link):
    old = link.token()
    services.practice_link_revoke(link=link, by=world.bob.user)
    fresh = services.practice_link_enable(routine=link.routine, by=world.bob.user).token()
    assert fresh != old
    assert client.get(_player(old)).status_code == 404
    assert client.get(_player(fresh)).status_code == 200


def test_archiving_the_client_revokes_the_link(world, client, link, token):
    teacher = world.client_for(world.bob)
    teacher.post(reverse("client_archive", args=[world.studio.code, link.client.code]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(_player(token)).status_code == 404
    # Restoring the person does not bring an old link back.
    client_services.client_set_archived(client=link.client, archived=False, by=world.bob.user)
    assert client.get(_player(token)).status_code == 404


def test_erasing_the_client_revokes_the_link(world, client, link, token):
    client_services.client_erase(client=link.client, by=world.alice.user)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(_player(token)).status_code == 404
    assert AuditEvent.objects.filter(summary="practice link turned off (client erased)").exists()


def test_archiving_the_routine_revokes_the_link(world, client, link, token):
    routine_services.routine_archive(routine=link.routine, by=world.bob.user)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(_player(token)).status_code == 404


def test_a_routine_tailored_for_someone_else_stops_the_link(world, client, link, token):
    routine = link.routine
    routine.client = ClientFactory(studio=world.studio, preferred_name="Tom")
    routine.save()
    response = client.get(_player(token))
    assert response.status_code == 404
    assert "Tom" not in without_tokens(response.content.decode())


def test_wrong_and_malformed_tokens_get_the_same_kind_404(client, token):
    for wrong in [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "short",
        "x" * 300,
        token[:12],
    ]:
        response = client.get(_player(wrong))
        assert response.status_code == 404
        assert "This practice link is not open" in response.content.decode()


def test_a_typed_code_may_be_lower_case_grouped_or_with_lookalike_digits(client, token):
    grouped = f"{token[:4]}-{token[4:8]} {token[8:]}".lower()
    lookalike = token.replace("O", "0").replace("I", "1").replace("B", "8")
    for typed in (token.lower(), grouped, lookalike):
        assert client.get(_player(typed)).status_code == 200, typed


def test_the_printed_address_is_short_enough_to_type_and_opens_the_player(world, client, link):
    teacher = world.client_for(world.bob)
    url = reverse("routine_handout", args=[world.studio.code, link.routine.code])
    pdf = teacher.get(url + "?illustrations=0&confirmed=1").content
    text = " ".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))
    address = re.search(r"testserver/p/[A-Z2-7]+", text).group(0)
    assert len(address) <= 32
    # Typed as printed: the browser adds the scheme, Django the closing slash.
    response = client.get(address.removeprefix("testserver"), follow=True)
    assert response.status_code == 200
    assert link.routine.title in response.content.decode()


def test_a_link_made_before_codes_were_short_still_opens_and_prints(world, client, link):
    long_token = link._derive_long()
    PracticeLink.objects.filter(pk=link.pk).update(token_hash=hash_token(long_token))
    link.refresh_from_db()
    assert link.token() == long_token
    assert client.get(_player(long_token)).status_code == 200


def test_the_decision_is_a_constant_time_comparison(token):
    with mock.patch(
        "routines.paper.practice_links.hmac.compare_digest", wraps=__import__("hmac").compare_digest
    ) as compare:
        assert PracticeLink.find_live(token) is not None
    compare.assert_called_once_with(hash_token(token), hash_token(token))


def test_a_step_of_another_studios_routine_is_a_404_through_this_token(world, client, token):
    pose = PoseFactory(studio=world.other_studio, image="studios/x/poses/a.png")
    foreign = RoutineStepFactory(routine=RoutineFactory(studio=world.other_studio), pose=pose)
    url = reverse("practice_figure", args=[token, foreign.code])
    assert client.get(url).status_code == 404


def test_another_studio_cannot_switch_or_play_this_studios_link(world, link):
    outsider = world.client_for(world.charlie)
    routine = link.routine
    for name in ("practice_link_on", "practice_link_renew", "practice_link_off"):
        # Studio A's routine asked for under studio B's own URL: not found there.
        url = reverse(name, args=[world.other_studio.code, routine.code])
        assert outsider.post(url).status_code == 404
    url = reverse("routine_player", args=[world.other_studio.code, routine.code])
    assert outsider.get(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_assistants_cannot_turn_a_link_on(world, routine):
    assistant = world.client_for(world.ada)
    url = reverse("practice_link_on", args=[world.studio.code, routine.code])
    assert assistant.post(url).status_code == 403
    assert not PracticeLink.objects.exists()


def test_only_a_tailored_active_routine_gets_a_link(world):
    untailored = RoutineFactory(studio=world.studio)
    teacher = world.client_for(world.bob)
    response = teacher.post(
        reverse("practice_link_on", args=[world.studio.code, untailored.code]), follow=True
    )
    assert "tailored for one client" in response.content.decode()
    assert not PracticeLink.objects.exists()


def test_requests_are_rate_limited_per_address(client, token, monkeypatch):
    monkeypatch.setattr(player_views, "REQUESTS_PER_IP", 3)
    statuses = [client.get(_player(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Someone else (another address) is not slowed down by the first.
    other = client.get(_player(token), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_reports_are_bounded_per_link_and_day(client, token, monkeypatch):
    monkeypatch.setattr(player_views, "REPORTS_PER_LINK_A_DAY", 2)
    url = reverse("practice_report", args=[token])
    # Tries that are refused count too, so the link cannot be hammered with them.
    statuses = [client.post(url, {"hips": hips}).status_code for hips in ("11", "12", "4")]
    assert statuses == [400, 400, 400]
    assert not HomePractice.objects.exists()


def test_the_cache_holds_no_address_in_the_clear(client, token):
    from django.core.cache import cache

    client.get(_player(token), REMOTE_ADDR="198.51.100.23")
    keys = list(cache._cache.keys())  # locmem in tests
    assert keys and not any("198.51.100.23" in key or token in key for key in keys)


# --- Privacy -----------------------------------------------------------------------------


def _public_responses(client, link, token) -> dict[str, list]:
    """Every public URL of the link, by URL name (a new one must be added here)."""
    step = link.routine.steps.get(position=2)
    step.pose.image = "studios/x/poses/figure.png"
    step.pose.save()
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("studios/x/poses/figure.png", ContentFile(b"\x89PNG fake"))
    report = reverse("practice_report", args=[token])
    return {
        "practice_player": [client.get(_player(token))],
        "practice_report": [
            client.post(report, {"hips": "4", "words": "Felt lighter"}),
            client.post(report, {"hips": "12", "words": "x"}),  # refused, page shown again
        ],
        "practice_figure": [client.get(reverse("practice_figure", args=[token, step.code]))],
        "practice_worker": [client.get(reverse("practice_worker"))],
    }


def test_the_walk_covers_every_public_url(client, link, token):
    names = {p.name for p in player_patterns if isinstance(p, URLPattern)}
    assert set(_public_responses(client, link, token)) == names


def test_no_public_url_shows_anything_from_the_record_or_for_the_team(client, link, token):
    for name, responses in _public_responses(client, link, token).items():
        for response in responses:
            assert response.status_code < 500, name
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode(errors="replace")
            for label, secret in SECRETS.items():
                assert secret not in text, f"{name} shows the {label}"
            if name != "practice_worker":
                assert response["X-Robots-Tag"] == "noindex, nofollow", name
                assert response["Referrer-Policy"] == "no-referrer", name
                assert "no-store" in response["Cache-Control"], name


def test_the_page_shows_the_handout_content_with_the_preferred_name_only(client, token):
    page = client.get(_player(token)).content.decode()
    assert "For Rosa" in page
    assert "Butterfly" in page and "Supported knees" in page
    assert "Only as far as feels kind" in page  # the cue printed on the handout
    assert "not medical advice" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert '<meta name="referrer" content="no-referrer">' in page


def test_the_page_has_no_inline_script_or_style(client, token):
    page = client.get(_player(token)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page and "<style" not in page
    assert 'data-two-sides="1"' in page and 'data-seconds="30"' in page


def test_the_wrong_token_page_shows_nothing_of_anyone(client, link, token):
    link.routine.client.preferred_name = "Rosa"
    page = client.get(_player("A" * 43)).content.decode()
    assert "Rosa" not in page and "Gentle hips" not in page and link.routine.studio.name not in page


# --- Openings -----------------------------------------------------------------------------


def test_each_opening_is_counted_without_an_address(client, link, token):
    client.get(_player(token), REMOTE_ADDR="198.51.100.23")
    client.get(_player(token))
    # The offline helper's copy is not someone opening the link.
    client.get(_player(token), HTTP_X_PRACTICE_OFFLINE_COPY="1")
    link.refresh_from_db()
    assert link.opened_count == 2 and link.last_opened_at is not None
    row = PracticeLink.objects.filter(pk=link.pk).values().get()
    assert not any("198.51.100.23" in str(value) for value in row.values())
    assert not AuditEvent.objects.filter(ip_address="198.51.100.23").exists()


# --- I practised today ----------------------------------------------------------------------


def test_a_report_joins_home_practice_with_source_client(client, link, token):
    response = client.post(
        reverse("practice_report", args=[token]),
        {"hips": "4", "words": "Felt lighter", "days": "7", "client": "99", "source": "teacher"},
        REMOTE_ADDR="198.51.100.23",
    )
    assert response.status_code == 200
    assert "Today's practice is kept" in response.content.decode()
    report = HomePractice.objects.get()
    today = studio_today(link.routine.studio)
    assert (report.source, report.practised_on, report.days) == ("client", today, 1)
    assert (report.hips, report.words, report.client) == (4, "Felt lighter", link.client)
    assert report.week_starting == week_start(today)
    event = AuditEvent.objects.get(summary="practice reported by the client")
    assert event.actor is None and event.ip_address is None


def test_a_later_report_the_same_day_never_overwrites_the_first(client, token):
    """Anyone holding the link (a forwarded message, a former teammate) could send one."""
    url = reverse("practice_report", args=[token])
    client.post(url, {"hips": "6", "words": "Her own words"})
    response = client.post(url, {"hips": "3", "words": "Someone else's words"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "noted already, thank you" in page
    assert "Someone else&#x27;s words" in page  # what was typed stays on the page
    report = HomePractice.objects.get()
    assert (report.hips, report.words) == (6, "Her own words")
    assert AuditEvent.objects.filter(record_type="home practice").count() == 1


def test_a_first_report_racing_another_is_told_kindly_not_given_an_error(link):
    """The check before the save sees no report; the database's one-a-day constraint does."""
    services.practice_link_report(link=link, hips=5, words="first")
    with (
        mock.patch.object(HomePractice.objects.none().__class__, "exists", return_value=False),
        pytest.raises(ValidationError) as refused,
    ):
        services.practice_link_report(link=link, hips=2, words="second")
    assert refused.value.code == "already_reported"
    assert HomePractice.objects.get().words == "first"


def test_a_report_may_be_empty_but_not_out_of_range(client, token):
    url = reverse("practice_report", args=[token])
    response = client.post(url, {"hips": "11", "words": "kept words"})
    assert response.status_code == 400
    assert "kept words" in response.content.decode()
    assert not HomePractice.objects.exists()
    assert client.post(url, {}).status_code == 200
    assert HomePractice.objects.get().hips is None


def test_a_week_counts_days_from_both_sources_without_adding_them(world, link):
    client = link.client
    monday = week_start(studio_today(world.studio)) - timedelta(weeks=1)
    for offset in range(3):
        home_practice_report(client=client, on=monday + timedelta(offset), hips=5, words="")
    home_practice_record(client=client, week_of=monday, days=2, source="teacher", by=world.bob.user)
    assert [(w.week_starting, w.days) for w in practice_weeks(client)] == [(monday, 3)]
    home_practice_record(client=client, week_of=monday, days=5, source="teacher", by=world.bob.user)
    assert [w.days for w in practice_weeks(client)] == [5]


def test_the_export_holds_the_clients_own_reports(world, link, token, client):
    client.post(reverse("practice_report", args=[token]), {"hips": "2", "words": "Slept well"})
    teacher = world.client_for(world.bob)
    url = reverse("client_export", args=[world.studio.code, link.client.code]) + "?format=json"
    data = teacher.get(url).json()
    (report,) = data["client"]["home_practice"]
    assert report["source"] == "client" and report["hips"] == 2 and report["words"] == "Slept well"


# --- The QR code on the handout ----------------------------------------------------------


def test_the_handouts_qr_code_decodes_to_the_link(world, link, token):
    teacher = world.client_for(world.bob)
    url = reverse("routine_handout", args=[world.studio.code, link.routine.code])
    # Confirmed: her precautions may raise conflicts, and the print asks about them first.
    pdf = teacher.get(url + "?illustrations=0&confirmed=1").content
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for page in document:
        image = page.render(scale=3).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    expected = "http://testserver" + _player(token)
    assert found == [expected]
    # The decoded address opens the player.
    opened = Client().get(found[0].removeprefix("http://testserver"))
    assert opened.status_code == 200 and link.routine.title in opened.content.decode()
    # And the printed address is the same.
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert token[:20] in text.replace("\n", "")


def test_the_qr_code_is_vector_svg_with_presentation_attributes_only(world, link):
    teacher = world.client_for(world.bob)
    page = teacher.get(reverse("routine_print", args=[world.studio.code, link.routine.code]))
    html = page.content.decode()
    svg = re.search(r"<svg[^>]*class=\"qr-code\".*?</svg>", html, re.S).group(0)
    assert "<path" in svg and "style=" not in svg and "<image" not in svg


def test_a_handout_without_a_live_link_has_no_qr_code(world, routine):
    teacher = world.client_for(world.bob)
    page = teacher.get(reverse("routine_print", args=[world.studio.code, routine.code]))
    assert "qr-code" not in page.content.decode()
    assert "Turn on a practice link" in page.content.decode()


# --- What the teacher sees -------------------------------------------------------------------


def test_the_teacher_sees_the_links_state_opens_and_reported_days(world, client, link, token):
    client.get(_player(token))
    client.post(reverse("practice_report", args=[token]), {"hips": "5"})
    teacher = world.client_for(world.bob)
    print_page = teacher.get(reverse("routine_print", args=[world.studio.code, link.routine.code]))
    text = print_page.content.decode()
    assert "<strong>On</strong>" in text and "opened 1 time" in text
    assert "1 practice day reported" in text
    assert link.expires_at.strftime("%-d %b %Y") in text
    client_page = teacher.get(link.client.get_absolute_url()).content.decode()
    assert "practice link on until" in client_page and "opened 1 time" in client_page
    assert "reported through a practice link: 1" in client_page
    services.practice_link_revoke(link=link, by=world.bob.user)
    client_page = teacher.get(link.client.get_absolute_url()).content.decode()
    assert "practice link off" in client_page


def test_the_teachers_player_shows_their_notes_and_the_clients_does_not(world, client, token):
    routine = PracticeLink.objects.get().routine
    teacher_page = world.client_for(world.bob).get(
        reverse("routine_player", args=[world.studio.code, routine.code])
    )
    text = teacher_page.content.decode()
    assert SECRETS["teacher's step note"] in text and SECRETS["pose teacher notes"] in text
    assert SECRETS["teacher's routine notes"] in text
    assistant_page = world.client_for(world.ada).get(
        reverse("routine_player", args=[world.studio.code, routine.code])
    )
    assert SECRETS["teacher's step note"] not in assistant_page.content.decode()
    assert SECRETS["teacher's step note"] not in client.get(_player(token)).content.decode()


def test_the_offline_helper_is_served_for_the_link_folder(client):
    response = client.get(reverse("practice_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert reverse("practice_worker").rsplit("/", 1)[0] + "/" == "/p/"


def test_the_link_sets_no_cookie_and_its_form_posts_with_a_null_origin(token):
    """`no-referrer` makes browsers send `Origin: null`; the token, not a cookie, is the key."""
    from django.test import Client

    phone = Client(enforce_csrf_checks=True)
    page = phone.get(_player(token))
    assert not page.cookies
    report = phone.post(reverse("practice_report", args=[token]), {"hips": "2"}, HTTP_ORIGIN="null")
    assert report.status_code == 200 and not report.cookies
    assert HomePractice.objects.reported_by_client().count() == 1


def test_the_clients_words_are_encrypted_at_rest(client, token):
    from django.db import connection

    client.post(reverse("practice_report", args=[token]), {"words": "Felt lighter on the stairs"})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT words FROM {HomePractice._meta.db_table}")  # noqa: S608
        (raw,) = cursor.fetchone()
    assert raw and "stairs" not in raw
    assert HomePractice.objects.get().words == "Felt lighter on the stairs"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_reports_keep_one_and_answer_both(world):
    """On PostgreSQL, two requests at once: both pass the check, the database keeps one."""
    from django.db import connection, connections
    from django.db.models import QuerySet

    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs two transactions at once")
    routine = RoutineFactory(studio=world.studio, client=ClientFactory(studio=world.studio))
    link = services.practice_link_enable(routine=routine, by=world.alice.user)
    both_checked = threading.Barrier(2)
    real_exists = QuerySet.exists

    def exists_then_wait(queryset):
        found = real_exists(queryset)
        if queryset.model is HomePractice:
            both_checked.wait(timeout=10)
        return found

    outcomes: list[str] = []

    def report(words: str) -> None:
        try:
            services.practice_link_report(link=link, hips=4, words=words)
            outcomes.append("kept")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    with mock.patch.object(QuerySet, "exists", exists_then_wait):
        threads = [threading.Thread(target=report, args=(w,)) for w in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    assert sorted(outcomes) == ["already_reported", "kept"]
    assert HomePractice.objects.count() == 1
