"""gunicorn as production runs it (gunicorn.conf.py): the app is loaded once in the master, so
a worker recycled under sustained load is replaced by a fork of it in milliseconds, and the
server never stops answering."""

import gc
import itertools
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.core.cache import caches
from django.db import connections
from django.template import engines

from tests.load.cluster import ROOT, production_env

CONFIG = ROOT / "gunicorn.conf.py"
REQUESTS = 300
MAX_REQUESTS = 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path: Path):
    """Two workers, each recycled after 20 to 30 requests, on a loopback port."""
    port = _free_port()
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", "", tmp_path, s3={})
    env.update(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        GUNICORN_MAX_REQUESTS=str(MAX_REQUESTS),
        GUNICORN_MAX_REQUESTS_JITTER="10",
    )
    # /healthz reads the task queue's table: a migrated database, as production has.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "practice.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield base, log_path
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.server
def test_workers_recycled_under_sustained_load_leave_no_gap_over_a_second(gunicorn):
    base, log_path = gunicorn
    finished = [time.monotonic()]
    statuses = set()
    # One request after another, each sent as soon as the last is answered: steady load,
    # and any moment with no worker ready shows as a gap between two answers. (Through the
    # whole middleware stack to the database and the cache; pages need static files
    # collected, which a test has no place to put.)
    with httpx.Client(timeout=10) as http:
        for _ in range(REQUESTS):
            statuses.add(http.get(base + "/healthz").status_code)
            finished.append(time.monotonic())
    assert statuses == {200}
    longest_gap = max(later - earlier for earlier, later in itertools.pairwise(finished))
    restarts = log_path.read_text().count("Autorestarting worker")
    # Two workers that each serve at most 30 requests: many recycles, none felt.
    assert restarts >= REQUESTS // (MAX_REQUESTS + 10)
    assert longest_gap < 1.0, f"{longest_gap:.2f} s without an answer ({restarts} restarts)"


def test_the_master_warms_up_and_keeps_no_connection_a_fork_would_share(monkeypatch):
    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append("database"))
    monkeypatch.setattr(caches, "close_all", lambda: closed.append("cache"))
    try:
        runpy.run_path(str(CONFIG))["warm_up"]()
    finally:
        gc.unfreeze()
    assert closed == ["database", "cache"]
    assert "weasyprint" in sys.modules
    # Every template compiled in the master, so a worker's first page finds it cached.
    (partials,) = engines["django"].engine.template_loaders
    (cached,) = partials.loaders
    assert "routines/dashboard.html" in cached.get_template_cache


def test_workers_are_not_recycled_unless_asked(monkeypatch):
    assert runpy.run_path(str(CONFIG))["max_requests"] == 0
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "1000")
    recycled = runpy.run_path(str(CONFIG))
    assert (recycled["max_requests"], recycled["max_requests_jitter"]) == (1000, 500)
    assert recycled["preload_app"] is True
