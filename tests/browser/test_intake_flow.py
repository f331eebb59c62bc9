"""The intake, edited in place in a real browser: add, fix a mistake, edit, remove."""

import re

import pytest
from playwright.sync_api import Page, expect

from clients.models import AuditEvent
from tests.browser.conftest import sign_in, wait_for_htmx_to_settle
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.browser


def test_an_instructor_records_a_precaution_without_leaving_the_page(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Cedar Room")
    client = ClientFactory(studio=instructor.studio, preferred_name="Jo")
    sign_in(page, instructor.user.email)
    page.goto(client.get_absolute_url())
    precautions = page.locator("#precautions")

    precautions.get_by_role("button", name="Add a precaution").click()
    form = page.locator("#precaution-new-form")
    wait_for_htmx_to_settle(page)
    # The condition's usual movements are ticked by the server as soon as it is picked.
    form.get_by_label("Condition", exact=True).select_option(label="Knee injury or meniscus")
    expect(form.get_by_label("Deep knee flexion")).to_be_checked()
    expect(form.get_by_label("Kneeling load")).to_be_checked()
    form.get_by_label("Side", exact=True).select_option(label="Right")
    form.get_by_label(re.compile("^Note")).fill("No deep squats until the physio says so.")
    form.get_by_label(re.compile("Until cleared")).uncheck()
    form.get_by_label("Start date", exact=True).fill("2025-05-01")
    form.get_by_label("End date", exact=True).fill("2025-04-01")
    form.get_by_role("button", name="Save").click()

    # A mistake comes back in place, with everything typed still there.
    expect(form.get_by_text("The end date should come after the start date.")).to_be_visible()
    expect(form.get_by_label(re.compile("^Note"))).to_have_value(
        "No deep squats until the physio says so."
    )
    wait_for_htmx_to_settle(page)
    form.get_by_label("End date", exact=True).fill("2099-08-01")
    form.get_by_role("button", name="Save").click()
    expect(precautions.get_by_role("status")).to_have_text("Precaution added.")
    expect(precautions.locator("strong", has_text="Knee injury or meniscus")).to_be_visible()
    expect(
        precautions.get_by_text("Avoid or change: Deep knee flexion, Kneeling load")
    ).to_be_visible()

    wait_for_htmx_to_settle(page)
    precautions.get_by_role("link", name="Edit Knee injury or meniscus").click()
    edit_form = precautions.locator(".intake-form")
    wait_for_htmx_to_settle(page)
    edit_form.get_by_label("Side", exact=True).select_option(label="Both")
    edit_form.get_by_role("button", name="Save").click()
    expect(precautions.get_by_role("status")).to_have_text("Precaution saved.")
    expect(precautions.get_by_text("· both")).to_be_visible()

    wait_for_htmx_to_settle(page)
    page.once("dialog", lambda dialog: dialog.accept())
    precautions.get_by_role("link", name="Remove Knee injury or meniscus").click()
    expect(precautions.get_by_role("status")).to_have_text("Precaution removed.")
    expect(precautions.get_by_text("No precautions recorded.")).to_be_visible()

    summaries = set(AuditEvent.objects.filter(client=client).values_list("summary", flat=True))
    assert {"precaution added", "precaution opened", "precaution changed"} <= summaries
    assert "precaution removed" in summaries
