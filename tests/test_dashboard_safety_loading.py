"""The dashboard's safety list as it loads what it checks (routines/dashboard/todo.py): each
routine's own steps, only clients whose to-dos are the person's, and sessions by what a line
shows."""

from django.utils import timezone

from clients.models import Client
from routines.dashboard import todo as dashboard
from routines.models import Routine
from tests.factories import (
    ClientFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
    library_pose,
)


def _tailored(world, client, *slugs, **kwargs) -> Routine:
    routine = RoutineFactory(studio=world.studio, client=client, **kwargs)
    for position, slug in enumerate(slugs, start=1):
        RoutineStepFactory(routine=routine, position=position, pose=library_pose(slug))
    return routine


def test_each_routine_is_checked_on_its_own_steps(world):
    rosa = ClientFactory(studio=world.studio, preferred_name="Rosa")
    rosa.care_team.add(world.bob)
    PrecautionFactory(client=rosa, end_date=None)
    # Happy baby bends the hip past ninety degrees; standing in mountain pose does not.
    conflicting = _tailored(world, rosa, "mountain-pose", "happy-baby", title="With happy baby")
    _tailored(world, rosa, "mountain-pose", title="Standing only")
    for membership in (world.alice, world.bob):
        conflicts = dashboard.safety_conflicts(world.studio, membership)
        assert conflicts.items == [conflicting]
        assert conflicts.items[0].unresolved_conflicts >= 1


def test_routines_of_archived_clients_are_not_to_dos(world):
    ruth = ClientFactory(studio=world.studio, status=Client.Status.ARCHIVED)
    ruth.care_team.add(world.bob)
    PrecautionFactory(client=ruth, end_date=None)
    _tailored(world, ruth, "happy-baby", created_by=world.bob.user)
    for membership in (world.alice, world.bob):
        assert dashboard.safety_conflicts(world.studio, membership).items == []


def test_an_instructor_is_not_given_routines_of_clients_who_are_not_hers(world):
    mine = ClientFactory(studio=world.studio, preferred_name="Mine")
    mine.care_team.add(world.bob)
    theirs = ClientFactory(studio=world.studio, preferred_name="Theirs")
    for client in (mine, theirs):
        PrecautionFactory(client=client, end_date=None)
    # Built by Alice for Bob's client: his to check all the same.
    for_mine = _tailored(world, mine, "happy-baby", created_by=world.alice.user)
    for_theirs = _tailored(world, theirs, "happy-baby", created_by=world.alice.user)
    assert dashboard.safety_conflicts(world.studio, world.bob).items == [for_mine]
    owner = dashboard.safety_conflicts(world.studio, world.alice).items
    assert set(owner) == {for_mine, for_theirs}


def test_a_session_line_names_its_clients_without_loading_its_teacher(
    world, django_assert_num_queries
):
    rosa = ClientFactory(studio=world.studio, preferred_name="Rosa")
    SessionFactory(studio=world.studio, teacher=world.bob, clients=[rosa], starts_at=timezone.now())
    today = dashboard.todo_for(world.studio, world.bob).today
    # What the line shows is loaded: its time, place, clients and links need no query.
    with django_assert_num_queries(0):
        session = today.items[0]
        assert [client.preferred_name for client in session.clients.all()] == ["Rosa"]
        assert session.studio == world.studio and session.get_place_display()
        assert session.starts_at and not session.is_held


def test_a_full_list_is_found_in_the_first_round_and_a_quiet_one_costs_one_more(
    world, django_assert_num_queries
):
    """Routines are checked newest first, in two rounds that each load only their own: one
    query for the routines, then four a round (steps, poses, precautions, triggers)."""
    rosa = ClientFactory(studio=world.studio, preferred_name="Rosa")
    PrecautionFactory(client=rosa, end_date=None)
    for _ in range(dashboard.SAFETY_FIRST_ROUND + 2):
        _tailored(world, rosa, "mountain-pose")
    with django_assert_num_queries(1 + 4 + 4):
        quiet = dashboard.safety_conflicts(world.studio, world.alice)
    assert quiet.items == [] and not quiet.more
    for _ in range(dashboard.SAFETY_FIRST_ROUND):
        _tailored(world, rosa, "happy-baby")
    with django_assert_num_queries(1 + 4):
        busy = dashboard.safety_conflicts(world.studio, world.alice)
    assert len(busy.items) == dashboard.LIST_SIZE and busy.more
