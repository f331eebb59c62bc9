"""Pose figures: every pose and modification is drawn, sensibly, as clean and stable SVG."""

import copy
from xml.etree import ElementTree

import pytest

from routines.library.figures import clear_cache, figure_svg, figure_version, shapes_of
from routines.library.loader import library_figures, library_problems, read_library

DATA = read_library()
FIGURES = library_figures(DATA)
SVG = "{http://www.w3.org/2000/svg}"


def test_every_pose_and_every_modification_has_a_figure():
    for pose in DATA["poses"]:
        assert pose["figure"]["view"], pose["slug"]
        for modification in pose["modifications"]:
            assert "figure" in modification, f"{pose['slug']}/{modification['slug']}"
    modifications = sum(len(pose["modifications"]) for pose in DATA["poses"])
    assert len(FIGURES) == len(DATA["poses"]) + modifications


@pytest.mark.parametrize("slug", ["cat-cow", "tabletop-hip-circles", "windshield-wiper-legs"])
def test_poses_that_move_between_two_shapes_have_two_figures(slug):
    assert len(shapes_of(FIGURES[(slug, "")])) == 2


def test_a_modification_that_says_nothing_about_its_shape_is_drawn_like_its_pose():
    humming = ("longer-exhale-breathing", "humming-exhale")
    assert FIGURES[humming] == FIGURES[("longer-exhale-breathing", "")]


def test_a_modification_can_start_from_another_poses_figure():
    assert FIGURES[("childs-pose", "knees-to-chest-lying-down")] == FIGURES[("knees-to-chest", "")]


@pytest.mark.parametrize(("key", "figure"), list(FIGURES.items())[::7], ids=str)
def test_the_svg_is_well_formed_titled_sized_and_uses_presentation_attributes_only(key, figure):
    svg = figure_svg(figure, "Child's pose & <friends>")
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)
    assert root.tag == f"{SVG}svg"
    assert int(root.get("width")) > 0 and int(root.get("height")) > 0
    title = root[0]
    assert title.tag == f"{SVG}title" and title.text == "Child's pose & <friends>"
    for element in root.iter():
        assert element.tag != f"{SVG}style"
        assert "style" not in element.attrib and "class" not in element.attrib


def test_figures_are_deterministic():
    figure = FIGURES[("cat-cow", "")]
    first = figure_svg(figure, "Cat-cow")
    clear_cache()
    assert figure_svg(copy.deepcopy(figure), "Cat-cow") == first
    assert figure_version(figure) == figure_version(copy.deepcopy(figure))


def test_a_different_figure_draws_differently_and_has_another_version():
    figure = FIGURES[("butterfly", "")]
    changed = {**figure, "joints": {**figure["joints"], "knees": {"flex": 90}}}
    assert figure_svg(changed, "Butterfly") != figure_svg(figure, "Butterfly")
    assert figure_version(changed) != figure_version(figure)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"joints": {"hips": {"flex": 400}}}, "400"),
        ({"joints": {"tail": {"flex": 10}}}, "tail"),
        ({"view": "sideways"}, "sideways"),
        ({"props": [{"kind": "strap", "from": "left_hand"}]}, "'to' is a required property"),
        ({"props": [{"kind": "block", "under": "left_elbow", "height": "tall"}]}, "tall"),
    ],
)
def test_the_schema_refuses_a_malformed_figure(change, complaint):
    data = copy.deepcopy(DATA)
    data["poses"][0]["figure"].update(change)
    problems = library_problems(data)
    assert any(complaint in problem for problem in problems), problems


def test_a_modification_figure_must_start_from_a_real_pose():
    data = copy.deepcopy(DATA)
    data["poses"][0]["modifications"][0]["figure"] = {"base": "no-such-pose"}
    assert any("no-such-pose" in problem for problem in library_problems(data))
