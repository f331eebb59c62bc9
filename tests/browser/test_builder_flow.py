"""Building a routine in a real browser: add poses from the picker, drag to reorder, duplicate,
save details between changes without a false conflict, move steps by keyboard."""

import re

import pytest
from playwright.sync_api import Page, expect

from routines.models import Routine
from tests.browser.conftest import drag_step_to_the_top, sign_in, wait_for_htmx_to_settle
from tests.factories import (
    MembershipFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.browser


def _add_from_picker(page: Page, search: str, pose_name: str, expected_steps: int) -> None:
    page.get_by_label("Search the library by any name").fill(search)
    page.get_by_role("button", name=f"Add {pose_name}", exact=True).click()
    expect(page.locator("#step-count")).to_have_text(
        f"{expected_steps} step" + "s" * (expected_steps > 1)
    )


def _saved_order(routine: Routine) -> list[str]:
    return list(routine.steps.values_list("pose__name", flat=True))


def test_an_instructor_builds_a_routine_and_reorders_it_by_dragging(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    sign_in(page, instructor.user.email)

    page.get_by_role("link", name="Routines").first.click()
    page.get_by_role("button", name="New routine").click()
    page.get_by_label("Title").fill("Morning hips for Jo")
    page.get_by_role("button", name="Create routine").click()
    expect(page.get_by_role("heading", name="Morning hips for Jo")).to_be_visible()

    _add_from_picker(page, "baddha konasana", "Butterfly", 1)  # found by its Sanskrit name
    _add_from_picker(page, "balasana", "Child's pose", 2)
    _add_from_picker(page, "belly", "Belly breathing", 3)
    routine = Routine.objects.get(title="Morning hips for Jo")
    assert _saved_order(routine) == ["Butterfly", "Child's pose", "Belly breathing"]

    # Drag the breath practice (last) above the first step, by its handle.
    drag_step_to_the_top(page, 2)
    expect(page.locator("#steps .step-head strong").first).to_have_text("1. Belly breathing")
    assert _saved_order(routine) == ["Belly breathing", "Butterfly", "Child's pose"]

    # The keyboard-friendly way: the move buttons do the same.
    page.get_by_role("button", name="Move Butterfly down").click()
    expect(page.locator("#steps .step-head strong").nth(2)).to_have_text("3. Butterfly")
    assert _saved_order(routine) == ["Belly breathing", "Child's pose", "Butterfly"]

    page.get_by_role("button", name="Duplicate").click()
    expect(page.get_by_role("heading", name="Morning hips for Jo (copy)")).to_be_visible()
    copy = Routine.objects.get(title="Morning hips for Jo (copy)")
    assert _saved_order(copy) == _saved_order(routine)


def _open_new_routine(page: Page, title: str) -> None:
    page.get_by_role("link", name="Routines").first.click()
    page.get_by_role("button", name="New routine").click()
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Create routine").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def _save_details(page: Page, **fields: str) -> None:
    page.get_by_text("Routine details: title, intention, notes, status").click()
    for label, value in fields.items():
        field = page.get_by_label(re.compile(rf"^{label}:?$"))
        if label == "Status":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Routine details saved.")).to_be_visible()
    expect(page.get_by_text("Someone else changed this routine")).to_have_count(0)


def test_details_saved_after_building_and_after_editing_a_step_are_not_conflicts(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    sign_in(page, instructor.user.email)
    _open_new_routine(page, "Evening hips")
    _add_from_picker(page, "butterfly", "Butterfly", 1)
    _add_from_picker(page, "balasana", "Child's pose", 2)
    _add_from_picker(page, "belly", "Belly breathing", 3)
    expect(page.get_by_text("version 4")).to_be_visible()  # the heading follows the changes

    _save_details(page, Status="Ready")
    routine = Routine.objects.get(title="Evening hips")
    assert routine.status == Routine.Status.READY

    second = page.locator("#steps .step").nth(1)
    second.get_by_text("Edit step 2, Child's pose").click()
    second.get_by_label("Cue for the client").fill("You might rest your forehead on a block.")
    second.get_by_role("button", name="Save step").click()
    expect(page.locator(".step-cue")).to_have_text("You might rest your forehead on a block.")

    _save_details(page, Intention="Some quiet before sleep.")
    routine.refresh_from_db()
    assert (routine.status, routine.intention) == ("ready", "Some quiet before sleep.")
    step = routine.steps.get(position=2)
    assert step.cue == "You might rest your forehead on a block."


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_the_move_buttons_keep_the_keyboard_focus(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    routine = RoutineFactory(studio=instructor.studio, title="Keyboard hips")
    steps = [
        RoutineStepFactory(routine=routine, position=position, pose=library_pose(slug))
        for position, slug in enumerate(["butterfly", "lizard", "belly-breathing"], 1)
    ]
    butterfly = steps[0].code
    sign_in(page, instructor.user.email)
    page.goto(routine.get_absolute_url())

    # Keyboard only: Tab through the page to the first step's "move down" button.
    for _ in range(60):
        page.keyboard.press("Tab")
        if _focused_id(page) == f"move-down-{butterfly}":
            break
    assert _focused_id(page) == f"move-down-{butterfly}"

    page.keyboard.press("Enter")
    expect(page.locator("#steps .step-head strong").nth(1)).to_have_text("2. Butterfly")
    expect(page.locator(f"#move-down-{butterfly}")).to_be_focused()
    wait_for_htmx_to_settle(page)

    # To the end of the list, where "down" is disabled: the focus moves to "up".
    page.keyboard.press("Enter")
    expect(page.locator("#steps .step-head strong").nth(2)).to_have_text("3. Butterfly")
    expect(page.locator(f"#move-down-{butterfly}")).to_be_disabled()
    expect(page.locator(f"#move-up-{butterfly}")).to_be_focused()
    wait_for_htmx_to_settle(page)

    page.keyboard.press("Enter")
    expect(page.locator("#steps .step-head strong").nth(1)).to_have_text("2. Butterfly")
    expect(page.locator(f"#move-up-{butterfly}")).to_be_focused()
    wait_for_htmx_to_settle(page)  # a Tab pressed before then is undone by its [autofocus]
    # The focus is in its place in the tab order, not somewhere at the top of the page.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("↓ Move Butterfly down")
    assert list(routine.steps.values_list("pose__slug", flat=True)) == [
        "lizard",
        "butterfly",
        "belly-breathing",
    ]
