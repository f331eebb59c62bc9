"""The player on a phone (390 x 844): the whole step reads in one scroll, figure, words, then
the timer; key hints show only where there is a keyboard."""

import pytest
from playwright.sync_api import expect

from routines.paper import practice_link_services as services
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}

# Every element that scrolls on its own, inside the page: there should be none.
NESTED_SCROLLERS = """() => [...document.querySelectorAll("body *")].filter((el) => {
  const style = getComputedStyle(el);
  return /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
}).map((el) => el.tagName + "." + el.className)"""


@pytest.fixture
def practice_path(db):
    teacher = MembershipFactory(role="instructor", studio__name="Cedar Room")
    client = ClientFactory(studio=teacher.studio, preferred_name="Rosa")
    routine = RoutineFactory(studio=teacher.studio, client=client, title="Rosa's practice")
    pose = library_pose("knees-to-chest")
    RoutineStepFactory(
        routine=routine,
        position=1,
        pose=pose,
        modification=pose.modifications.get(slug="calves-on-chair"),
        hold_breaths=None,
        hold_seconds=30,
    )
    RoutineStepFactory(routine=routine, position=2, pose=library_pose("reclined-figure-four"))
    link = services.practice_link_enable(routine=routine, by=teacher.user)
    return f"/p/{link.token()}/"


def _open(browser, live_server, practice_path, device: dict):
    context = browser.new_context(base_url=live_server.url, **device)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.goto(practice_path)
    return context, page


def test_a_phone_shows_the_whole_step_then_the_timer_in_one_scroll(
    browser, live_server, practice_path
):
    context, page = _open(browser, live_server, practice_path, PHONE)
    try:
        expect(page.get_by_text("Keys: R to rest")).to_be_hidden()
        page.get_by_role("button", name="Start").click()
        step = page.locator(".player-step.current")
        # The version is the step: its own name, the pose named only as what it varies.
        expect(step.get_by_role("heading", name="Calves resting on a chair")).to_be_visible()
        expect(step.get_by_text("A version of Knees to chest")).to_be_visible()
        figure = step.locator(".player-figure").bounding_box()
        words = step.locator(".instructions li").last.bounding_box()
        heading = step.get_by_role("heading").bounding_box()
        timer = page.locator("#timer").bounding_box()
        assert figure["y"] + figure["height"] <= heading["y"] + 1
        assert words["y"] + words["height"] <= timer["y"]
        assert figure["height"] <= 0.4 * 844
        assert page.evaluate(NESTED_SCROLLERS) == []
        # Readable: the step's words at least 16 px, and nothing wider than the screen.
        size = step.locator(".instructions li").first.evaluate(
            "(el) => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert size >= 16
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for name in ("Rest", "Skip", "Stop here"):
            button = page.get_by_role("button", name=name, exact=True)
            button.scroll_into_view_if_needed()
            expect(button).to_be_visible()
            assert button.bounding_box()["x"] + button.bounding_box()["width"] <= 390
    finally:
        context.close()


def test_a_laptop_shows_the_key_hints(browser, live_server, practice_path):
    context, page = _open(browser, live_server, practice_path, LAPTOP)
    try:
        expect(page.get_by_text("Keys: R to rest")).to_be_visible()
    finally:
        context.close()
