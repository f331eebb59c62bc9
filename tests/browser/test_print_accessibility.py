"""The print page as axe (axe-core, bundled by axe-playwright-python) sees it: nothing serious."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.browser
SERIOUS = {"serious", "critical"}


def test_the_print_page_has_no_serious_accessibility_violations(page: Page):
    owner = MembershipFactory(role="owner", studio__name="Cedar Room")
    client = ClientFactory(studio=owner.studio, preferred_name="Rosa")
    routine = RoutineFactory(studio=owner.studio, client=client, title="Steady hips")
    for position, slug in enumerate(["belly-breathing", "butterfly", "constructive-rest"], 1):
        RoutineStepFactory(routine=routine, position=position, pose=library_pose(slug))
    sign_in(page, owner.user.email)
    page.goto(reverse("routine_print", args=[owner.studio.code, routine.code]))
    # The practice log's tick boxes are what axe once found 14 violations in.
    expect(page.locator(".handout-preview .box").first).to_be_attached()

    results = Axe().run(page)
    serious = [
        (violation["id"], len(violation["nodes"]))
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]
    assert serious == [], results.generate_report()
