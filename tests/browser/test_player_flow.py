"""A phone opens the handout's QR code, practises along, and says so; the teacher sees it."""

import re
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from routines.paper import practice_link_services as services
from tests.browser.conftest import sign_in
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.browser


def test_a_phone_practises_along_from_the_qr_code_and_the_teacher_sees_it(new_page):
    teacher = MembershipFactory(role="instructor", studio__name="Cedar Room")
    client = ClientFactory(studio=teacher.studio, preferred_name="Rosa", full_name="Rosa Marsh")
    routine = RoutineFactory(studio=teacher.studio, client=client, title="Rosa's practice")
    RoutineStepFactory(
        routine=routine,
        position=1,
        pose=library_pose("butterfly"),
        hold_breaths=None,
        hold_seconds=20,
    )
    RoutineStepFactory(
        routine=routine,
        position=2,
        pose=library_pose("reclined-figure-four"),
        hold_breaths=2,
        hold_seconds=None,
        sides="both",
    )
    RoutineStepFactory(routine=routine, position=3, pose=library_pose("childs-pose"))

    # The teacher turns the link on from the print page and downloads the handout.
    desk = new_page()
    sign_in(desk, teacher.user.email)
    desk.goto(f"/studios/{teacher.studio.code}/routines/{routine.code}/print/")
    desk.get_by_role("button", name="Turn on a practice link").click()
    expect(desk.get_by_text("The practice link is on.")).to_be_visible()
    with desk.expect_download() as download_info:
        desk.get_by_role("button", name="Download the client handout (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    codes = [
        code.text
        for page in pypdfium2.PdfDocument(pdf)
        for code in zxingcpp.read_barcodes(page.render(scale=3).to_pil())
    ]
    assert len(codes) == 1
    link_path = urlsplit(codes[0]).path  # the live server's port differs from the PDF's host

    # A phone (no account, a fresh browser) opens the address in the QR code.
    phone = new_page()
    phone.clock.install()
    phone.goto(link_path)
    expect(phone.get_by_role("heading", name="Rosa's practice")).to_be_visible()
    expect(phone.get_by_text("For Rosa", exact=True)).to_be_visible()
    expect(phone.get_by_text("Rosa Marsh")).to_have_count(0)
    phone.get_by_label("A soft sound when a hold ends").check()
    phone.get_by_role("button", name="Start").click()

    # Step 1: a 20-second hold, one step on screen, the controls always there.
    expect(phone.get_by_role("heading", name="Butterfly")).to_be_visible()
    expect(phone.get_by_role("heading", name="Reclined figure four")).to_be_hidden()
    expect(phone.locator("#timer")).to_have_text("0:20 left")
    for name in ("Rest", "Skip", "Stop here"):
        expect(phone.get_by_role("button", name=name, exact=True)).to_be_visible()
    phone.clock.run_for(5_000)
    expect(phone.locator("#timer")).to_have_text("0:15 left")
    # Rest stops the clock: time passing while resting does not count.
    phone.get_by_role("button", name="Rest", exact=True).click()
    expect(phone.get_by_role("heading", name="Resting")).to_be_visible()
    phone.clock.run_for(60_000)
    phone.get_by_role("button", name="Carry on").click()
    expect(phone.locator("#timer")).to_have_text("0:15 left")
    phone.clock.run_for(15_000)
    # A short pause says what comes next, then step 2 starts on its first side.
    expect(phone.locator("#side")).to_contain_text("Next: Reclined figure four")
    phone.clock.run_for(10_000)
    expect(phone.get_by_role("heading", name="Reclined figure four")).to_be_visible()
    expect(phone.locator("#side")).to_have_text("First side")
    expect(phone.locator("#timer")).to_contain_text("Breath 1 of 2")
    phone.clock.run_for(16_000)
    expect(phone.locator("#side")).to_have_text("Switch sides, when you are ready")
    phone.keyboard.press("n")  # skip the pause from the keyboard
    expect(phone.locator("#side")).to_have_text("Other side")
    phone.clock.run_for(16_000)
    expect(phone.locator("#side")).to_contain_text("Next: Child")
    # Stop here, one tap away: the end, with "I practised today".
    phone.get_by_role("button", name="Stop here").click()
    expect(phone.get_by_role("heading", name="Thank you for practising")).to_be_focused()
    phone.get_by_role("radio", name="3", exact=True).check()
    phone.get_by_label("Anything you noticed").fill("Warm and easy")
    phone.get_by_role("button", name="I practised today").click()
    expect(phone.get_by_text("Today's practice is kept")).to_be_visible()

    # The teacher sees it on the client page and on the home-practice page.
    desk.goto(f"/studios/{teacher.studio.code}/clients/{client.code}/")
    expect(desk.get_by_text("reported through a practice link: 1")).to_be_visible()
    expect(desk.get_by_text(re.compile(r"practice link on until .*opened 1 time"))).to_be_visible()
    desk.goto(f"/studios/{teacher.studio.code}/clients/{client.code}/home-practice/")
    expect(desk.get_by_text("hips 3 of 10")).to_be_visible()
    expect(desk.get_by_text("Warm and easy")).to_be_visible()

    # Turning it off: the phone's next visit is a kind 404.
    link = routine.practice_link
    services.practice_link_revoke(link=link, by=teacher.user)
    response = phone.goto(link_path)
    assert response.status == 404
    expect(phone.get_by_role("heading", name="This practice link is not open")).to_be_visible()
