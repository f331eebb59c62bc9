from unittest import mock

import pytest
from django.contrib.staticfiles import finders
from django.db.utils import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # No task worker runs in tests: that degrades the server, it does not take it out.
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "tasks_waiting": 0,
        "workers": "not seen",
        "degraded": ["workers"],
    }


def test_healthz_reports_an_unreachable_database(client):
    with mock.patch("practice.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_pages_load_htmx_from_our_own_static_files(world):
    page = world.client_for(world.bob).get(world.studio.get_absolute_url()).text
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert finders.find("django_htmx/htmx-2.min.js")
    assert finders.find("vendor/pico/pico.jade.min.css")
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert '"historyCacheSize": 0' in page


def test_signed_in_pages_are_never_stored_by_the_browser(world):
    response = world.client_for(world.bob).get(world.studio.get_absolute_url())
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_content_security_policy_allows_only_our_own_scripts(client):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_404_page_is_in_the_app_style(world):
    response = world.client_for(world.charlie).get(world.studio.get_absolute_url())
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert "Willow Room" not in response.text  # nothing about the other studio leaks


def test_the_403_page_explains_roles(world):
    response = world.client_for(world.bob).get(reverse("studio_settings", args=[world.studio.code]))
    assert response.status_code == 403
    assert "not available for your role" in response.text


def test_the_500_page_renders_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "pico" in response.content.decode()


def test_navigation_has_landmarks_and_a_skip_link(world):
    page = world.client_for(world.bob).get(world.studio.get_absolute_url()).text
    assert 'href="#main"' in page
    assert '<main id="main"' in page
    assert '<nav class="container" aria-label="Main">' in page
