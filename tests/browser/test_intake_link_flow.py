"""The intake link on a phone (375 px): a teacher sends it, the client answers and signs
without an account, the teacher adds her answers to the record part by part."""

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from clients.models import ConsentSignature, Precaution
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, sign_in
from tests.factories import ClientFactory, ConsentDocumentFactory, MembershipFactory

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 740}, "has_touch": True, "is_mobile": True}
SERIOUS = {"serious", "critical"}
# Script time for the client's whole form: a person takes longer, a script far less.
CLIENT_SECONDS = 5 * 60


def _serious(page: Page) -> list:
    results = Axe().run(page)
    return [
        (violation["id"], len(violation["nodes"]))
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide on a 375 px phone"


def test_a_client_answers_on_her_phone_and_the_teacher_adds_it(browser, live_server, page):
    teacher = MembershipFactory(role="instructor", studio__name="Cedar Room")
    ConsentDocumentFactory(studio=teacher.studio, version=1, text="Every pose is optional.")
    client = ClientFactory(studio=teacher.studio, preferred_name="Rosa")
    sign_in(page, teacher.user.email)
    page.goto(client.get_absolute_url())
    page.get_by_role("button", name="Send an intake link").click()
    expect(page.get_by_text("This link is shown only now.")).to_be_visible()
    link = page.locator(".message a").first.get_attribute("href")
    assert re.search(r"/i/[A-Z2-7-]{19}/$", link)

    phone = browser.new_context(base_url=live_server.url, **PHONE)
    phone.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        her = phone.new_page()
        her.goto(link)
        expect(her.get_by_role("heading", name="Welcome")).to_be_visible()
        _no_sideways_scroll(her)
        assert _serious(her) == []
        started = time.monotonic()
        # Twelve questions and her signature; the rest she leaves for now.
        her.get_by_label("The name you would like us to use").fill("Rosa")
        her.get_by_label("Pronouns").fill("she/her")
        her.get_by_label("Email", exact=True).fill("rosa@")  # a slip, to fix
        her.get_by_label("Phone", exact=True).fill("0161 555 0123")
        her.get_by_label("Someone we may call").fill("Ana (sister) 0161 555 0199")
        her.get_by_label("A place near the door").check()
        her.get_by_label("Nobody behind me").check()
        her.get_by_label("Anything else, in your own words").fill("A window I can see")
        first = her.locator("fieldset.slot").first
        first.get_by_label("What it is").select_option(
            label="Total hip replacement, posterior approach"
        )
        first.get_by_label("Which side").select_option("right")
        first.get_by_label("Since when").fill("March")
        first.get_by_label("What a doctor, surgeon or physio said").fill("No deep bends yet")
        hard = her.locator("section", has=her.get_by_role("heading", name="What can be hard"))
        hard.locator("fieldset.slot").first.get_by_label("What can be hard").select_option(
            label="Someone behind me"
        )
        her.get_by_label("No hands-on support, thank you").check()
        her.get_by_label("Type your full name to sign").fill("Rosa Delgado")
        her.get_by_role("button", name="Send my answers").click()

        expect(her.get_by_text("This email address looks incomplete")).to_be_visible()
        expect(her.get_by_label("Type your full name to sign")).to_have_value("Rosa Delgado")
        expect(her.get_by_label("Nobody behind me")).to_be_checked()
        assert _serious(her) == []
        her.get_by_label("Email", exact=True).fill("rosa@example.org")
        her.get_by_role("button", name="Send my answers").click()
        expect(her.get_by_role("heading", name="Thank you")).to_be_visible()
        assert time.monotonic() - started < CLIENT_SECONDS
        assert _serious(her) == []
        assert not phone.cookies()
    finally:
        phone.close()

    # Nothing joined the record yet.
    assert not Precaution.objects.filter(client=client).exists()
    page.goto(client.get_absolute_url())
    page.get_by_role("button", name="Review the answers").click()
    precaution = page.locator(
        "section.review-part", has=page.get_by_role("heading", name="Precaution")
    )
    expect(precaution.get_by_text("No deep bends yet").first).to_be_visible()
    precaution.get_by_role("button", name="Add to the record").click()
    expect(page.get_by_text("Added to the record: precaution.")).to_be_visible()
    consent = page.locator(
        "section.review-part", has=page.get_by_role("heading", name="Consent signature")
    )
    consent.get_by_role("button", name="Add to the record").click()
    expect(page.get_by_text("Added to the record: consent signature.")).to_be_visible()
    assert _serious(page) == []
    assert Precaution.objects.get(client=client).side == "right"
    assert ConsentSignature.objects.get(client=client).signed_name == "Rosa Delgado"
