"""Settings are read once at start-up, so each case runs Django in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "x9Qw7ZpL2mVt" * 5,
    "ALLOWED_HOSTS": "groundwork.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://groundwork.example.org",
    "FIELD_ENCRYPTION_KEYS": "S2V5Rm9yVGVzdHNPbmx5LTMyYnl0ZXMtbG9uZy1rZXk=",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_an_encryption_key():
    result = _manage("check", **{**PRODUCTION, "FIELD_ENCRYPTION_KEYS": ""})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("SESSION_IDLE_MINUTES", "an hour", "SESSION_IDLE_MINUTES must be a whole number"),
        ("SESSION_IDLE_MINUTES", "0", "SESSION_IDLE_MINUTES must be at least 1"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL is not a database URL"),
    ],
)
def test_a_bad_value_is_a_loud_error(name, value, message):
    result = _manage("check", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_postgres_urls_use_the_connection_pool():
    code = (
        "from django.conf import settings; db = settings.DATABASES['default'];"
        "print(db['ENGINE'], bool(db['OPTIONS']['pool']), db['CONN_MAX_AGE'])"
    )
    result = _manage(
        "shell", "--no-imports", "-c", code, DATABASE_URL="postgres://u@db.example/groundwork"
    )
    assert result.stdout.split() == ["practice.db.postgresql", "True", "0"]


def test_redis_url_switches_to_a_shared_cache():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = _manage("shell", "--no-imports", "-c", code, REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.stdout.strip() == "practice.cache.ResilientRedisCache"


def test_without_redis_the_cache_is_the_bounded_atomic_database_cache():
    code = (
        "from django.conf import settings; cache = settings.CACHES['default'];"
        "print(cache['BACKEND'], cache['OPTIONS']['MAX_ENTRIES'])"
    )
    result = _manage("shell", "--no-imports", "-c", code)
    assert result.stdout.split() == ["practice.cache.AtomicDatabaseCache", "20000"]


def test_pooled_connections_are_checked_and_a_dead_database_answers_within_seconds():
    # Django hands the pool psycopg's check_connection when CONN_HEALTH_CHECKS is on.
    code = (
        "from django.conf import settings; db = settings.DATABASES['default'];"
        "pool = db['OPTIONS']['pool'];"
        "print(db['CONN_HEALTH_CHECKS'], pool['timeout'], pool['reconnect_timeout'],"
        " db['OPTIONS']['connect_timeout'])"
    )
    result = _manage(
        "shell", "--no-imports", "-c", code, DATABASE_URL="postgres://u@db.example/groundwork"
    )
    assert result.stdout.split() == ["True", "2", "4", "2"]
