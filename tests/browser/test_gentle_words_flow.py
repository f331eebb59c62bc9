"""A teacher typing a cue sees a kind suggestion appear beside it, without saving anything."""

import re

import pytest
from playwright.sync_api import Page, expect

from routines.models import RoutineStep
from tests.browser.conftest import sign_in
from tests.factories import MembershipFactory, RoutineFactory, RoutineStepFactory

pytestmark = pytest.mark.browser


def test_typing_a_directive_cue_shows_a_kind_suggestion_as_the_teacher_types(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    step = RoutineStepFactory(routine=RoutineFactory(studio=instructor.studio, title="Hips"))
    sign_in(page, instructor.user.email)
    page.goto(step.routine.get_absolute_url())

    page.get_by_text("Edit step 1").click()
    cue = page.get_by_label("Cue for the client")
    with page.expect_response(re.compile(r"/wording/\?field=cue$")) as checked:
        cue.press_sequentially("push deeper into the stretch", delay=20)
    assert checked.value.status == 200
    note = page.locator(f"#gentle-cue-{step.code}")
    expect(note).to_contain_text("“push deeper” may read as an instruction")
    expect(note).to_contain_text("you might stay where it feels kind, or ease back a little")
    # Only a suggestion: nothing was saved while typing.
    assert RoutineStep.objects.get(pk=step.pk).cue == ""

    # Rewording it kindly takes the note away.
    cue.fill("If you like, stay where the stretch feels kind.")
    cue.dispatch_event("input")
    expect(note).not_to_contain_text("may read as an instruction")
