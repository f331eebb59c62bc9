"""In a real browser, typing an end date unticks "Until cleared" and the precaution saves."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from clients.vocabulary import Clearance
from tests.browser.conftest import sign_in, wait_for_htmx_to_settle
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.browser


def test_typing_an_end_date_unticks_until_cleared_and_the_precaution_saves(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Alder Room")
    client = ClientFactory(studio=instructor.studio, preferred_name="Rosa")
    sign_in(page, instructor.user.email)
    page.goto(client.get_absolute_url())
    precautions = page.locator("#precautions")
    precautions.get_by_role("button", name="Add a precaution").click()
    form = page.locator("#precaution-new-form")
    wait_for_htmx_to_settle(page)
    form.get_by_label("Condition", exact=True).select_option(
        label="Total hip replacement, posterior approach"
    )
    form.get_by_label("Who set it").select_option(label="Surgeon")
    until_cleared = form.get_by_label(re.compile("Until cleared"))
    expect(until_cleared).to_be_checked()
    form.get_by_label("Start date", exact=True).fill("2025-05-01")
    form.get_by_label("End date", exact=True).fill("2025-08-01")
    expect(until_cleared).not_to_be_checked()
    # Ticking the box again empties the date, and typing one unticks it once more.
    until_cleared.check()
    expect(form.get_by_label("End date", exact=True)).to_have_value("")
    form.get_by_label("End date", exact=True).fill("2025-08-01")
    expect(until_cleared).not_to_be_checked()
    form.get_by_role("button", name="Save").click()

    expect(precautions.get_by_role("status")).to_contain_text("Precaution added.")
    # A surgeon's precaution asks for clearance, and the clearance block says so in place.
    expect(precautions.get_by_role("status")).to_contain_text("“Requested”")
    expect(page.locator("#clearance strong")).to_have_text("Requested")
    precaution = client.precautions.get()
    assert precaution.end_date == date(2025, 8, 1)
    client.refresh_from_db()
    assert client.medical_clearance == Clearance.REQUESTED
