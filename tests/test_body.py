"""The body model (routines/builder/body.py): what each library figure does to each joint."""

import pytest

from routines.builder.body import MIDLINE_ADDUCTION, Place, derive_uncached, shapes_of, step_shapes
from routines.library.figures import POSITION_FIGURES
from routines.library.vocabulary import Sides
from tests.clinical_library import LIBRARY, modification_named, pose_named


def _shape(slug, modification="", sides=Sides.NOT_APPLICABLE):
    pose = pose_named(slug)
    return step_shapes(pose, modification_named(pose, modification), sides)[0][1]


@pytest.mark.parametrize(
    ("slug", "modification", "place"),
    [
        ("childs-pose", "", Place.KNEELING),
        ("knees-to-chest", "", Place.SUPINE),
        ("half-frog", "", Place.PRONE),
        ("side-lying-clamshell", "", Place.SIDE_LYING),
        ("butterfly", "", Place.SEATED_FLOOR),
        ("chair-forward-hinge", "", Place.SEATED_CHAIR),
        ("mountain-pose", "", Place.STANDING),
        ("supported-bridge", "", Place.SUPINE),
        ("reclined-twist", "", Place.SUPINE),
        ("low-lunge", "standing-lunge", Place.STANDING),
    ],
)
def test_the_position_is_read_from_the_body(slug, modification, place):
    sides = Sides.RIGHT if pose_named(slug).both_sides else Sides.NOT_APPLICABLE
    assert _shape(slug, modification, sides).place == place


def test_a_chair_bends_the_hips_to_about_90_and_a_knee_hug_past_110():
    chair = _shape("mountain-pose", "seated-mountain")
    assert all(85 <= leg.hip.flexion <= 95 for leg in chair.legs.values())
    hug = _shape("knees-to-chest")
    assert all(leg.hip.flexion > 110 for leg in hug.legs.values())
    assert all(leg.knee.flexion > 110 and not leg.knee.bears_weight for leg in hug.legs.values())


def test_a_side_is_the_mirror_of_the_other():
    pose = pose_named("reclined-figure-four")
    (_, right), (_, left) = step_shapes(pose, None, Sides.BOTH)
    assert right.legs["left"] == left.legs["right"]
    # On the right, the right ankle crosses (turned out) and the left thigh is drawn in.
    assert right.legs["right"].hip.rotation > 45
    assert right.legs["left"].hip.flexion > 90


def test_a_reclined_twist_lays_the_other_leg_across_and_turned_in():
    twist = _shape("reclined-twist", sides=Sides.RIGHT)
    top = twist.legs["left"]
    assert top.hip.adduction >= MIDLINE_ADDUCTION and top.hip.internal_rotation > 10
    assert abs(twist.spine.twist) > 45


def test_kneeling_loads_the_back_knee_of_a_lunge_only():
    lunge = _shape("low-lunge", sides=Sides.RIGHT)
    assert lunge.legs["left"].knee.kneels and lunge.legs["left"].behind
    assert not lunge.legs["right"].knee.kneels


def test_head_position_and_support_are_derived():
    childs = _shape("childs-pose")
    assert childs.forehead_down and childs.head_below_heart and childs.folded_forward
    assert not _shape("childs-pose", "forehead-on-block-eyes-open").forehead_down
    assert _shape("chair-forward-hinge", "pillow-on-lap").supported
    assert not _shape("mountain-pose").supported
    assert _shape("supported-wide-legged-forward-fold", "head-lower").hips_above_heart


def test_a_leg_lifted_against_gravity_is_active_and_a_resting_one_is_not():
    clamshell = step_shapes(pose_named("side-lying-clamshell"), None, Sides.LEFT)
    assert any(shape.legs["left"].lifts_out for _, shape in clamshell)
    figure_four = _shape("reclined-figure-four", sides=Sides.RIGHT)
    assert not figure_four.legs["right"].active  # the ankle rests on the other thigh
    butterfly = _shape("reclined-butterfly")
    assert not any(leg.lifts_out for leg in butterfly.legs.values())  # knees fall open


def test_a_pose_that_moves_between_two_shapes_is_both():
    assert len(shapes_of(pose_named("cat-cow").figure)) == 2


def test_marks_angles_cannot_carry_come_from_the_words_a_version_keeps():
    assert "eyes_closed_or_forehead_down" in _shape("childs-pose").marks
    assert (
        "eyes_closed_or_forehead_down"
        not in _shape("childs-pose", "forehead-on-block-eyes-open").marks
    )


def test_every_library_shape_and_every_position_figure_derives():
    for pose in LIBRARY:
        for modification in [None, *pose.library_modifications]:
            figure = modification.figure if modification else pose.figure
            assert derive_uncached(figure)
    for figure in POSITION_FIGURES.values():
        assert derive_uncached(figure)
