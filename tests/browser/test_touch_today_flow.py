"""Touch today on a 360 px phone: the before check-in, its new question included, stays one
screen; the answer shows on the room sheet as a word and a shape. The check-in, the room sheet
and the handout settings (consent card words) have no serious axe violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from clients.models import TouchConsentChange
from tests.browser.conftest import sign_in
from tests.factories import ClientFactory, MembershipFactory, SessionFactory

pytestmark = pytest.mark.browser
# A small Android phone (360 x 740 CSS pixels, as the Galaxy S8/S9 family).
SMALL_PHONE = {"width": 360, "height": 740}
SERIOUS = {"serious", "critical"}
MIN_TARGET = 44


@pytest.fixture
def small_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=SMALL_PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _serious(page: Page) -> list[tuple[str, int]]:
    results = Axe().run(page)
    return [
        (violation["id"], len(violation["nodes"]))
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def test_touch_today_on_a_small_phone_reaches_the_room_sheet(small_phone: Page):
    owner = MembershipFactory(role="owner", studio__name="Cedar Room")
    jo = ClientFactory(studio=owner.studio, preferred_name="Jo", touch_consent="yes")
    session = SessionFactory(studio=owner.studio, teacher=owner, clients=[jo])
    sign_in(small_phone, owner.user.email)

    small_phone.goto(reverse("session_detail", args=[owner.studio.code, session.code]))
    small_phone.get_by_role("button", name="Record before check-in for Jo").click()
    touch = small_phone.get_by_role("group", name="Hands-on support today?")
    expect(touch.get_by_label("Yes", exact=True)).to_be_checked()  # from the intake
    save = small_phone.get_by_role("button", name="Keep this check-in")
    # One screen: from the heading to the save button, nothing needs scrolling.
    # (The anchor may scroll the heading's top half a pixel under the edge.)
    heading = small_phone.get_by_role("heading", name="Jo: before the session")
    expect(heading).to_be_in_viewport(ratio=0.9)
    for part in (touch, save):
        expect(part).to_be_in_viewport(ratio=1)
    target = touch.locator("label.touch-option").first.bounding_box()
    assert target["height"] >= MIN_TARGET and target["width"] >= MIN_TARGET
    assert _serious(small_phone) == []

    touch.get_by_label("No", exact=True).check()
    save.click()
    expect(small_phone.get_by_role("status").first).to_have_text("Jo's check-in is kept.")
    assert TouchConsentChange.objects.get(client=jo, session=session).value == "no"

    small_phone.get_by_role("link", name="Room sheet").click()
    person = small_phone.locator(".room-person").filter(has_text="Jo")
    expect(person.locator(".room-touch")).to_have_text("No hands-on support")
    expect(person.locator("svg.touch-symbol")).to_be_visible()
    width = small_phone.evaluate("document.documentElement.scrollWidth")
    assert width <= SMALL_PHONE["width"]
    assert _serious(small_phone) == []


def test_the_consent_card_words_page_has_no_serious_violations(small_phone: Page):
    owner = MembershipFactory(role="owner", studio__name="Cedar Room")
    sign_in(small_phone, owner.user.email)
    small_phone.goto(reverse("handout_settings", args=[owner.studio.code]))
    expect(small_phone.get_by_label("Consent card: welcome side")).to_be_visible()
    expect(small_phone.get_by_role("link", name="Download consent cards")).to_be_visible()
    assert _serious(small_phone) == []
