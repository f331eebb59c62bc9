"""Every page that shows anything of a client leaves an audit entry for that client.

Walks every URL pattern whose kwargs include `client_code`, so a new client page is covered
without anyone remembering to add it. Each is opened with a GET by the owner, as a page and as
an htmx fragment; whatever answers 200 must have written at least one entry for that client.
"""

import pytest

from clients.models import AuditEvent
from tests.client_routes import CLIENT_ROUTES, client_objects

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
# Query strings a page needs to show something at all (without one it redirects).
QUERIES = {"intake_section": {"block": "precautions"}}
# A GET that shows nothing: a redirect to the client page (audited there) or POST only.
SHOWS_NOTHING = {302, 405}


def test_the_walk_finds_the_client_pages():
    names = {route.name for route in CLIENT_ROUTES}
    assert {"client_detail", "precaution_add", "client_erase", "client_consent_form"} <= names


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("route", CLIENT_ROUTES, ids=str)
def test_every_client_page_is_audited(world, route, headers):
    client, objects = client_objects(world.studio, author=world.alice)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = world.client_for(world.alice).get(
        route.url(objects), QUERIES.get(route.name, {}), headers=headers
    )
    assert response.status_code in {200, *SHOWS_NOTHING}, f"{route} is not reached"
    if response.status_code in SHOWS_NOTHING:
        return
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.filter(client_code=client.code).exists(), f"{route} showed {client} unaudited"
