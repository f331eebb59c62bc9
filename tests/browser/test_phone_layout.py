"""On a phone (360 px wide) no main page scrolls sideways."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page

from clients.models import Client, Session
from practice.management.commands.seed_demo import DEMO_PASSWORD
from practice.models import Studio
from routines.models import Pose, Routine
from tests.browser.conftest import sign_in
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}
DEMO_OWNER = "owner@groundwork.test"
# The element sticking out furthest, to name the culprit when a page is too wide.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  let worst = null;
  for (const el of document.querySelectorAll("body *")) {
    const right = el.getBoundingClientRect().right;
    if (right > limit + 0.5 && (!worst || right > worst.right)) {
      worst = {right, tag: el.tagName, cls: el.className, id: el.id};
    }
  }
  return worst;
}"""


# The header's menus (brand and studio, sections, account), counted by the line each starts on.
MENU_LINES = """() => new Set(
  [...document.querySelectorAll(".site-header nav > ul")].map(
    (ul) => Math.round(ul.getBoundingClientRect().top))
).size"""


def _main_pages() -> dict[str, str]:
    studio = Studio.objects.get(name="Willow Room Yoga")
    code = studio.code
    client = Client.objects.for_studio(studio).active().first()
    routine = Routine.objects.filter(studio=studio, client=client).first() or (
        Routine.objects.filter(studio=studio).first()
    )
    pose = Pose.objects.filter(studio=None).order_by("name").first()
    session = Session.objects.filter(studio=studio).first()
    return {
        "dashboard": reverse("studio_dashboard", args=[code]),
        "team": reverse("team", args=[code]),
        "settings": reverse("studio_settings", args=[code]),
        "library": reverse("pose_list", args=[code]),
        "pose detail": pose.url_in(studio),
        "routine list": reverse("routine_list", args=[code]),
        "builder": routine.get_absolute_url(),
        "print page": reverse("routine_print", args=[code, routine.code]),
        "client list": reverse("client_list", args=[code]),
        "client page": client.get_absolute_url(),
        "new precaution": reverse("precaution_add", args=[code, client.code]),
        "new trigger": reverse("trigger_add", args=[code, client.code]),
        "preferences": reverse("preferences_edit", args=[code, client.code]),
        "touch consent": reverse("touch_consent_edit", args=[code, client.code]),
        "notes": client.get_absolute_url() + "#notes",
        "audit trail": reverse("audit_list", args=[code]),
        "consent text": reverse("consent_text", args=[code]),
        "handout settings": reverse("handout_settings", args=[code]),
        "sessions": reverse("session_list", args=[code]),
        "plan a session": reverse("session_create", args=[code]),
        "session": reverse("session_detail", args=[code, session.code]),
        "home practice": reverse("home_practice", args=[code, client.code]),
        "practise along": reverse("routine_player", args=[code, routine.code]),
        "studio export": reverse("studio_export", args=[code]),
    }


def _sign_in(page: Page) -> None:
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(DEMO_OWNER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/studios/**")


def test_no_main_page_scrolls_sideways_on_a_phone(page: Page, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    page.set_viewport_size(PHONE)
    _sign_in(page)
    too_wide = {}
    for name, url in _main_pages().items():
        response = page.goto(url)
        assert response is not None and response.ok, name
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            too_wide[name] = (scroll - client, page.evaluate(WIDEST))
        assert page.evaluate(MENU_LINES) <= 2, f"the top menu wraps onto 3+ lines on {name}"
    assert not too_wide, too_wide


def test_a_client_with_a_long_email_fits_a_phone(page: Page):
    owner = MembershipFactory(role="owner", studio__name="Cedar Room")
    client = ClientFactory(
        studio=owner.studio,
        preferred_name="Ruth",
        email="ruth.margaretha.vandenberghe-oosterhuis@physiotherapy-practice.example.org",
        emergency_contact="Margaretha van den Berghe-Oosterhuis, daughter, +31 6 1234 5678",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, owner.user.email)
    page.goto(client.get_absolute_url())
    scroll, width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= width, page.evaluate(WIDEST)
    email = page.get_by_text("ruth.margaretha", exact=False)
    box = email.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
