"""The builder under its strict Content-Security-Policy: a drag and a one-click fix leave no
policy violation and no console error behind."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import drag_step_to_the_top, sign_in
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.browser
# Registered before any page script runs, so no violation goes unseen.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.sample || event.blockedURI}`);
});
"""


def test_a_drag_a_one_click_fix_and_other_edits_log_no_policy_violation(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    rosa = ClientFactory(studio=instructor.studio, preferred_name="Rosa")
    PrecautionFactory(client=rosa, end_date=timezone.localdate() + timedelta(weeks=8))
    routine = RoutineFactory(studio=instructor.studio, client=rosa, title="Steady hips")
    for position, slug in enumerate(["knees-to-chest", "belly-breathing"], 1):
        RoutineStepFactory(routine=routine, position=position, pose=library_pose(slug))
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, instructor.user.email)
    page.goto(routine.get_absolute_url())
    expect(page.locator("#safety-summary")).to_contain_text("1 conflict")

    drag_step_to_the_top(page, -1)
    expect(page.locator("#steps .step-head strong").first).to_have_text("1. Belly breathing")

    step = page.locator("#steps .step", has_text="Knees to chest")
    step.get_by_text("Why, and what might help").click()
    step.get_by_role("button", name=re.compile(r"Choose “Calves resting on a chair”")).click()
    expect(page.locator("#safety-summary")).to_contain_text("0 conflicts")
    # The rest of a day in the builder: add from the picker, open an editor, move a step.
    page.get_by_label("Search the library by any name").fill("belly")
    page.get_by_role("button", name="Add Belly breathing", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("3 steps")
    page.locator("#steps .step").first.get_by_text("Edit step").click()
    expect(page.get_by_role("button", name="Save step")).to_be_visible()
    page.get_by_role("button", name="Move Belly breathing down").first.click()
    expect(page.locator("#steps .step-head strong").first).not_to_have_text("1. Belly breathing")
    # Past htmx's settle (20 ms) and SortableJS's animation (150 ms).
    page.wait_for_timeout(500)

    assert page.evaluate("window.cspViolations") == []
    assert errors == []
