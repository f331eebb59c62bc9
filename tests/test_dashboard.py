"""The dashboard as a to-do list: first steps for a new studio, then what needs doing, for the
person signed in, at a fixed number of queries however many clients and sessions there are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients import audit
from clients.models import AuditEvent
from clients.sessions.services import session_mark_held, studio_today
from practice import fields
from routines.builder.advisories import routine_safety
from routines.dashboard import todo as dashboard
from routines.models import Routine
from tests.factories import (
    CheckInFactory,
    ClientFactory,
    ConsentDocumentFactory,
    ConsentSignatureFactory,
    IntakeInvitationFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
    library_pose,
)


def _page(world, membership) -> str:
    return world.client_for(membership).get(world.studio.get_absolute_url()).text


def test_a_new_studio_gets_its_first_steps_in_order(world):
    page = _page(world, world.alice)
    steps = ["Add a client", "Take their intake", "Build a routine for them", "Print their handout"]
    positions = [page.index(f"<strong>{step}</strong>") for step in steps]
    assert positions == sorted(positions)
    assert "What needs doing" not in page


def test_a_new_studios_first_steps_invite_the_owner_to_bring_in_her_team(world):
    team_url = reverse("team", args=[world.studio.code])
    owner_page = _page(world, world.alice)
    assert f'you might <a href="{team_url}">invite your team</a>' in owner_page
    assert owner_page.index("Print their handout") < owner_page.index("invite your team")
    # Only an owner can invite, so an instructor is not pointed there.
    assert "invite your team" not in _page(world, world.bob)


def test_first_steps_tick_off_and_give_way_to_the_to_do_list(world):
    client = ClientFactory(studio=world.studio)
    PrecautionFactory(client=client)
    steps = dashboard.first_steps(world.studio)
    assert [step.done for step in steps] == [True, True, False, False]
    RoutineFactory(studio=world.studio, client=client)
    audit.record(
        studio=world.studio,
        actor=world.bob.user,
        action=AuditEvent.Action.PRINT,
        record_type="client handout",
    )
    assert dashboard.first_steps(world.studio) == []
    assert "What needs doing" in _page(world, world.alice)


def test_a_studio_with_sessions_is_past_its_first_steps(world):
    SessionFactory(studio=world.studio, teacher=world.bob)
    assert dashboard.first_steps(world.studio) == []


@pytest.fixture
def busy(world):
    """A studio under way: Bob teaches Rosa today and Mei next week."""
    rosa = ClientFactory(studio=world.studio, preferred_name="Rosa")
    mei = ClientFactory(studio=world.studio, preferred_name="Mei")
    for client in (rosa, mei):
        client.care_team.add(world.bob)
    now = timezone.now()
    SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa], starts_at=now)
    SessionFactory(
        studio=world.studio, teacher=world.bob, clients=[mei], starts_at=now + timedelta(days=6)
    )
    return rosa, mei


def test_today_and_upcoming_sessions_are_the_teachers_own(world, busy):
    # At the time of Rosa's session, so it is today whatever the hour the test runs.
    starts_at = busy[0].sessions.get().starts_at
    other = SessionFactory(
        studio=world.studio, teacher=world.alice, clients=[busy[0]], starts_at=starts_at
    )
    todo = dashboard.todo_for(world.studio, world.bob)
    assert [list(s.clients.all()) for s in todo.today.items] == [[busy[0]]]
    assert [list(s.clients.all()) for s in todo.upcoming.items] == [[busy[1]]]
    assert other not in todo.today.items
    # Assistants plan for everyone: they see every session.
    assert len(dashboard.todo_for(world.studio, world.ada).today.items) == 2


def test_precautions_ending_within_two_weeks_are_listed(world, busy):
    rosa, mei = busy
    today = studio_today(world.studio)
    soon = PrecautionFactory(client=rosa, end_date=today + timedelta(days=10))
    PrecautionFactory(client=mei, end_date=today + timedelta(days=20))
    PrecautionFactory(client=mei, end_date=today - timedelta(days=1))
    PrecautionFactory(client=mei, end_date=None)
    assert dashboard.todo_for(world.studio, world.bob).precautions_ending.items == [soon]
    page = _page(world, world.bob)
    assert "Precautions ending within two weeks" in page


def test_clients_who_signed_an_older_consent_are_asked_to_sign_again(world, busy):
    rosa, mei = busy
    first = ConsentDocumentFactory(studio=world.studio, version=1)
    ConsentSignatureFactory(client=rosa, document=first)
    ConsentSignatureFactory(client=mei, document=first)
    second = ConsentDocumentFactory(studio=world.studio, version=2)
    ConsentSignatureFactory(client=mei, document=second)
    assert dashboard.todo_for(world.studio, world.bob).consent_to_resign.items == [rosa]


def _held(world, clients, starts_at):
    """A session recorded as held the way a teacher does it, which keeps `last_seen_at`."""
    session = SessionFactory(
        studio=world.studio, teacher=world.bob, clients=clients, starts_at=starts_at
    )
    return session_mark_held(session=session, by=world.bob.user)


def test_clients_not_seen_for_six_weeks_without_a_plan_are_listed(world, busy):
    _, mei = busy
    tom = ClientFactory(studio=world.studio, preferred_name="Tom")
    tom.care_team.add(world.bob)
    long_ago = timezone.now() - timedelta(weeks=7)
    for client in (tom, mei):
        _held(world, [client], long_ago)
    # Mei has a session planned next week, so she is not waiting to be asked after.
    assert dashboard.todo_for(world.studio, world.bob).not_seen.items == [tom]
    assert "last seen" in _page(world, world.bob)


def test_marking_a_session_held_keeps_each_clients_last_seen(world, busy):
    rosa, mei = busy
    now = timezone.now()
    recent = _held(world, [rosa, mei], now - timedelta(weeks=1))
    # An older session recorded late does not move the date back.
    _held(world, [rosa], now - timedelta(weeks=9))
    rosa.refresh_from_db()
    mei.refresh_from_db()
    assert rosa.last_seen_at == mei.last_seen_at == recent.starts_at
    assert dashboard.not_seen(world.studio, world.bob).items == []


def test_the_longest_absence_comes_first(world, busy):
    now = timezone.now()
    clients = [ClientFactory(studio=world.studio) for _ in range(3)]
    for weeks, client in zip((8, 20, 12), clients, strict=True):
        client.care_team.add(world.bob)
        _held(world, [client], now - timedelta(weeks=weeks))
    assert dashboard.not_seen(world.studio, world.bob).items == [clients[1], clients[2], clients[0]]


def test_teachers_see_their_draft_routines_assistants_none_of_the_sensitive_lists(world, busy):
    draft = RoutineFactory(studio=world.studio, created_by=world.bob.user)
    RoutineFactory(studio=world.studio, created_by=world.alice.user)
    assert dashboard.todo_for(world.studio, world.bob).draft_routines.items == [draft]
    ada = dashboard.todo_for(world.studio, world.ada)
    assert ada.precautions_ending is ada.consent_to_resign is ada.draft_routines is None


def test_the_draft_list_decrypts_nothing(world, monkeypatch):
    rosa = ClientFactory(studio=world.studio, email="rosa@example.com", goals="Sleep better")
    RoutineFactory(
        studio=world.studio,
        created_by=world.bob.user,
        client=rosa,
        title="Gentle hips for Rosa",
        notes="Left knee first",
    )
    decrypted = []
    monkeypatch.setattr(fields, "decrypt", decrypted.append)
    drafts = dashboard.draft_routines(world.studio, world.bob)
    # Each line is the title, when it changed and its link, and nothing more is read.
    assert [routine.title for routine in drafts.items] == ["Gentle hips for Rosa"]
    assert drafts.items[0].get_absolute_url().startswith(world.studio.get_absolute_url())
    assert decrypted == []


def _tailored(world, client, *slugs, **kwargs):
    routine = RoutineFactory(studio=world.studio, client=client, **kwargs)
    for position, slug in enumerate(slugs, start=1):
        RoutineStepFactory(routine=routine, position=position, pose=library_pose(slug))
    return routine


def test_tailored_routines_with_open_conflicts_are_listed(world, busy):
    rosa, mei = busy
    # Happy baby bends the hip past ninety degrees: a conflict for Rosa's new hip.
    PrecautionFactory(client=rosa, end_date=None)
    flagged = _tailored(world, rosa, "happy-baby", "childs-pose", title="Rosa at home")
    _tailored(world, rosa, "happy-baby", status=Routine.Status.ARCHIVED)
    _tailored(world, mei, "happy-baby")  # Mei has no precaution: nothing to conflict with
    ended = ClientFactory(studio=world.studio)
    ended.care_team.add(world.bob)
    today = studio_today(world.studio)
    PrecautionFactory(
        client=ended, start_date=today - timedelta(weeks=12), end_date=today - timedelta(days=1)
    )
    _tailored(world, ended, "happy-baby")
    outside = ClientFactory(studio=world.studio)  # not in Bob's care team
    PrecautionFactory(client=outside)
    _tailored(world, outside, "happy-baby")
    conflicts = dashboard.todo_for(world.studio, world.bob).safety_conflicts
    assert conflicts.items == [flagged] and not conflicts.more and not conflicts.partial
    assert conflicts.items[0].unresolved_conflicts >= 1
    page = _page(world, world.bob)
    assert "Routines to check against precautions" in page
    assert "Rosa at home" in page and "open conflict" in page


def test_a_conflict_kept_with_a_reason_is_not_a_to_do(world, busy):
    rosa, _ = busy
    PrecautionFactory(client=rosa)
    routine = _tailored(world, rosa, "happy-baby")
    step = routine.steps.get()
    safety = routine_safety(routine, [step], with_fixes=False)
    step.kept_conflicts = [advisory.key for advisory in safety.for_step(step).conflicts]
    step.kept_reason = "Cleared by her physio"
    step.save()
    assert dashboard.safety_conflicts(world.studio, world.bob).items == []
    assert "check against precautions" not in _page(world, world.bob)


def test_only_the_routines_changed_most_recently_are_checked(world, busy, monkeypatch):
    rosa, _ = busy
    PrecautionFactory(client=rosa)
    monkeypatch.setattr(dashboard, "SAFETY_CHECKED", 2)
    older = _tailored(world, rosa, "happy-baby")
    newer = [_tailored(world, rosa, "happy-baby") for _ in range(2)]
    Routine.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=30))
    conflicts = dashboard.safety_conflicts(world.studio, world.bob)
    assert set(conflicts.items) == set(newer) and conflicts.partial
    assert "routines changed most recently" in _page(world, world.bob)


def test_assistants_get_no_safety_list(world, busy):
    rosa, _ = busy
    PrecautionFactory(client=rosa)
    _tailored(world, rosa, "happy-baby", title="Rosa at home")
    assert dashboard.todo_for(world.studio, world.ada).safety_conflicts is None
    assert "Rosa at home" not in _page(world, world.ada)


def test_each_list_is_cut_short(world, busy):
    for _ in range(dashboard.LIST_SIZE + 2):
        RoutineFactory(studio=world.studio, created_by=world.bob.user)
    drafts = dashboard.todo_for(world.studio, world.bob).draft_routines
    assert len(drafts.items) == dashboard.LIST_SIZE and drafts.more


def _grow(world, rosa, count: int) -> None:
    now = timezone.now()
    document = ConsentDocumentFactory(studio=world.studio, version=count)
    for number in range(count):
        client = ClientFactory(studio=world.studio)
        client.care_team.add(world.bob)
        PrecautionFactory(client=client, end_date=studio_today(world.studio) + timedelta(days=3))
        ConsentSignatureFactory(client=client, document=document)
        IntakeInvitationFactory(client=client)  # answers waiting for review
        held = _held(world, [client, rosa], now - timedelta(weeks=8, days=number))
        CheckInFactory(session=held, client=client)
        SessionFactory(studio=world.studio, teacher=world.bob, clients=[client], starts_at=now)
        SessionFactory(
            studio=world.studio,
            teacher=world.bob,
            clients=[client],
            starts_at=now + timedelta(days=2 + number),
        )
        routine = RoutineFactory(studio=world.studio, created_by=world.bob.user, client=client)
        # A conflict with the client's precaution, for the safety list, and a step with a
        # modification beside it (modifications are read with their steps).
        RoutineStepFactory(routine=routine, pose=library_pose("happy-baby"))
        child = library_pose("childs-pose")
        RoutineStepFactory(routine=routine, pose=child, modification=child.modifications.first())


def test_the_dashboard_costs_the_same_queries_for_any_number_of_clients_and_sessions(
    world, busy, django_assert_num_queries
):
    client = world.client_for(world.bob)
    url = world.studio.get_absolute_url()
    _grow(world, busy[0], 2)
    client.get(url)
    # 1 session, 2 user; 3 first steps (sessions on record?); 4 today's sessions, 5 upcoming,
    # 6 not seen for six weeks, 7 precautions ending, 8-9 the current consent text and who
    # should sign it again, 10 intake answers to review, 11 draft routines; 12-16 safety:
    # routines, their steps (with modifications), the steps' poses, the clients' precautions
    # and triggers (the first round fills the list); 17 the clients of both lists' sessions;
    # 18 one audit entry per client shown, in one insert; 19 two-factor set up?
    # (the session is not saved: nothing in it changed; her memberships are kept from her
    # first page: practice/memberships.py)
    with django_assert_num_queries(19):
        assert client.get(url).status_code == 200
    _grow(world, busy[0], 12)
    with django_assert_num_queries(19):
        page = client.get(url)
    assert "And more." in page.text
    assert len(dashboard.safety_conflicts(world.studio, world.bob).items) == dashboard.LIST_SIZE


def test_an_instructor_sees_the_conflicts_of_a_routine_she_built_outside_her_care_team(world, busy):
    """She added Ruth and built her routine; Ruth's care team is someone else's (or nobody's)."""
    ruth = ClientFactory(studio=world.studio, preferred_name="Ruth", created_by=world.bob.user)
    today = studio_today(world.studio)
    PrecautionFactory(client=ruth, end_date=today + timedelta(days=5))
    built = _tailored(world, ruth, "happy-baby", title="Ruth at home", created_by=world.bob.user)
    todo = dashboard.todo_for(world.studio, world.bob)
    assert todo.safety_conflicts.items == [built]
    # Her routine rests on Ruth's precautions: their end is hers to know about too.
    assert [p.client for p in todo.precautions_ending.items] == [ruth]
    assert "Ruth at home" in _page(world, world.bob)


def test_a_client_is_no_longer_hers_once_she_left_the_care_team_and_archived_her_routine(
    world, busy
):
    ruth = ClientFactory(studio=world.studio, preferred_name="Ruth", created_by=world.bob.user)
    PrecautionFactory(client=ruth, end_date=studio_today(world.studio) + timedelta(days=5))
    _tailored(world, ruth, "happy-baby", created_by=world.bob.user, status=Routine.Status.ARCHIVED)
    # Someone else's routine for Ruth is not Bob's to check.
    _tailored(world, ruth, "happy-baby", created_by=world.alice.user)
    bob = dashboard.todo_for(world.studio, world.bob)
    assert bob.precautions_ending.items == [] and bob.safety_conflicts.items == []
    alice = dashboard.todo_for(world.studio, world.alice)
    assert len(alice.precautions_ending.items) == 1 and len(alice.safety_conflicts.items) == 1


def test_a_client_in_her_care_team_with_routines_she_built_is_listed_once(world, busy):
    rosa, _ = busy
    first = ConsentDocumentFactory(studio=world.studio, version=1)
    ConsentSignatureFactory(client=rosa, document=first)
    ConsentDocumentFactory(studio=world.studio, version=2)
    for _ in range(2):
        RoutineFactory(studio=world.studio, client=rosa, created_by=world.bob.user)
    assert dashboard.todo_for(world.studio, world.bob).consent_to_resign.items == [rosa]
