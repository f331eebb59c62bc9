"""Figures are physically possible: declared contacts touch, nothing sinks or floats.

`routines/library/figures/plausible.py` measures each shape on the same posed body and placed props
the drawing uses. Every library figure is checked.
"""

import pytest

from routines.library.figures import POSITION_FIGURES, figure_svg
from routines.library.figures.plausible import figure_faults, placed, prop_faults, props_named
from routines.library.loader import library_figures, read_library
from routines.library.vocabulary import Position

DATA = read_library()
FIGURES = library_figures(DATA)
MODIFICATIONS = {(p["slug"], m["slug"]): m for p in DATA["poses"] for m in p["modifications"]}

# Versions drawn exactly like their pose, each with why no drawing can show the difference.
# Every other version shows what it changes: a lowered gaze tips the head, a cheek turned
# down shows the face to the side.
SAME_AS_POSE = {
    "longer-exhale-breathing/humming-exhale": "a sound cannot be drawn",
    "grounding-noticing/seeing-only": (
        "which senses the attention rests on cannot be drawn; the eyes are open in both"
    ),
    "resting-stillness/eyes-closed": (
        "closed eyes are not drawn at figure size, and the head lies still on the floor in both"
    ),
}


def _name(key: tuple[str, str]) -> str:
    return f"{key[0]}/{key[1] or 'pose'}"


def _faults(key: tuple[str, str]) -> list[str]:
    faults = figure_faults(FIGURES[key])
    modification = MODIFICATIONS.get(key)
    if modification is not None:
        named = props_named(modification["name"])
        faults += prop_faults(FIGURES[key], named, modification["props"])
    return faults


@pytest.mark.parametrize("key", [pytest.param(key, id=_name(key)) for key in FIGURES])
def test_the_figure_is_physically_possible(key):
    assert _faults(key) == []


def test_every_version_drawn_like_its_pose_is_listed_with_a_reason():
    """Compared as drawn, not as data: a version whose figure differs only in what is not
    drawn (a contact, say) looks the same to the teacher."""
    same = {
        _name(key)
        for key in MODIFICATIONS
        if figure_svg(FIGURES[key], "figure") == figure_svg(FIGURES[(key[0], "")], "figure")
    }
    assert same == set(SAME_AS_POSE)


STANDING = {"view": "side", "contacts": {"feet": "floor"}}


def test_a_standing_figure_on_its_feet_passes():
    assert figure_faults(STANDING) == []


def test_a_declared_contact_that_does_not_touch_is_a_fault():
    faults = figure_faults({**STANDING, "contacts": {"feet": "floor", "hands": "floor"}})
    assert any("right hand on the floor" in fault and "cm apart" in fault for fault in faults)


def test_a_figure_without_contacts_is_a_fault():
    assert figure_faults({"view": "side"}) == ["declares no contacts: what holds the body up?"]


def test_a_lifted_body_with_nothing_under_it_floats():
    faults = figure_faults({**STANDING, "lift": 30})
    assert "nothing it touches is on the floor: the body floats" in faults


def test_a_contact_on_a_prop_that_is_not_drawn_is_a_fault():
    faults = figure_faults({**STANDING, "contacts": {"feet": "block"}})
    assert "right foot on the block: there is no block drawn" in faults


def test_a_body_part_inside_a_prop_is_a_fault():
    block = {"kind": "block", "height": "high", "under": "right_foot", "offset": [20, 0, 0]}
    figure = {**STANDING, "props": [{**block, "offset": [0, 0, 0]}]}
    assert any("inside the block" in fault for fault in figure_faults(figure))


def test_a_leaning_body_held_by_nothing_would_tip():
    faults = figure_faults({**STANDING, "body": {"pitch": 40}})
    assert any("would tip" in fault for fault in faults)


def test_a_prop_in_the_name_must_be_drawn_and_touched():
    figure = {**STANDING, "props": [{"kind": "block", "under": "pelvis", "offset": [60, 0, 0]}]}
    assert prop_faults(figure, {"chair"}) == ["its name says chair but no chair is drawn"]
    assert prop_faults(figure, {"block"}) == ["the block is drawn but nothing rests on it"]
    assert prop_faults(figure, set(), {"block", "blanket"}) == [
        "none of its props (blanket, block) is drawn and touched"
    ]


@pytest.mark.parametrize("position", Position.values)
def test_a_studio_pose_without_a_figure_is_drawn_plausibly_in_every_position(position):
    assert figure_faults(POSITION_FIGURES[position]) == []


# Pigeon folded forward: the front shin lies across under the chest.
PIGEON = {
    "view": "side",
    "body": {"pitch": 55},
    "joints": {
        "spine": {"flex": 2},
        "neck": {"flex": 55},
        "left_hip": {"flex": -30},
        "left_ankle": {"point": 100},
        "right_hip": {"flex": 140, "rotate": 90},
        "right_knee": {"flex": 100},
    },
    "reach": {
        "left_hand": {"to": "pelvis", "offset": [65, -7.3, -20], "bend": [0, -1, -0.3]},
        "right_hand": {"to": "pelvis", "offset": [65, -7.3, 20], "bend": [0, -1, 0.3]},
    },
    "contacts": {"shins": "floor", "hands": "floor", "chest": "bolster", "head": "bolster"},
}


def test_a_bolster_resting_on_the_front_shin_tilts_down_to_the_floor_and_holds_the_chest():
    figure = {**PIGEON, "props": [{"kind": "bolster", "under": "chest", "rests_on": "right_shin"}]}
    (bolster,) = placed(figure).solids
    raised, lowered = bolster.axis
    assert raised[1] > lowered[1] + 10  # its near end lies on the shin...
    assert lowered[1] == pytest.approx(bolster.radius)  # ...its far end on the floor
    assert lowered[0] > raised[0]  # it runs forward, away from the pelvis
    assert figure_faults(figure) == []


def test_the_same_bolster_on_the_floor_goes_through_the_shin():
    figure = {**PIGEON, "props": [{"kind": "bolster", "under": "chest"}]}
    assert any("inside the bolster" in fault for fault in figure_faults(figure))


def test_a_prop_said_to_rest_on_a_part_that_is_not_under_it_is_a_fault():
    figure = {**PIGEON, "props": [{"kind": "bolster", "under": "chest", "rests_on": "right_hand"}]}
    assert "the bolster does not rest on the right hand" in figure_faults(figure)
