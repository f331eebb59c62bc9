"""The safety checker in a real browser: build for Rosa, see the conflict, fix it with one
click, see the badge go, and print the handout without being asked to confirm."""

import contextlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Error, Page, Route, expect

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
    expect(page.locator("#picker-results")).to_contain_text("Knees to chest is hidden")
    expect(page.get_by_role("button", name="Add Knees to chest", exact=True)).to_have_count(0)
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


def _rosa_routine():
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    rosa = ClientFactory(studio=instructor.studio, preferred_name="Rosa")
    PrecautionFactory(client=rosa, end_date=timezone.localdate() + timedelta(weeks=8))
    routine = RoutineFactory(studio=instructor.studio, client=rosa, title="Steady hips")
    return instructor, routine


def test_the_picker_says_what_it_hid_and_shows_it_with_one_click(page: Page):
    instructor, routine = _rosa_routine()
    sign_in(page, instructor.user.email)
    page.goto(routine.get_absolute_url())
    page.get_by_label("Search the library by any name").fill("happy baby")
    results = page.locator("#picker-results")
    expect(results).to_contain_text("Happy baby is hidden: it conflicts with Rosa's precautions.")
    expect(results).not_to_contain_text("No poses match")

    results.get_by_role("link", name="Show it").click()
    expect(page.get_by_role("button", name="Add Happy baby", exact=True)).to_be_visible()
    expect(results).to_contain_text("Conflicts for Rosa")
    # The switch says what the list shows: the filter is off now.
    expect(page.get_by_label(re.compile(r"Suits Rosa"))).not_to_be_checked()


def test_a_slow_earlier_answer_never_replaces_the_list_for_the_form_as_it_is_now(page: Page):
    """The page's first fill-in and the typed search are held back (a slow connection) until
    the teacher has also unticked "Suits Rosa"; when they arrive late, the list still answers
    the form as it is now: the search, with the filter off."""
    instructor, routine = _rosa_routine()
    held: list[Route] = []

    def hold_until_later(route: Route) -> None:
        if len(held) < 2:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/picker/"), hold_until_later)
    sign_in(page, instructor.user.email)
    page.goto(routine.get_absolute_url())
    page.get_by_label("Search the library by any name").fill("knees to chest")
    # Both held: the page's own fill-in, then the search (after the typing pause).
    for _ in range(200):
        if len(held) == 2:
            break
        page.wait_for_timeout(50)
    assert len(held) == 2, "the picker sent fewer requests than expected"
    assert "q=knees" in held[1].request.url

    page.get_by_label(re.compile(r"Suits Rosa")).uncheck()
    results = page.locator("#picker-results")
    expect(page.get_by_role("button", name="Add Knees to chest", exact=True)).to_be_visible()

    # The slow answers arrive now; the browser has dropped them, or they must not land.
    for route in held:
        # A request the newer one aborted cannot be continued: that is the point.
        with contextlib.suppress(Error):
            route.continue_()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name="Add Knees to chest", exact=True)).to_be_visible()
    expect(results).to_contain_text("Conflicts for Rosa")
    expect(results).not_to_contain_text("is hidden")


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
