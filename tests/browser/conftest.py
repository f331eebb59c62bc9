"""Playwright fixtures: the system Chromium, one fresh browser context per test.

Browsers cannot be downloaded in every environment, so these tests drive the Debian
Chromium at /usr/bin/chromium. Without it they are skipped locally and fail in CI.
"""

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: on a busy two-core machine a render can take seconds, and a wait only runs this
# long when something is wrong, so a passing run costs nothing extra.
DEFAULT_TIMEOUT_MS = 25_000
BROWSER_TESTS_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected test; mark only the ones in this folder.
    for item in items:
        if BROWSER_TESTS_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all tests in this folder, stopped as soon as they are done.

    While Playwright's sync API is running, the main thread has a running asyncio event loop,
    and Django refuses ORM calls from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Both are
    scoped to this package rather than the session: other tests must keep Django's async
    safety, and subprocesses they start (`manage.py check --deploy`) must not inherit the
    variable.
    """
    if not CHROMIUM_PATH.exists():
        message = f"Browser tests need Chromium at {CHROMIUM_PATH} (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class _RequestsInFlight:
    """How many requests the live server is answering (its handler threads send Django's
    request signals)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def started(self, **kwargs) -> None:
        with self._lock:
            self.count += 1

    def finished(self, **kwargs) -> None:
        with self._lock:
            self.count -= 1


@pytest.fixture(autouse=True)
def _answered_before_the_database_is_emptied(request) -> Iterator[None]:
    """A browser closed with a request still being answered (a figure, a page's own fetch)
    leaves the live server's thread in the database while the next test empties it ("database
    table is locked"). Set up after the live server, this waits for its last answer first."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")
    in_flight = _RequestsInFlight()
    request_started.connect(in_flight.started, dispatch_uid="browser-in-flight-started")
    request_finished.connect(in_flight.finished, dispatch_uid="browser-in-flight-finished")
    try:
        yield
        deadline = time.monotonic() + 10
        while in_flight.count > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        request_started.disconnect(dispatch_uid="browser-in-flight-started")
        request_finished.disconnect(dispatch_uid="browser-in-flight-finished")


@pytest.fixture
def new_page(browser, live_server) -> Iterator:
    """Opens a page in a fresh browser context: a different person, with no cookies."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        for each in context.pages:
            _wait_for_htmx(each)
        context.close()


def _wait_for_htmx(page: Page) -> None:
    """Until the page has no htmx request in flight (htmx marks the element of each with
    `htmx-request`): one still being answered when the test ends meets the database being
    emptied for the next test ("database table is locked")."""
    # A page that closed or navigated away has nothing left in flight.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=10_000)


@pytest.fixture
def page(new_page):
    return new_page()


def wait_for_htmx_to_settle(page: Page) -> None:
    """Until htmx has answered, swapped and settled: it wires up swapped-in content (and applies
    [autofocus]) as it settles, and a person never acts faster than that. A locator, not
    wait_for_function: Playwright evaluates a script string on every poll after the first,
    which the page's CSP refuses."""
    busy = page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    expect(busy).to_have_count(0)


def sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    """Signs in through the real form, as a person would, and waits for the studio page."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/studios/[0-9a-f-]{36}/$"))


def drag_step_to_the_top(page: Page, index: int) -> None:
    """Drags step `index` above the first one by its handle, as a person does with a mouse."""
    handle = page.locator("#steps .step").nth(index).locator(".drag-handle")
    target = page.locator("#steps .step").first
    with page.expect_response(re.compile(r"/steps/reorder/$")) as reorder:
        handle.hover()
        page.mouse.down()
        box = target.bounding_box()
        # Over the first card, then to its top edge; cards animate aside while the pointer
        # moves, so let them settle before letting go.
        page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2, steps=15)
        page.wait_for_timeout(300)
        page.mouse.move(box["x"] + 40, box["y"] + 3, steps=5)
        page.wait_for_timeout(300)
        page.mouse.up()
    assert reorder.value.status == 200
