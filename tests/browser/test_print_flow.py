"""Printing from the portal in a real browser: preview, then download the client handout."""

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.factories import (
    TEST_PASSWORD,
    ClientFactory,
    MembershipFactory,
    RoutineFactory,
    RoutineStepFactory,
    library_pose,
)

pytestmark = pytest.mark.browser


def test_an_assistant_previews_and_downloads_a_clients_handout(page: Page):
    assistant = MembershipFactory(role="assistant", studio__name="Cedar Room")
    client = ClientFactory(studio=assistant.studio, preferred_name="Rosa", touch_consent="no")
    routine = RoutineFactory(studio=assistant.studio, client=client, title="Rosa's practice")
    RoutineStepFactory(routine=routine, position=1, pose=library_pose("butterfly"))

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(assistant.user.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Routines").first.click()
    page.get_by_role("link", name="Rosa's practice").click()
    page.get_by_role("button", name="Print").click()

    preview = page.get_by_role("article", name="Preview of the client handout")
    expect(preview).to_contain_text("Before you begin")
    expect(preview).to_contain_text("No hands-on help")
    expect(page.get_by_role("button", name="Teacher sheet (confidential)")).to_have_count(0)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the client handout (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "rosas-practice.pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Rosa" in text and "Butterfly" in text and "not medical advice" in text
