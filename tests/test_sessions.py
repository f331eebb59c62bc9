"""Sessions: time zones and DST, group sessions, routine snapshots, check-ins, session notes,
home practice, roles, audit, erasure and export."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.export import client_record
from clients.models import AuditEvent, CheckIn, Client, HomePractice, Note, Session
from clients.sessions import services
from clients.sessions.models import MAX_GROUP_SIZE
from routines.services import routine_snapshot, step_update
from tests.factories import (
    CheckInFactory,
    ClientFactory,
    HomePracticeFactory,
    MembershipFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
)

WORDS = "It felt like the floor held me."


@pytest.fixture
def rosa(world) -> Client:
    rosa = ClientFactory(studio=world.studio, preferred_name="Rosa", full_name="Rosa Delgado")
    rosa.care_team.add(world.bob)
    return rosa


@pytest.fixture
def session(world, rosa) -> Session:
    return SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa])


def _plan(world, clients, starts_at, **extra) -> Session:
    return services.session_plan(
        studio=world.studio,
        by=world.ada.user,
        clients=clients,
        teacher=world.bob,
        starts_at=starts_at,
        **extra,
    )


# --- Time zones and daylight saving ---------------------------------------------------------


def test_a_wall_clock_time_is_stored_as_the_moment_it_names_in_the_studio(world):
    world.studio.time_zone = "America/New_York"
    # 09:00 in New York in January (UTC-5) and in July (UTC-4, daylight saving).
    winter = services.studio_datetime(world.studio, date(2025, 1, 15), time(9, 0))
    summer = services.studio_datetime(world.studio, date(2025, 7, 15), time(9, 0))
    assert winter.astimezone(UTC).hour == 14
    assert summer.astimezone(UTC).hour == 13


def test_a_time_skipped_when_the_clocks_go_forward_is_refused(world):
    # London skipped 01:00-02:00 on 30 March 2025.
    with pytest.raises(ValidationError, match="does not exist"):
        services.studio_datetime(world.studio, date(2025, 3, 30), time(1, 30))
    assert services.studio_datetime(world.studio, date(2025, 3, 30), time(2, 30))


def test_a_time_repeated_when_the_clocks_go_back_means_the_first_one(world):
    # London repeated 01:00-02:00 on 26 October 2025: first in summer time (UTC+1).
    moment = services.studio_datetime(world.studio, date(2025, 10, 26), time(1, 30))
    assert moment.astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_the_plan_form_reports_a_skipped_time_and_keeps_what_was_typed(world, rosa):
    url = reverse("session_create", args=[world.studio.code])
    data = {
        "clients": [rosa.code],
        "teacher": world.bob.code,
        "day": "2025-03-30",
        "at": "01:30",
        "duration_minutes": "45",
        "place": "online",
    }
    response = world.client_for(world.ada).post(url, data)
    assert response.status_code == 400
    assert "does not exist" in response.text
    assert 'value="45"' in response.text
    assert f'value="{rosa.code}" checked' in response.text
    assert not Session.objects.exists()


def test_sessions_of_a_day_are_the_studio_days_sessions_across_midnight_utc(world, rosa):
    world.studio.time_zone = "Pacific/Auckland"  # UTC+13 in January
    day = date(2025, 1, 10)
    early = _plan(world, [rosa], services.studio_datetime(world.studio, day, time(7, 0)))
    late = _plan(world, [rosa], services.studio_datetime(world.studio, day, time(23, 0)))
    _plan(world, [rosa], services.studio_datetime(world.studio, day + timedelta(days=1), time(7)))
    assert early.starts_at.astimezone(UTC).date() == date(2025, 1, 9)
    found = set(Session.objects.on_day(world.studio, day))
    assert found == {early, late}


def test_a_day_when_the_clocks_change_has_all_its_sessions(world, rosa):
    day = date(2025, 3, 30)  # 23 hours long in London
    times = [time(0, 30), time(3, 0), time(23, 30)]
    planned = {
        _plan(world, [rosa], services.studio_datetime(world.studio, day, at)) for at in times
    }
    assert set(Session.objects.on_day(world.studio, day)) == planned


def test_the_session_page_shows_studio_time_not_utc(world, rosa):
    world.studio.time_zone = "Asia/Tokyo"
    world.studio.save()
    session = _plan(
        world, [rosa], services.studio_datetime(world.studio, date(2030, 5, 2), time(9, 15))
    )
    page = world.client_for(world.ada).get(
        reverse("session_detail", args=[world.studio.code, session.code])
    )
    assert "09:15" in page.text and "Asia/Tokyo" in page.text


# --- Planning and group sessions ------------------------------------------------------------


def test_an_assistant_plans_a_small_group_session(world, rosa):
    tom = ClientFactory(studio=world.studio, preferred_name="Tom")
    url = reverse("session_create", args=[world.studio.code])
    data = {
        "clients": [rosa.code, tom.code],
        "teacher": world.bob.code,
        "day": "2030-06-03",
        "at": "18:00",
        "duration_minutes": "60",
        "place": "studio",
    }
    response = world.client_for(world.ada).post(url, data)
    session = Session.objects.get()
    assert response["Location"] == reverse("session_detail", args=[world.studio.code, session.code])
    assert set(session.clients.all()) == {rosa, tom}
    assert session.local_start().strftime("%Y-%m-%d %H:%M") == "2030-06-03 18:00"
    created = AuditEvent.objects.filter(action="create", record_type="session")
    assert set(created.values_list("client", flat=True)) == {rosa.pk, tom.pk}


def test_a_group_is_small(world):
    clients = [ClientFactory(studio=world.studio) for _ in range(MAX_GROUP_SIZE + 1)]
    with pytest.raises(ValidationError, match="at most"):
        _plan(world, clients, timezone.now())
    assert _plan(world, clients[:MAX_GROUP_SIZE], timezone.now()).clients.count() == 8


def test_only_teachers_teach_and_only_this_studios_people_join(world, rosa):
    with pytest.raises(ValidationError):
        services.session_plan(
            studio=world.studio,
            by=world.alice.user,
            clients=[rosa],
            teacher=world.ada,
            starts_at=timezone.now(),
        )
    stranger = ClientFactory(studio=world.other_studio)
    with pytest.raises(ValueError, match="another studio"):
        _plan(world, [stranger], timezone.now())


def test_a_hand_made_post_cannot_add_another_studios_client(world, rosa):
    stranger = ClientFactory(studio=world.other_studio, preferred_name="Stranger")
    data = {
        "clients": [rosa.code, stranger.code],
        "teacher": world.bob.code,
        "day": "2030-06-03",
        "at": "18:00",
        "duration_minutes": "60",
        "place": "studio",
    }
    url = reverse("session_create", args=[world.studio.code])
    assert world.client_for(world.alice).post(url, data).status_code == 400
    assert not Session.objects.exists()


def test_the_client_search_finds_at_most_25_and_keeps_the_chosen(world, rosa):
    for number in range(30):
        ClientFactory(studio=world.studio, preferred_name=f"Sam {number}")
    ClientFactory(studio=world.other_studio, preferred_name="Sam Elsewhere")
    url = reverse("session_create", args=[world.studio.code])
    response = world.client_for(world.ada).post(
        url, {"find": "1", "client_search": "sam", "clients": [rosa.code], "at": "07:45"}
    )
    assert response.status_code == 200
    assert response.text.count('name="clients"') == 26  # Rosa, ticked, and 25 found
    assert f'value="{rosa.code}" checked' in response.text
    assert "Sam Elsewhere" not in response.text
    assert 'value="07:45"' in response.text
    assert not Session.objects.exists()


def test_only_a_planned_session_changes_and_cancelling_is_kept(world, session, rosa):
    services.session_cancel(session=session, by=world.ada.user)
    assert session.status == Session.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.session_update(
            session=session,
            by=world.ada.user,
            clients=[rosa],
            teacher=world.bob,
            starts_at=timezone.now(),
            duration_minutes=30,
            place="online",
        )


def test_a_future_session_cannot_be_recorded_yet(world, rosa):
    future = _plan(world, [rosa], timezone.now() + timedelta(days=3))
    with pytest.raises(ValidationError, match="from that day on"):
        services.session_mark_held(session=future, by=world.bob.user)


# --- Routine snapshots ----------------------------------------------------------------------


def test_the_snapshot_keeps_what_was_practised_when_the_routine_changes_later(world, session):
    routine = RoutineFactory(studio=world.studio, title="Chair care")
    step = RoutineStepFactory(routine=routine, cue="Only as far as feels kind.")
    url = reverse("session_routine", args=[world.studio.code, session.code])
    world.client_for(world.bob).post(url, {"routine": routine.code})
    step_update(step=step, expected_version=routine.version, by=world.bob.user, cue="Changed.")
    routine.title = "Renamed"
    routine.save()
    session.refresh_from_db()
    assert session.routine_title == "Chair care"
    assert session.routine_steps[0]["cue"] == "Only as far as feels kind."
    assert session.routine_code == routine.code
    assert routine_snapshot(routine)["steps"][0]["cue"] == "Changed."


def test_the_snapshot_leaves_teacher_notes_out(world):
    step = RoutineStepFactory(routine=RoutineFactory(studio=world.studio), teacher_note="Secret")
    assert "Secret" not in str(routine_snapshot(step.routine))


def test_a_routine_of_another_studio_cannot_be_attached(world, session):
    foreign = RoutineFactory(studio=world.other_studio)
    url = reverse("session_routine", args=[world.studio.code, session.code])
    assert world.client_for(world.bob).post(url, {"routine": foreign.code}).status_code == 400
    session.refresh_from_db()
    assert session.routine_snapshot == {}


def test_an_assistant_cannot_change_the_routine_of_a_held_session(world, session):
    session.status = Session.Status.HELD
    session.save()
    url = reverse("session_routine", args=[world.studio.code, session.code])
    assert world.client_for(world.ada).get(url).status_code == 403


# --- Check-ins ------------------------------------------------------------------------------


def _check_in(world, session, client, moment, **data):
    url = reverse("checkin", args=[world.studio.code, session.code, client.code, moment])
    return world.client_for(world.bob).post(url, data)


def test_before_and_after_check_ins_are_kept_and_the_after_one_records_the_session(
    world, session, rosa
):
    assert _check_in(world, session, rosa, "before", hips="6", settled="4").status_code == 302
    response = _check_in(world, session, rosa, "after", hips="3", settled="", words=WORDS)
    assert response.status_code == 302
    after = CheckIn.objects.get(moment="after")
    assert (after.hips, after.settled, after.words) == (3, None, WORDS)
    session.refresh_from_db()
    assert session.is_held
    # Changing a check-in replaces it rather than adding a second one.
    _check_in(world, session, rosa, "before", hips="5", settled="4")
    assert CheckIn.objects.get(moment="before").hips == 5
    assert CheckIn.objects.count() == 2


def test_the_words_are_encrypted_at_rest(world, session, rosa):
    _check_in(world, session, rosa, "before", words=WORDS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT words FROM clients_checkin")
        (stored,) = cursor.fetchone()
    assert WORDS not in stored and stored.startswith("fernet:")


def test_an_empty_check_in_is_refused_kindly_and_out_of_range_numbers_too(world, session, rosa):
    response = _check_in(world, session, rosa, "before", hips="", settled="", words="  ")
    assert response.status_code == 400
    assert "Nothing to keep yet" in response.text
    assert _check_in(world, session, rosa, "before", hips="11").status_code == 400
    assert not CheckIn.objects.exists()


def test_check_ins_are_only_for_people_in_the_session(world, session):
    outsider = ClientFactory(studio=world.studio)
    assert _check_in(world, session, outsider, "before", hips="3").status_code == 404
    assert _check_in(world, session, session.clients.get(), "during", hips="3").status_code == 404


def test_the_check_in_page_fits_a_phone_and_offers_not_today(world, session, rosa):
    url = reverse("checkin", args=[world.studio.code, session.code, rosa.code, "before"])
    page = world.client_for(world.bob).get(url).text
    assert page.count('class="scale-option"') == 22
    assert page.count('class="scale-option scale-skip"') == 2
    assert page.count("Not today") == 2
    assert "score" not in page.lower()


def test_each_group_member_has_their_own_check_ins(world, rosa):
    tom = ClientFactory(studio=world.studio)
    group = SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa, tom])
    _check_in(world, group, rosa, "before", hips="6")
    _check_in(world, group, tom, "before", hips="2")
    assert dict(CheckIn.objects.values_list("client__preferred_name", "hips")) == {
        rosa.preferred_name: 6,
        tom.preferred_name: 2,
    }


# --- Session notes --------------------------------------------------------------------------


def test_a_session_note_is_a_structured_note_that_signs_and_takes_addenda(world, session, rosa):
    url = reverse("session_note", args=[world.studio.code, session.code, rosa.code])
    data = {
        "client_said": "Stairs are easier.",
        "body": "Chair practice; skipped the twist.",
        "try_next": "Standing march.",
        "privacy": "care_team",
    }
    assert world.client_for(world.bob).post(url, data).status_code == 302
    note = Note.objects.get()
    assert (note.session, note.client, note.try_next) == (session, rosa, "Standing march.")
    # Editing the draft goes on with the same note.
    world.client_for(world.bob).post(url, {**data, "try_next": "Wall support."})
    assert Note.objects.get().try_next == "Wall support."
    client_services.note_sign(note=note, by=world.bob.user)
    client_services.addendum_add(note=note, author=world.bob.user, body="It was the left hip.")
    # Signed: the next visit starts a new note instead of changing the signed one.
    world.client_for(world.bob).post(url, {**data, "try_next": "Another idea."})
    note.refresh_from_db()
    assert note.try_next == "Wall support."
    assert Note.objects.count() == 2
    page = world.client_for(world.bob).get(rosa.get_absolute_url()).text
    assert "What to try next" in page and "It was the left hip." in page


def test_a_session_note_follows_its_privacy(world, session, rosa):
    services.session_note_save(
        session=session,
        client=rosa,
        author=world.bob.user,
        privacy="author",
        client_said="Private words.",
        body="Only mine.",
        try_next="",
    )
    detail = reverse("session_detail", args=[world.studio.code, session.code])
    assert "Only mine." in world.client_for(world.bob).get(detail).text
    # Owners read every note, as on the client page; another instructor does not.
    assert "Only mine." in world.client_for(world.alice).get(detail).text
    dee = MembershipFactory(studio=world.studio, role="instructor")
    assert "Only mine." not in world.client_for(dee).get(detail).text


# --- Home practice --------------------------------------------------------------------------


def test_home_practice_is_one_figure_a_week_with_its_source(world, rosa):
    url = reverse("home_practice", args=[world.studio.code, rosa.code])
    client = world.client_for(world.bob)
    assert client.post(url, {"week_of": "2025-05-07", "days": "3"}).status_code == 302
    assert client.post(url, {"week_of": "2025-05-09", "days": "4"}).status_code == 302
    record = HomePractice.objects.get()
    assert (record.week_starting, record.days) == (date(2025, 5, 5), 4)
    assert record.source == HomePractice.Source.TEACHER and record.recorded_by == world.bob.user
    # The client's own "I practised today" (the practice link) joins the same model as a row
    # of its own, with its source, and never overwrites the teacher's weekly figure.
    report = services.home_practice_report(client=rosa, on=date(2025, 5, 6), hips=4, words="")
    record.refresh_from_db()
    assert (record.days, record.source) == (4, "teacher")
    assert (report.source, report.week_starting) == ("client", date(2025, 5, 5))


def test_home_practice_refuses_impossible_weeks(world, rosa):
    url = reverse("home_practice", args=[world.studio.code, rosa.code])
    client = world.client_for(world.bob)
    assert client.post(url, {"week_of": "2025-05-07", "days": "8"}).status_code == 400
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert client.post(url, {"week_of": future, "days": "2"}).status_code == 400
    assert not HomePractice.objects.exists()


# --- Roles ----------------------------------------------------------------------------------


def test_assistants_see_names_and_times_but_no_check_ins_notes_or_charts(world, session, rosa):
    CheckInFactory(session=session, client=rosa, words=WORDS)
    services.session_note_save(
        session=session,
        client=rosa,
        author=world.bob.user,
        privacy="studio",
        client_said="",
        body="Went gently.",
        try_next="",
    )
    ada = world.client_for(world.ada)
    detail = ada.get(reverse("session_detail", args=[world.studio.code, session.code])).text
    assert "Rosa" in detail
    assert WORDS not in detail and "Went gently." not in detail and "Hips 6" not in detail
    client_page = ada.get(rosa.get_absolute_url()).text
    assert 'id="sessions"' in client_page
    assert 'id="progress"' not in client_page and "<svg" not in client_page
    bob_page = world.client_for(world.bob).get(rosa.get_absolute_url()).text
    assert "<svg" in bob_page and "hips: 6 before, one session so far" in bob_page


def test_an_assistant_cannot_put_check_in_numbers_on_a_handout(world, rosa):
    step = RoutineStepFactory(routine=RoutineFactory(studio=world.studio, client=rosa))
    CheckInFactory(session__studio=world.studio, session__clients=[rosa], client=rosa)
    url = reverse("routine_print", args=[world.studio.code, step.routine.code]) + "?progress=1"
    assert "Your practice so far" not in world.client_for(world.ada).get(url).text
    assert "Your practice so far" in world.client_for(world.bob).get(url).text
    plain = reverse("routine_print", args=[world.studio.code, step.routine.code])
    assert "Your practice so far" not in world.client_for(world.bob).get(plain).text


# --- Audit, erasure, export -----------------------------------------------------------------


def test_opening_a_session_is_audited_for_each_client_without_sensitive_text(world, rosa):
    tom = ClientFactory(studio=world.studio)
    group = SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa, tom])
    CheckInFactory(session=group, client=rosa, words=WORDS)
    world.client_for(world.bob).get(reverse("session_detail", args=[world.studio.code, group.code]))
    views = AuditEvent.objects.filter(action="view", record_type="session")
    assert set(views.values_list("client", flat=True)) == {rosa.pk, tom.pk}
    assert not AuditEvent.objects.filter(summary__contains="floor").exists()


def test_erasure_removes_sessions_check_ins_notes_and_home_practice(world, rosa):
    tom = ClientFactory(studio=world.studio)
    alone = SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa])
    group = SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa, tom])
    group.routine_snapshot = {"title": "Practice for Rosa", "steps": []}
    group.save()
    CheckInFactory(session=alone, client=rosa)
    CheckInFactory(session=group, client=rosa)
    tom_check_in = CheckInFactory(session=group, client=tom)
    HomePracticeFactory(client=rosa)
    services.session_note_save(
        session=alone,
        client=rosa,
        author=world.bob.user,
        privacy="studio",
        client_said="",
        body="x",
        try_next="",
    )
    client_services.client_erase(client=rosa, by=world.alice.user)
    assert not Session.objects.filter(pk=alone.pk).exists()
    group.refresh_from_db()
    assert list(group.clients.all()) == [tom]
    assert group.routine_title == "Practice"
    assert list(CheckIn.objects.all()) == [tom_check_in]
    assert not HomePractice.objects.exists() and not Note.objects.exists()


def test_the_export_holds_sessions_with_only_this_clients_check_ins(world, rosa):
    tom = ClientFactory(studio=world.studio)
    group = SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa, tom])
    CheckInFactory(session=group, client=rosa, words=WORDS)
    CheckInFactory(session=group, client=tom, words="Tom's own words")
    HomePracticeFactory(client=rosa, days=4)
    record = client_record(rosa, world.alice)
    (exported,) = record["sessions"]
    assert exported["group_session"] is True
    assert [c["words"] for c in exported["check_ins"]] == [WORDS]
    assert "Tom's own words" not in str(record)
    assert record["home_practice"][0]["days"] == 4
