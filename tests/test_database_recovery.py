"""After a PostgreSQL restart every pooled connection is dead: the pool must replace them all at
the first, not hand them out one by one with growing waits until a request fails."""

import time

import psycopg
import pytest
from django.db import connection

from practice.db.postgresql.base import SweepingConnectionPool

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the connection pool is PostgreSQL's"
    ),
]


def test_a_pool_whose_connections_all_died_serves_a_fresh_one_at_once():
    params = {**connection.get_connection_params(), "autocommit": True}
    pool = SweepingConnectionPool(
        kwargs=params, min_size=3, max_size=5, timeout=2, check=True, open=False
    )
    pool.open(wait=True)
    try:
        held = [pool.getconn() for _ in range(3)]
        pids = [conn.info.backend_pid for conn in held]
        for conn in held:
            pool.putconn(conn)
        # What a restart does to them: the server ends every one.
        with psycopg.connect(**params) as admin:
            for pid in pids:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        started = time.monotonic()
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert time.monotonic() - started < 1.0
    finally:
        pool.close()
