"""One pager for every paged list: its links change the page and keep every filter."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from clients import audit
from clients.models import AuditEvent
from tests.factories import ClientFactory, RoutineFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _link(html: str, label: str) -> str:
    """The href of the pager link called `label`, as a dict of query parameters."""
    nav = html.split('<nav aria-label="Pages"', 1)[1].split("</nav>", 1)[0]
    anchor = next(a for a in nav.split("<a ")[1:] if f">{label}</a>" in a)
    return anchor.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def _query(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_every_list_uses_the_one_pager():
    hand_built = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if "page.has_next" in path.read_text() and path.name != "_pager.html"
    ]
    assert hand_built == []


def test_client_list_pages_keep_the_search_and_the_filter(world):
    for n in range(30):
        ClientFactory(studio=world.studio, preferred_name=f"Mara {n:02}", status="archived")
    ClientFactory(studio=world.studio, preferred_name="Someone else", status="archived")
    url = reverse("client_list", args=[world.studio.code])
    browser = world.client_for(world.bob)
    first = browser.get(url, {"show": "archived", "q": "Mara"})
    next_url = _link(first.text, "Next")
    assert _query(next_url) == {"show": "archived", "q": "Mara", "page": "2"}
    second = browser.get(url + next_url)
    assert "Mara 29" in second.text
    assert "Someone else" not in second.text
    assert _query(_link(second.text, "Previous")) == {"show": "archived", "q": "Mara", "page": "1"}


def test_routine_list_pages_keep_the_search_and_the_filter(world):
    for n in range(30):
        RoutineFactory(studio=world.studio, title=f"Hip ease {n:02}")
    url = reverse("routine_list", args=[world.studio.code])
    page = world.client_for(world.bob).get(url, {"show": "active", "q": "Hip"})
    assert _query(_link(page.text, "Next")) == {"show": "active", "q": "Hip", "page": "2"}


def test_audit_pages_keep_the_filters_with_and_without_htmx(world):
    client = ClientFactory(studio=world.studio)
    for _ in range(60):
        audit.audit_client(None, client, AuditEvent.Action.VIEW, "client", "opened", by=None)
    url = reverse("audit_list", args=[world.studio.code])
    filters = {"client": str(client.code), "action": "view"}
    browser = world.client_for(world.alice)
    for headers in ({}, HTMX):
        page = browser.get(url, filters, headers=headers)
        older = _link(page.text, "Older")
        # The audit trail pages by a cursor (the last entry shown), not by a page number.
        cursor = page.context["older_cursor"]
        assert _query(older) == {**filters, "before": cursor}
        # With htmx the same URL swaps the results in place.
        assert f'hx-get="{older.replace("&", "&amp;")}"' in page.text
        assert 'hx-target="#audit-results"' in page.text
        second = browser.get(url + older, headers=headers)
        assert _query(_link(second.text, "Newest")) == filters
        assert "Older" not in second.text
