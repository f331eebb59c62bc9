""" "Other ways to do this" on paper: beside each step of a tailored handout, never ranked, every
one passed by the checker; an eight-step A4 handout grows by one page at most; the teacher
sheet lists what was offered."""

import pytest
from django.urls import reverse

from clients.demo import seed_clients
from routines.builder.advisories import routine_intake
from routines.builder.other_ways import routine_other_ways
from routines.builder.safety import check_shape
from routines.models import Routine
from routines.paper import handouts
from routines.paper.handouts import PrintOptions
from tests.test_handout_pages import EIGHT_STEPS, _check_pages, _printed, eight  # noqa: F401
from tests.test_other_ways import RANKING

pytestmark = pytest.mark.django_db
LABEL = "Other ways to do step "


@pytest.fixture
def tailored(world, eight) -> Routine:  # noqa: F811
    """The eight steps, tailored for the demo's Rosa (a hip replacement and a trigger)."""
    seed_clients(world.studio, world.alice, world.bob)
    eight.client = world.studio.clients.get(preferred_name="Rosa")
    eight.save()
    return eight


def _pages(routine: Routine, paper: str = "A4", large: bool = False) -> int:
    return len(_printed(routine, paper, large).pages)


def test_every_step_of_a_tailored_handout_offers_ways_that_pass_the_check(tailored):
    html = handouts.handout_html(tailored, PrintOptions(), None)
    steps = list(tailored.steps.select_related("pose", "modification"))
    ways = routine_other_ways(tailored, steps)
    intake = routine_intake(tailored)
    offered = [way for step in steps for way in ways[step.pk]]
    assert len(offered) >= len(steps)
    for way in offered:
        found = check_shape(intake, pose=way.pose, modification=way.modification, sides=way.sides)
        assert found == [], [a.reason for a in found]
    assert html.count(LABEL) == sum(1 for step in steps if ways[step.pk])
    for way in offered:
        assert (way.modification or way.pose).name in html


def test_the_printed_ways_are_labelled_without_ranking(tailored):
    html = handouts.handout_html(tailored, PrintOptions(), None)
    for block in html.split('class="other-ways"')[1:]:
        words = block.split("</div>", 1)[0]
        assert not RANKING.search(words), RANKING.search(words)


def test_a_routine_for_no_one_or_with_ways_turned_off_prints_none(eight, tailored):  # noqa: F811
    tailored.offer_other_ways = False
    tailored.save()
    assert LABEL not in handouts.handout_html(tailored, PrintOptions(), None)
    tailored.offer_other_ways, tailored.client = True, None
    tailored.save()
    assert LABEL not in handouts.handout_html(tailored, PrintOptions(), None)


@pytest.mark.parametrize(("paper", "large"), [("A4", False), ("Letter", True)])
def test_with_other_ways_every_step_stays_whole_and_every_page_full_enough(tailored, paper, large):
    _check_pages(tailored, _printed(tailored, paper, large))


def test_an_eight_step_a4_handout_grows_by_one_page_at_most(tailored):
    with_ways = _pages(tailored)
    tailored.offer_other_ways = False
    tailored.save()
    without = _pages(tailored)
    assert with_ways <= without + 1, (without, with_ways)


def test_the_teacher_sheet_lists_what_was_offered(tailored):
    html = handouts.teacher_sheet_html(tailored, PrintOptions(), None)
    steps = list(tailored.steps.select_related("pose", "modification"))
    ways = routine_other_ways(tailored, steps)
    assert html.count("Other ways offered on the client's sheet") == sum(
        1 for step in steps if ways[step.pk]
    )
    for step in steps:
        for way in ways[step.pk]:
            assert (way.modification or way.pose).name in html


def test_the_print_page_names_the_ways_and_leaves_their_figures_to_the_paper(world, tailored):
    """Sixteen more figures would push the print page past its 200 KB budget (make bench)."""
    page = world.client_for(world.alice).get(
        reverse("routine_print", args=[world.studio.code, tailored.code])
    )
    html = page.text
    assert page.status_code == 200
    assert html.count(LABEL) == handouts.handout_html(tailored, PrintOptions(), None).count(LABEL)
    assert 'class="way-figure"' not in html
    assert 'class="way-figure"' in handouts.handout_html(tailored, PrintOptions(), None)
    assert len(page.content) < 200 * 1024
