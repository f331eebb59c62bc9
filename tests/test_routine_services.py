import pytest

from routines import services
from routines.library.vocabulary import Sides
from routines.models import SECONDS_PER_BREATH, TRANSITION_SECONDS, Routine, estimated_seconds
from routines.services import RoutineConflict
from tests.factories import (
    ModificationFactory,
    PoseFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def routine(world):
    return RoutineFactory(studio=world.studio)


def _poses_in_order(routine: Routine) -> list[str]:
    return [step.pose.slug or step.pose.name for step in routine.steps.select_related("pose")]


def _add(routine, slug, by):
    return services.step_add(routine=routine, pose=library_pose(slug), by=by)


def test_a_new_step_takes_the_pose_defaults_and_goes_last(routine, world):
    _add(routine, "belly-breathing", world.bob.user)
    step = _add(routine, "reclined-figure-four", world.bob.user)
    assert step.position == 2
    assert step.hold_breaths == library_pose("reclined-figure-four").hold_breaths
    assert step.sides == Sides.BOTH  # done on both sides
    assert routine.version == 3


def test_adding_to_a_copy_someone_else_just_changed_still_adds_and_moves_the_version(
    routine, world
):
    # The soak found this: two teachers adding at once, one read the routine before the
    # other's change and got a 500. Adding overwrites nothing, so it must simply go last.
    stale = Routine.objects.get(pk=routine.pk)
    _add(routine, "butterfly", world.bob.user)
    step = services.step_add(routine=stale, pose=library_pose("lizard"), by=world.alice.user)
    routine.refresh_from_db()
    assert step.position == 2
    assert stale.version == routine.version == 3
    assert _poses_in_order(routine) == ["butterfly", "lizard"]


def test_an_edit_based_on_an_old_version_is_refused(routine, world):
    step = _add(routine, "butterfly", world.bob.user)
    seen_by_alice = routine.version
    services.step_update(
        step=step, expected_version=seen_by_alice, by=world.bob.user, cue="Bob's cue"
    )
    with pytest.raises(RoutineConflict):
        services.step_update(
            step=step, expected_version=seen_by_alice, by=world.alice.user, cue="Alice's cue"
        )
    step.refresh_from_db()
    assert step.cue == "Bob's cue"


def test_move_and_reorder_renumber_the_steps(routine, world):
    for slug in ("belly-breathing", "butterfly", "constructive-rest"):
        _add(routine, slug, world.bob.user)
    last = routine.steps.get(position=3)
    services.step_move(step=last, offset=-1, expected_version=routine.version, by=world.bob.user)
    assert _poses_in_order(routine) == ["belly-breathing", "constructive-rest", "butterfly"]
    codes = list(routine.steps.order_by("-position").values_list("code", flat=True))
    services.steps_reorder(
        routine=routine, step_codes=codes, expected_version=routine.version, by=world.bob.user
    )
    assert _poses_in_order(routine) == ["butterfly", "constructive-rest", "belly-breathing"]
    assert list(routine.steps.values_list("position", flat=True)) == [1, 2, 3]


def test_moving_the_first_step_up_changes_nothing(routine, world):
    first = _add(routine, "belly-breathing", world.bob.user)
    _add(routine, "butterfly", world.bob.user)
    services.step_move(step=first, offset=-1, expected_version=routine.version, by=world.bob.user)
    assert _poses_in_order(routine) == ["belly-breathing", "butterfly"]


def test_a_reorder_that_misses_a_new_step_is_a_conflict(routine, world):
    _add(routine, "belly-breathing", world.bob.user)
    stale_codes = list(routine.steps.values_list("code", flat=True))
    version = routine.version
    _add(routine, "butterfly", world.alice.user)
    with pytest.raises(RoutineConflict):
        services.steps_reorder(
            routine=routine, step_codes=stale_codes, expected_version=version, by=world.bob.user
        )


def test_removing_closes_the_gap(routine, world):
    for slug in ("belly-breathing", "butterfly", "constructive-rest"):
        _add(routine, slug, world.bob.user)
    services.step_remove(
        step=routine.steps.get(position=2), expected_version=routine.version, by=world.bob.user
    )
    assert list(routine.steps.values_list("position", flat=True)) == [1, 2]


def test_swap_accepts_only_a_listed_alternative(routine, world):
    step = _add(routine, "childs-pose", world.bob.user)
    alternative = library_pose("childs-pose").alternatives.first()
    services.step_swap(
        step=step, pose=alternative, expected_version=routine.version, by=world.bob.user
    )
    assert step.pose == alternative
    with pytest.raises(ValueError):
        services.step_swap(
            step=step,
            pose=library_pose("warrior-ii"),
            expected_version=routine.version,
            by=world.bob.user,
        )


def test_another_studios_pose_or_modification_cannot_be_attached(routine, world):
    foreign = PoseFactory(studio=world.other_studio)
    with pytest.raises(ValueError):
        services.step_add(routine=routine, pose=foreign, by=world.bob.user)
    step = _add(routine, "butterfly", world.bob.user)
    foreign_modification = ModificationFactory(
        pose=library_pose("butterfly"), studio=world.other_studio
    )
    with pytest.raises(ValueError):
        services.step_update(
            step=step,
            expected_version=routine.version,
            by=world.bob.user,
            modification=foreign_modification,
        )


def test_a_modification_of_another_pose_is_refused(routine, world):
    step = _add(routine, "butterfly", world.bob.user)
    other = library_pose("childs-pose").modifications.first()
    with pytest.raises(ValueError):
        services.step_update(
            step=step, expected_version=routine.version, by=world.bob.user, modification=other
        )


def test_duplicating_copies_every_step(routine, world):
    for slug in ("belly-breathing", "butterfly"):
        _add(routine, slug, world.bob.user)
    copy = services.routine_copy(routine=routine, studio=world.studio, by=world.alice.user)
    assert copy.title == f"{routine.title} (copy)"
    assert _poses_in_order(copy) == _poses_in_order(routine)
    assert copy.created_by == world.alice.user
    with pytest.raises(ValueError):
        services.routine_copy(routine=routine, studio=world.other_studio, by=world.charlie.user)


def test_archive_and_restore(routine, world):
    services.routine_archive(routine=routine, by=world.bob.user)
    assert Routine.objects.for_studio(world.studio).active().count() == 0
    services.routine_restore(routine=routine, by=world.bob.user)
    assert routine.status == Routine.Status.DRAFT


def test_the_estimate_counts_breaths_seconds_and_both_sides(routine):
    steps = [
        RoutineStepFactory.build(hold_breaths=6, hold_seconds=None, sides=Sides.BOTH),
        RoutineStepFactory.build(hold_breaths=None, hold_seconds=120, sides=Sides.NOT_APPLICABLE),
    ]
    expected = 6 * SECONDS_PER_BREATH * 2 + 120 + 2 * TRANSITION_SECONDS
    assert estimated_seconds(steps) == expected


def test_copying_a_library_pose_gives_the_studio_an_editable_version(world):
    butterfly = library_pose("butterfly")
    copy = services.pose_copy(pose=butterfly, studio=world.studio)
    assert copy.studio == world.studio
    assert copy.based_on == butterfly
    assert copy.modifications.count() == butterfly.modifications.count()
    assert set(copy.alternatives.all()) == set(butterfly.alternatives.all())
    assert butterfly.modifications.filter(studio=None).count() == copy.modifications.count()
