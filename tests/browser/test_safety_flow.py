"""The safety checker in a real browser: build for Rosa, see the conflict, fix it with one
click, see the badge go, and print the handout without being asked to confirm."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.browser


def test_build_for_rosa_fix_the_conflict_with_one_click_and_print(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    rosa = ClientFactory(studio=instructor.studio, preferred_name="Rosa")
    PrecautionFactory(client=rosa, end_date=timezone.localdate() + timedelta(weeks=8))
    routine = RoutineFactory(studio=instructor.studio, client=rosa, title="Steady hips")
    sign_in(page, instructor.user.email)
    page.goto(routine.get_absolute_url())
    expect(page.locator("#safety-summary")).to_contain_text("Safety check for Rosa: 0 conflicts")

    # The picker hides what does not suit Rosa until the filter is turned off.
    page.get_by_label("Search the library by any name").fill("knees to chest")
    expect(page.locator("#picker-results")).not_to_contain_text("Knees to chest")
    page.get_by_label(re.compile(r"Suits Rosa")).uncheck()
    expect(page.locator("#picker-results")).to_contain_text("Conflicts for Rosa")
    page.get_by_role("button", name="Add Knees to chest", exact=True).click()

    step = page.locator("#steps .step").first
    expect(step.locator(".safety-conflict")).to_have_text(re.compile(r"1 conflict"))
    expect(page.locator("#safety-summary")).to_contain_text("1 conflict")
    step.get_by_text("Why, and what might help").click()
    # The reason names the joint, its angle as drawn and Rosa's limit, with her surgeon's note.
    expect(step).to_contain_text(
        "Knees to chest bends the left hip to about 115°; Rosa's limit is 90° of flexion, "
        "left hip, set by the surgeon"
    )
    expect(step).to_contain_text("Precaution note: “Surgeon's rule: no bending past a right")
    step.get_by_role("button", name=re.compile(r"Choose “Calves resting on a chair”")).click()

    expect(page.locator("#steps .step").first.locator(".safety-conflict")).to_have_count(0)
    expect(page.locator("#safety-summary")).to_contain_text("Safety check for Rosa: 0 conflicts")
    expect(page.locator("#steps .step").first).to_contain_text("Calves resting on a chair")

    page.get_by_role("button", name="Print", exact=True).click()
    expect(page.locator(".print-safety")).to_contain_text("0 conflicts")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the client handout (PDF)", exact=True).click()
    assert download.value.suggested_filename == "steady-hips.pdf"


def test_a_surgeons_own_limit_is_shown_beside_the_advisory_it_causes(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    rosa = ClientFactory(studio=instructor.studio, preferred_name="Rosa")
    PrecautionFactory(client=rosa, hip_flexion_limit="45", note="Surgeon's letter, 3 Dec")
    routine = RoutineFactory(studio=instructor.studio, client=rosa, title="Steady hips")
    RoutineStepFactory(routine=routine, position=1, pose=library_pose("mountain-pose"))
    mountain = routine.steps.get()
    mountain.modification = mountain.pose.modifications.get(slug="seated-mountain")
    mountain.save()
    sign_in(page, instructor.user.email)
    page.goto(routine.get_absolute_url())
    step = page.locator("#steps .step").first
    expect(step.locator(".safety-conflict")).to_have_text(re.compile(r"1 conflict"))
    step.get_by_text("Why, and what might help").click()
    expect(step).to_contain_text(
        "Mountain pose, “Seated on a chair”, bends the left hip to about 90°; Rosa's own limit "
        "is 45° of flexion, left hip, set by the surgeon"
    )
    expect(step.locator(".advisory-limit")).to_have_text(
        "Own limit for this client: 45° of hip flexion, set by the surgeon."
    )
    expect(step.locator(".advisory-note")).to_contain_text("Surgeon's letter, 3 Dec")
