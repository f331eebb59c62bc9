"""One structured log line per request, request ids on error pages, scrubbed error reports."""

import json
import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from practice import urls
from practice.models import WorkerHeartbeat
from practice.observability import (
    JSONFormatter,
    RedactSecretsFilter,
    redact_secrets,
    scrub_error_event,
)
from tests.conftest import run_task_worker
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@login_not_required
def _broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", _broken_view), *urls.urlpatterns]
handler500 = "practice.views.server_error"


def test_every_request_logs_one_line_with_its_id_route_user_and_studio(world, caplog):
    client_record = ClientFactory(studio=world.studio, full_name="Rosa Example")
    caplog.set_level(logging.INFO, logger="groundwork.requests")

    response = world.client_for(world.alice).get(
        client_record.get_absolute_url() + "?q=Rosa+Example"
    )

    [record] = [r for r in caplog.records if r.name == "groundwork.requests"]
    assert record.request_id == response["X-Request-ID"]
    assert record.status == 200
    assert record.user == world.alice.user.pk
    assert record.studio == str(world.studio.code)
    assert record.route.endswith("<uuid:client_code>/")
    line = JSONFormatter().format(record)
    assert json.loads(line)["request_id"] == record.request_id
    # The line names the URL pattern, never the path's codes or a search for a name.
    assert "Rosa" not in line
    assert str(client_record.code) not in line


def test_a_well_formed_request_id_from_the_load_balancer_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})
    assert response["X-Request-ID"] == "lb-1234abcd"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


@override_settings(ROOT_URLCONF=__name__)
def test_the_error_page_shows_the_request_id_to_quote():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/", headers={"X-Request-ID": "quote-me-123"})
    assert response.status_code == 500
    assert "quote-me-123" in response.text


def test_not_found_pages_show_the_request_id_too(world):
    response = world.client_for(world.alice).get("/studios/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response["X-Request-ID"] in response.text


def test_error_reports_lose_bodies_urls_cookies_and_local_variables():
    event = {
        "request": {
            "method": "POST",
            "url": "https://example.test/invitations/secret-token/",
            "data": {"note": "what the client shared"},
            "cookies": {"sessionid": "abc"},
            "query_string": "q=Rosa",
        },
        "exception": {
            "values": [{"stacktrace": {"frames": [{"function": "f", "vars": {"x": "text"}}]}}]
        },
        "breadcrumbs": {"values": [{"message": "SELECT ... Rosa"}]},
        "extra": {"anything": "else"},
    }

    scrubbed = json.dumps(scrub_error_event(event, {}))

    for secret in ("what the client shared", "secret-token", "sessionid", "Rosa", "text"):
        assert secret not in scrubbed
    assert '"method": "POST"' in scrubbed


@pytest.fixture
def worker_seen():
    return WorkerHeartbeat.objects.create(name="host:1", seen_at=timezone.now())


def test_healthz_is_ok_when_the_database_the_cache_and_a_worker_answer(client, worker_seen):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "tasks_waiting": 0,
        "workers": "ok",
    }


def test_healthz_calls_a_cache_that_does_not_answer_degraded_but_keeps_the_server(
    client, worker_seen
):
    with mock.patch("practice.views.cache.get", return_value=None):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["cache"] == "not answering"


def test_healthz_calls_an_unreachable_cache_degraded_and_names_it(client, worker_seen):
    with mock.patch("practice.views.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unreachable",
        "tasks_waiting": 0,
        "workers": "ok",
        "degraded": ["cache"],
    }


def test_healthz_reports_workers_not_seen_lately_as_degraded(client, worker_seen, settings):
    WorkerHeartbeat.objects.update(
        seen_at=timezone.now() - timedelta(seconds=settings.WORKER_SEEN_SECONDS + 1)
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert (response.json()["workers"], response.json()["degraded"]) == ("not seen", ["workers"])


def test_healthz_takes_the_server_out_when_the_database_does_not_answer(client):
    with mock.patch("practice.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable", "cache": "ok"}


def test_healthz_answers_503_not_500_when_counting_tasks_fails(client):
    with mock.patch.object(DBTaskResult.objects, "ready", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_overlapping_health_checks_each_probe_the_cache_with_their_own_key(client, worker_seen):
    # Another server's check writing between this one's write and read must not fail it.
    real_set = cache.set

    def another_check_writes_too(key, value, *args, **kwargs):
        real_set(key, value, *args, **kwargs)
        real_set("healthz:probe", "another check's value", *args, **kwargs)

    with mock.patch("practice.views.cache.set", side_effect=another_check_writes_too):
        statuses = {client.get("/healthz").json()["cache"] for _ in range(3)}
    assert statuses == {"ok"}


def test_healthz_counts_the_tasks_waiting_for_a_worker(world, client):
    world.client_for(world.alice).post(reverse("studio_export", args=[world.studio.code]))
    assert client.get("/healthz").json()["tasks_waiting"] == 1
    run_task_worker()
    assert client.get("/healthz").json()["tasks_waiting"] == 0


def test_secret_tokens_in_paths_never_reach_a_log_line():
    token = "0vsflPf9klo-LxUzH1J2i0q5rMp_H9Tt7nIsO2oSQxo"
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
        (f"/p/{token}/practised/",), None,
    )  # fmt: skip
    record.request = f"<WSGIRequest: POST '/p/{token}/practised/'>"
    record.status_code = 500

    assert RedactSecretsFilter().filter(record)
    line = JSONFormatter().format(record)

    assert token not in line
    assert "/p/[redacted]/practised/" in line
    for secret_path in (f"/invitations/{token}/", f"/calendar/{token}.ics"):
        assert token not in redact_secrets(secret_path)
    # Ordinary codes (UUIDs in studio URLs) are not secrets and stay readable.
    assert redact_secrets("/studios/9d7ae23e-8145/clients/") == "/studios/9d7ae23e-8145/clients/"


@override_settings(ROOT_URLCONF=__name__)
def test_every_error_log_line_carries_the_reference_on_the_error_page(caplog):
    caplog.set_level(logging.INFO)
    client = Client(raise_request_exception=False)
    response = client.get("/broken/", headers={"X-Request-ID": "quote-me-456"})
    assert "quote-me-456" in response.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and {getattr(r, "request_id", None) for r in errors} == {"quote-me-456"}
    assert any(getattr(r, "request_id", None) == "quote-me-456" for r in caplog.records)


@override_settings(ROOT_URLCONF=__name__)
def test_the_request_line_is_written_even_when_the_signed_in_user_cannot_be_loaded(world, caplog):
    caplog.set_level(logging.INFO, logger="groundwork.requests")
    client = world.client_for(world.alice)
    client.raise_request_exception = False
    with mock.patch(
        "django.contrib.auth.middleware.auth.get_user", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz", headers={"X-Request-ID": "db-down-789"})
    [line] = [r for r in caplog.records if r.name == "groundwork.requests"]
    assert line.request_id == "db-down-789" == response["X-Request-ID"]


def test_the_log_line_of_a_503_answer_carries_the_request_id(client, caplog):
    caplog.set_level(logging.INFO)
    with mock.patch("practice.views.connection.cursor", side_effect=OperationalError("down")):
        client.get("/healthz", headers={"X-Request-ID": "out-of-rotation-1"})
    [line] = [r for r in caplog.records if r.name == "django.request"]
    assert line.request_id == "out-of-rotation-1"
