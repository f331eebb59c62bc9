"""In a real browser, with the keyboard: open "Record a signature", sign, and see it locked."""

import pytest
from playwright.sync_api import Page, expect

from clients.models import ConsentSignature
from tests.browser.conftest import sign_in
from tests.factories import ClientFactory, ConsentDocumentFactory, MembershipFactory

pytestmark = pytest.mark.browser


def test_a_teacher_opens_the_signing_form_and_records_a_signature(page: Page):
    instructor = MembershipFactory(role="instructor", studio__name="Alder Room")
    ConsentDocumentFactory(studio=instructor.studio, version=1, text="Version one, kindly.")
    client = ClientFactory(
        studio=instructor.studio, preferred_name="Rosa", full_name="Rosa Lindqvist"
    )
    sign_in(page, instructor.user.email)
    page.goto(client.get_absolute_url())
    consent = page.locator("#consent")
    expect(consent).to_contain_text("Needs to sign version 1")

    # The form is fetched when the summary is opened; Enter opens it.
    consent.get_by_text("Record a signature on version 1").focus()
    page.keyboard.press("Enter")
    name = consent.get_by_label("Full name, as typed by the client")
    expect(name).to_have_value("Rosa Lindqvist")
    name.fill("Rosa M. Lindqvist")
    consent.get_by_label("Witnessed by").select_option(label=instructor.user.get_full_name())
    consent.get_by_role("button", name="Record the signature").focus()
    page.keyboard.press("Enter")

    expect(consent.get_by_role("status")).to_contain_text("The signature on version 1")
    expect(consent).to_contain_text("Signed version 1 · locked")
    signature = ConsentSignature.objects.get(client=client)
    assert signature.signed_name == "Rosa M. Lindqvist"
    assert signature.witnessed_by == instructor.user
