"""Figures and the client's own overview, props and log on printed handouts."""

import re

import pytest

from routines.library.figures.svg import ARROW, FLOOR
from routines.paper import handouts
from routines.paper.handouts import PrintOptions
from tests.factories import RoutineFactory, RoutineStepFactory, library_pose


@pytest.fixture
def routine(world):
    routine = RoutineFactory(studio=world.studio, title="Evening", created_by=world.bob.user)
    steps = [
        ("belly-breathing", None),
        ("knees-to-chest", None),
        ("reclined-figure-four", None),
        ("childs-pose", "forehead-on-block-eyes-open"),
        ("cat-cow", None),
    ]
    for position, (slug, version) in enumerate(steps, start=1):
        pose = library_pose(slug)
        modification = pose.modifications.get(slug=version) if version else None
        RoutineStepFactory(routine=routine, position=position, pose=pose, modification=modification)
    return routine


def _html(routine, **options) -> str:
    return handouts.handout_html(routine, PrintOptions(**options), None)


def test_every_step_has_its_figure_and_the_chosen_version_its_own(routine):
    html = _html(routine)
    titles = re.findall(r"<title>([^<]*)</title>", html)
    for name in ["Belly breathing", "Knees to chest", "Reclined figure four", "Cat-cow"]:
        assert name in titles
    assert "Child's pose: Forehead on a block, eyes open" in titles
    # The svg carries its own colours: WeasyPrint ignores page CSS inside inline SVG.
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_the_overview_groups_steps_by_position_and_lists_what_to_gather(routine):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _html(routine)))
    assert "Step 1: sitting on a chair" in text
    assert "Steps 2\u20133: lying on your back" in text
    assert "Steps 4\u20135: kneeling or on hands and knees" in text
    assert "What you\u2019ll need: a mat or a soft rug, block, chair." in text
    assert "5 steps, about" in text


def test_the_practice_log_is_on_by_default_and_can_be_left_out(routine):
    assert _html(routine).count('class="box"') == 14
    assert "practice log" not in _html(routine, practice_log=False).lower()


def test_without_pictures_there_are_no_figures(routine):
    assert "<svg" not in _html(routine, illustrations=False)


def test_the_teacher_sheet_shows_a_small_figure_per_step(routine):
    html = handouts.teacher_sheet_html(routine, PrintOptions(), None)
    assert html.count("<svg") == 5


def test_print_options_read_the_log_choice_from_the_query():
    assert PrintOptions.from_query({}).practice_log
    assert not PrintOptions.from_query({"log": "0"}).practice_log


def test_a_moving_pose_prints_its_start_and_end_shapes_side_by_side(routine):
    html = _html(routine)
    cat_cow = html.split("<title>Cat-cow</title>", 1)[1].split("</svg>", 1)[0]
    # Two shapes: two floor lines, and the double-headed arrow between them.
    assert cat_cow.count(f'stroke="{FLOOR}"') == 2
    assert f'stroke="{ARROW}"' in cat_cow
    assert '<div class="step-figure wide"><svg' in html
    # A still pose is one shape.
    knees = html.split("<title>Knees to chest</title>", 1)[1].split("</svg>", 1)[0]
    assert knees.count(f'stroke="{FLOOR}"') == 1
