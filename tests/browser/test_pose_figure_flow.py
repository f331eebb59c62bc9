"""A teacher draws a figure for a studio pose: move a slider, watch the preview change, save,
see the figure on the pose's page."""

import re

import pytest
from playwright.sync_api import Page, expect

from routines import services
from routines.library.figures import figure_version
from routines.library.figures.adjust import joint_values
from routines.models import Pose
from tests.browser.conftest import sign_in
from tests.factories import MembershipFactory, library_pose

pytestmark = pytest.mark.browser


def test_a_teacher_moves_a_slider_sees_the_preview_change_and_saves_the_figure(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    pose = services.pose_copy(pose=library_pose("butterfly"), studio=instructor.studio)
    sign_in(page, instructor.user.email)
    page.goto(f"/studios/{instructor.studio.code}/library/{pose.code}/edit/")
    preview = page.locator("#figure-preview svg")
    expect(preview).to_be_visible()
    before = preview.inner_html()

    slider = page.get_by_label("Spine: bend forward")
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"#{slider.get_attribute('id')}-value")).not_to_have_text(
        f"{joint_values(pose.figure)['spine_flex']}°"
    )
    page.wait_for_function(
        "before => document.querySelector('#figure-preview svg')?.innerHTML !== before", arg=before
    )
    moved = int(slider.input_value())
    assert moved == joint_values(pose.figure)["spine_flex"] + 20

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Changes to {pose.name} are saved.")).to_be_visible()
    pose = Pose.objects.get(pk=pose.pk)
    assert joint_values(pose.figure)["spine_flex"] == moved
    drawing = page.locator(".pose-figure img.pose-figure-img")
    expect(drawing).to_be_visible()
    # The drawing is the saved figure, fetched from its own URL and decoded by the browser.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=drawing.element_handle()
    )
    expect(drawing).to_have_attribute("src", re.compile(f"v={figure_version(pose.figure)}"))
