"""No page of a client's record renders template internals into a link.

A context variable named like a template tag (`block`) is shadowed by Django's own `{% block %}`
node: the link then reads `…/#<Block Node: content…`. Every client page is rendered, as a page
and as an htmx fragment, and every URL-bearing attribute is checked.
"""

from html.parser import HTMLParser

import pytest

from tests.client_routes import CLIENT_ROUTES, client_objects

pytestmark = pytest.mark.django_db
URL_ATTRIBUTES = {"href", "action", "src", "hx-get", "hx-post", "hx-target"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.values += [value or "" for name, value in attrs if name in URL_ATTRIBUTES]


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.values


def test_the_link_check_sees_a_shadowed_variable():
    assert _links('<a href="/c/#<Block Node: content>">x</a>') == ["/c/#<Block Node: content>"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("route", CLIENT_ROUTES, ids=str)
def test_no_link_on_a_client_page_holds_template_internals(world, route, htmx):
    _, objects = client_objects(world.studio, author=world.alice)
    headers = {"HX-Request": "true"} if htmx else {}
    response = world.client_for(world.alice).get(route.url(objects), headers=headers)
    if not response["Content-Type"].startswith("text/html"):
        return  # PDFs and JSON downloads hold no links
    assert response.status_code < 500
    bad = [link for link in _links(response.text) if "<" in link]
    assert bad == [], f"{route}: {bad}"
