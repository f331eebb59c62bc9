"""The first main user flow, in a real browser: found a studio, invite a teammate, they join."""

import os
import re
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from practice.models import Membership, Studio
from tests.factories import TEST_PASSWORD, InvitationFactory, MembershipFactory

pytestmark = pytest.mark.browser

STRONG_PASSWORD = "quiet-river-morning-42"
STUDIO_NAME = "Quiet Harbour Yoga"
OWNER_EMAIL = "maya@example.com"
TEAMMATE_EMAIL = "sam@example.com"
# Set GROUNDWORK_SCREENSHOTS=/some/folder to keep screenshots of the main pages for a look.
SCREENSHOT_DIR = os.environ.get("GROUNDWORK_SCREENSHOTS", "")
# Django puts a colon after each label; the accessible name includes it.
PASSWORD_LABEL = re.compile(r"^Password:?$")
# Shared with the browser, whose regular expressions know no Python-style named groups.
STUDIO_URL = re.compile(r"/studios/([0-9a-f-]{36})/$")


@pytest.fixture
def outbox(settings, tmp_path) -> Path:
    """Mail goes to files in a folder of this test's own, so the test reads what was sent."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    return tmp_path


def sent_emails(outbox: Path) -> list[Message]:
    """Every message in the file outbox, oldest first."""
    messages = []
    for path in sorted(outbox.iterdir(), key=lambda path: path.stat().st_mtime_ns):
        # The file backend writes one file per connection, each message followed by a line
        # of 79 dashes.
        chunks = path.read_bytes().split(b"-" * 79 + b"\n")
        messages += [message_from_bytes(chunk.lstrip()) for chunk in chunks if chunk.strip()]
    return messages


def newest_email(outbox: Path) -> Message:
    messages = sent_emails(outbox)
    assert messages, "No email was sent."
    return messages[-1]


def email_text(message: Message) -> str:
    if message.is_multipart():
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    else:
        part = message
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def link_in(message: Message, fragment: str) -> str:
    links = re.findall(r"https?://\S+", email_text(message))
    matching = [link for link in links if fragment in link]
    assert matching, f"No link containing {fragment!r} in:\n{email_text(message)}"
    return matching[0]


def studio_code_of(page: Page) -> str:
    match = STUDIO_URL.search(page.url)
    assert match, f"Not on a studio dashboard: {page.url}"
    return match[1]


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOT_DIR) / f"{name}.png", full_page=True)


def test_owner_founds_a_studio_and_a_new_teammate_joins(new_page, live_server, outbox):
    owner = new_page()

    # --- The owner signs up and founds the studio -----------------------------------------
    owner.goto("/accounts/signup/")
    owner.get_by_label("Your name").fill("Maya Lind")
    owner.get_by_label("Email").fill(OWNER_EMAIL)
    owner.get_by_label("Studio name").fill(STUDIO_NAME)
    owner.get_by_label(PASSWORD_LABEL).fill(STRONG_PASSWORD)
    owner.get_by_label("Password (again)").fill(STRONG_PASSWORD)
    owner.get_by_role("button", name="Create my studio").click()
    expect(owner).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    verification = newest_email(outbox)
    assert verification["To"] == OWNER_EMAIL
    confirm_link = link_in(verification, "/accounts/confirm-email/")
    assert confirm_link.startswith(live_server.url)

    # Opening the link confirms the address: no further click.
    owner.goto(confirm_link)

    expect(owner).to_have_url(STUDIO_URL)
    expect(owner.get_by_role("heading", level=1)).to_have_text(STUDIO_NAME)
    studio_code = studio_code_of(owner)
    screenshot(owner, "dashboard")

    # --- The owner invites a teammate -----------------------------------------------------
    nav = owner.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Team").click()
    expect(owner).to_have_url(re.compile(rf"/studios/{studio_code}/team/$"))
    expect(owner.get_by_role("heading", level=1)).to_have_text("Team")

    invite = owner.get_by_role("region", name="Invite a teammate")
    invite.get_by_label("Email address").fill(TEAMMATE_EMAIL)
    invite.get_by_label("Role").select_option(label="Instructor")
    invite.get_by_role("button", name="Send invitation").click()

    expect(owner.get_by_role("status")).to_have_text(f"Invitation sent to {TEAMMATE_EMAIL}.")
    pending = owner.get_by_role("region", name="Waiting for a reply")
    expect(pending.get_by_role("row").filter(has_text=TEAMMATE_EMAIL)).to_contain_text("Instructor")
    screenshot(owner, "team")

    invitation_email = newest_email(outbox)
    assert invitation_email["To"] == TEAMMATE_EMAIL
    assert STUDIO_NAME in invitation_email["Subject"]
    invitation_link = link_in(invitation_email, "/invitations/")

    # --- The teammate, in a browser of their own, accepts --------------------------------
    teammate = new_page()
    teammate.goto(invitation_link)
    expect(teammate.get_by_role("heading", level=1)).to_have_text(f"Join {STUDIO_NAME}")
    # Pico styles these links as buttons with role="button", so that is their accessible role.
    teammate.get_by_role("button", name="Create my account").click()

    expect(teammate).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(teammate.get_by_label("Email")).to_have_value(TEAMMATE_EMAIL)
    expect(teammate.get_by_label("Studio name")).to_have_count(0)
    teammate.get_by_label("Your name").fill("Sam Rivers")
    teammate.get_by_label(PASSWORD_LABEL).fill(STRONG_PASSWORD)
    teammate.get_by_label("Password (again)").fill(STRONG_PASSWORD)
    expect(teammate.get_by_role("heading", level=1)).to_have_text("Create your account")
    teammate.get_by_role("button", name="Create my account").click()

    # The invitation link proved the address: no verification email, straight into the studio.
    expect(teammate).to_have_url(STUDIO_URL)
    assert studio_code_of(teammate) == studio_code
    expect(teammate.get_by_role("heading", level=1)).to_have_text(STUDIO_NAME)
    assert [message["To"] for message in sent_emails(outbox)] == [OWNER_EMAIL, TEAMMATE_EMAIL]

    teammate.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    people = teammate.get_by_role("table", name=f"People at {STUDIO_NAME}")
    expect(people.get_by_role("row").filter(has_text=OWNER_EMAIL)).to_contain_text("Owner")
    sam_row = people.get_by_role("row").filter(has_text=TEAMMATE_EMAIL)
    expect(sam_row).to_contain_text("Sam Rivers")
    expect(sam_row).to_contain_text("Instructor")
    expect(people.locator("tbody tr")).to_have_count(2)
    expect(teammate.get_by_role("button", name="Send invitation")).to_have_count(0)
    expect(teammate.get_by_role("button", name="Change role")).to_have_count(0)
    screenshot(teammate, "team-as-instructor")

    studio = Studio.objects.get(code=studio_code)
    assert studio.name == STUDIO_NAME
    roles = sorted(studio.memberships.values_list("user__email", "role"))
    assert roles == [
        (OWNER_EMAIL, Membership.Role.OWNER),
        (TEAMMATE_EMAIL, Membership.Role.INSTRUCTOR),
    ]


def test_existing_user_signs_in_from_an_invitation_and_joins(page, live_server):
    studio = MembershipFactory(role=Membership.Role.OWNER).studio
    person = MembershipFactory(role=Membership.Role.OWNER).user  # has a studio of their own
    invitation = InvitationFactory(studio=studio, email=person.email, role="assistant")

    page.goto(f"/invitations/{invitation.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {studio.name}")
    page.get_by_role("button", name="I already have an account").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(person.email)
    page.get_by_label(PASSWORD_LABEL).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(rf"/invitations/{invitation.token}/$"))
    page.get_by_role("button", name=f"Join {studio.name}").click()

    expect(page).to_have_url(re.compile(rf"/studios/{studio.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(studio.name)
    expect(page.get_by_role("status")).to_have_text(f"Welcome to {studio.name}.")
    membership = Membership.objects.get(studio=studio, user=person)
    assert membership.role == Membership.Role.ASSISTANT
