import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from practice.models import Membership, Studio
from tests.factories import MembershipFactory, StudioFactory

Role = Membership.Role


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    # Real hashing costs a quarter second per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Rate-limit counters live in the cache; one test's failed logins must not lock out the next.
    cache.clear()


@dataclass
class World:
    """Studio A with alice (owner), bob (instructor), ada (assistant); charlie owns studio B."""

    studio: Studio
    alice: Membership
    bob: Membership
    ada: Membership
    other_studio: Studio
    charlie: Membership

    def client_for(self, membership: Membership | None) -> Client:
        client = Client()
        if membership is not None:
            client.force_login(membership.user)
        return client

    def by_role(self, role: str) -> Membership:
        return {Role.OWNER: self.alice, Role.INSTRUCTOR: self.bob, Role.ASSISTANT: self.ada}[role]


@pytest.fixture
def world(db) -> World:
    studio = StudioFactory(name="Willow Room")
    other_studio = StudioFactory(name="Harbour Light")
    return World(
        studio=studio,
        alice=MembershipFactory(studio=studio, role=Role.OWNER, user__name="Alice Owner"),
        bob=MembershipFactory(studio=studio, role=Role.INSTRUCTOR, user__name="Bob Teacher"),
        ada=MembershipFactory(studio=studio, role=Role.ASSISTANT, user__name="Ada Desk"),
        other_studio=other_studio,
        charlie=MembershipFactory(studio=other_studio, role=Role.OWNER, user__name="Charlie"),
    )


@pytest.fixture
def owner_client(world) -> Client:
    return world.client_for(world.alice)


def run_task_worker() -> None:
    """Runs every queued background task through the database backend, as `db_worker` does in
    production, then puts back the signal handlers the worker installs."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    # Between tasks the worker closes connections older than CONN_MAX_AGE, which on PostgreSQL
    # (pooled, age 0) would close the test's own connection inside its transaction.
    keep_connection = mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections"
    )
    try:
        with keep_connection:
            call_command(
                "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
            )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, spoken to over HTTP like any other S3-compatible service."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


@contextmanager
def a_bucket(endpoint: str, name: str) -> Iterator[Any]:
    """A new, empty bucket, removed with everything in it afterwards."""
    s3 = s3_client(endpoint)
    s3.create_bucket(Bucket=name)
    try:
        yield s3
    finally:
        for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
        s3.delete_bucket(Bucket=name)


@contextmanager
def uploads_in_a_bucket(settings: Any, endpoint: str, name: str) -> Iterator[Any]:
    """Uploads and job results in a bucket, as S3_BUCKET configures them."""
    with a_bucket(endpoint, name) as s3:
        options = {
            "bucket_name": name,
            "endpoint_url": endpoint,
            "access_key": "testing",
            "secret_key": "testing",
            "region_name": "us-east-1",
        }
        in_bucket = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
        settings.STORAGES = {**settings.STORAGES, "default": in_bucket, "jobs": in_bucket}
        yield s3
