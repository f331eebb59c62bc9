"""gunicorn settings for production: `gunicorn practice.wsgi` reads this file by itself.

Every value can be overridden by an environment variable of the same name in capitals with a
GUNICORN_ prefix (for example GUNICORN_WORKERS=8), or on the command line.
"""

import gc
import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(f"GUNICORN_{name}", default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two per core plus one: the pages wait on the database more than they compute.
workers = _int("WORKERS", multiprocessing.cpu_count() * 2 + 1)
# Long work (exports, batch prints, key rotation) runs in the task workers; the slowest request
# left is an uncached handout PDF: about a second, but over 20 s for a tailored eight-step
# handout (with its other ways) on two busy cores in the fault soak. The PDF's own limit
# (routines/paper/pdf.py RENDER_SECONDS) stays below this, so it ends as a clear error first.
timeout = _int("TIMEOUT", 60)
graceful_timeout = _int("GRACEFUL_TIMEOUT", 30)
# The app (Django, every view, every template, WeasyPrint and the print fonts) is loaded once,
# in the master, before it forks the workers: a worker starts warm in milliseconds and shares
# those pages of memory with the others. Loaded in each worker instead, a fresh worker spent
# over two seconds of CPU before its first answer (Django 1.35 s, WeasyPrint 1.03 s), and
# workers that restarted together left nothing serving. GUNICORN_PRELOAD_APP=0 turns it off.
preload_app = os.environ.get("GUNICORN_PRELOAD_APP", "1") not in {"0", "false", "no"}
# Workers are not recycled: memory stays flat without it (a handout PDF is made in a child
# process that exits, routines/paper/pdf.py; +0.8% RSS over 300 PDFs in one worker), and every
# recycle is a moment with one worker fewer. Set GUNICORN_MAX_REQUESTS to recycle anyway: the
# jitter then defaults to half of it, so workers come due far apart, and a restart is a fork of
# the warm master, not a cold start.
max_requests = _int("MAX_REQUESTS", 0)
max_requests_jitter = _int("MAX_REQUESTS_JITTER", max_requests // 2)
# The app writes its own line per request (practice/observability.py: request id, route,
# user and studio, never a path or query); set GUNICORN_ACCESSLOG=- for gunicorn's as well.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def when_ready(server) -> None:
    """In the master, once the app is loaded and before the first fork: warm what a worker's
    first request would otherwise pay for, then let go of anything a fork must not share."""
    if server.cfg.preload_app:
        warm_up()


def warm_up() -> None:
    from django.core.cache import caches
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver

    # Every URL pattern resolved, so every view module is imported.
    get_resolver().reverse_dict  # noqa: B018 - read for its side effect: the patterns load
    # Every template of the project compiled into the cached loader, which workers inherit.
    engine = engines["django"]
    for folder in engine.dirs:
        for template in Path(folder).rglob("*.html"):
            engine.get_template(template.relative_to(folder).as_posix())
    # WeasyPrint imported, the print fonts and stylesheet parsed (about a second of CPU).
    from routines.paper import pdf

    pdf.warm_up()
    # A connection or socket opened in the master would be shared by every forked worker:
    # two processes talking over one database connection corrupt each other's results.
    connections.close_all()
    caches.close_all()
    # What start-up allocated is never garbage: frozen, no collection in any worker scans it,
    # and its pages stay shared between the workers instead of being copied on write.
    gc.collect()
    gc.freeze()


def post_worker_init(worker) -> None:
    """Once the app is loaded: garbage is collected between requests, not during them
    (practice/collector.py says why and how)."""
    from practice.collector import collect_between_requests

    collect_between_requests()
