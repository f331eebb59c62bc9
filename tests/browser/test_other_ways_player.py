"""Another way to do a step, chosen mid-practice from the keyboard or by a tap: the step's
place on screen changes, the timer carries on."""

from datetime import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from routines.builder.other_ways import routine_other_ways
from tests.browser.conftest import sign_in
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.browser


def test_the_keyboard_and_a_tap_switch_the_way_while_the_timer_carries_on(page: Page):
    teacher = MembershipFactory(role="instructor", studio__name="Cedar Room")
    client = ClientFactory(studio=teacher.studio, preferred_name="Rosa")
    routine = RoutineFactory(studio=teacher.studio, client=client, title="Rosa's practice")
    step = RoutineStepFactory(
        routine=routine,
        position=1,
        pose=library_pose("reclined-figure-four"),
        hold_breaths=None,
        hold_seconds=30,
        sides="right",
    )
    ways = routine_other_ways(routine, [step])[step.pk]
    names = [(way.modification or way.pose).name for way in ways]
    assert len(names) == 2

    sign_in(page, teacher.user.email)
    # The page's clock stands still but for run_for: a busy machine cannot move the timer.
    page.clock.install(time=datetime(2026, 12, 3, 9, 0))
    page.goto(reverse("routine_player", args=[teacher.studio.code, routine.code]))
    page.clock.pause_at(datetime(2026, 12, 3, 9, 1))
    # Before Start (and without JavaScript) the other ways are listed under the step.
    expect(page.get_by_text("Other ways to do this, if you like")).to_be_visible()
    expect(page.get_by_role("heading", name=names[0])).to_be_visible()
    page.get_by_role("button", name="Start").click()

    main = page.get_by_role("heading", name="Reclined figure four", exact=True)
    expect(main).to_be_visible()
    expect(page.get_by_role("heading", name=names[0])).to_be_hidden()
    expect(page.locator("#timer")).to_have_text("0:30 left")
    page.clock.run_for(5_000)
    expect(page.locator("#timer")).to_have_text("0:25 left")

    # W: the first other way takes the step's place; the clock goes on.
    page.keyboard.press("w")
    expect(page.get_by_role("heading", name=names[0])).to_be_visible()
    expect(main).to_be_hidden()
    page.clock.run_for(5_000)
    # (Said after a moment, so the same words twice are read out again: the clock's moment.)
    expect(page.locator("#announce")).to_have_text(f"Another way: {names[0]}.")
    expect(page.locator("#timer")).to_have_text("0:20 left")

    page.keyboard.press("w")
    expect(page.get_by_role("heading", name=names[1])).to_be_visible()
    expect(page.get_by_role("heading", name=names[0])).to_be_hidden()
    page.keyboard.press("w")
    expect(main).to_be_visible()
    expect(page.get_by_role("heading", name=names[1])).to_be_hidden()

    # A tap on a way's name does the same.
    button = page.get_by_role("button", name=names[1])
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("heading", name=names[1])).to_be_visible()
    page.clock.run_for(5_000)
    expect(page.locator("#timer")).to_have_text("0:15 left")
