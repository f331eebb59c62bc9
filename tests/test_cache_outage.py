"""The cache can fail without taking the site with it: Redis stopped, and the one-machine
database cache bounded and atomic. Submit-once claims live in the database."""

import re
import socket

import pytest
from django.core.cache import cache, caches
from django.test import Client as Browser
from django.urls import reverse

from clients.models import Client
from practice import ratelimit
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="submit_once" value="([0-9a-f]+)"')


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def redis_stopped(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "practice.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return caches["default"]


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "practice.cache.AtomicDatabaseCache",
            "LOCATION": "groundwork_cache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
    return caches["default"]


def test_with_redis_stopped_sign_in_pages_and_saves_keep_working(world, redis_stopped):
    browser = Browser()
    signed_in = browser.post(
        reverse("account_login"), {"login": world.alice.user.email, "password": TEST_PASSWORD}
    )
    assert signed_in.status_code == 302
    page = reverse("client_create", args=[world.studio.code])
    token = TOKEN.findall(browser.get(page).text)[-1]
    saved = browser.post(page, {"preferred_name": "Mina", "submit_once": token})
    assert saved.status_code == 302
    assert Client.objects.filter(preferred_name="Mina").count() == 1
    assert redis_stopped.degraded
    health = browser.get("/healthz")
    assert health.status_code == 200 and health.json()["cache"] == "unreachable"


def test_with_redis_stopped_rate_limits_still_count_in_each_process(redis_stopped):
    allowed = [ratelimit.allow("practice", "1.2.3.4", limit=3, window_seconds=60) for _ in range(5)]
    assert allowed == [True, True, True, False, False]


def test_a_form_sent_again_after_the_cache_was_emptied_saves_once(world):
    browser = world.client_for(world.alice)
    page = reverse("client_create", args=[world.studio.code])
    token = TOKEN.findall(browser.get(page).text)[-1]
    browser.post(page, {"preferred_name": "Mina", "submit_once": token})
    cache.clear()  # Redis restarted, or an eviction
    again = browser.post(page, {"preferred_name": "Mina", "submit_once": token})
    assert again.status_code == 302
    assert Client.objects.filter(preferred_name="Mina").count() == 1


def test_the_database_cache_keeps_counters_through_many_writes(database_cache):
    database_cache.add("counter", 0)
    database_cache.incr("counter")
    for number in range(600):
        database_cache.set(f"pdf-{number}", b"x")
    assert database_cache.incr("counter", 2) == 3
    assert database_cache.decr("counter") == 2


def test_the_database_cache_counts_only_live_keys(database_cache):
    with pytest.raises(ValueError):
        database_cache.incr("never-set")
    database_cache.set("gone", 1, timeout=-1)
    with pytest.raises(ValueError):
        database_cache.incr("gone")


def test_sign_in_limits_still_apply_on_the_database_cache(database_cache, client):
    user = UserFactory()
    for _ in range(10):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    refused = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert "Too many failed login attempts" in refused.text
