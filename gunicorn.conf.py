"""gunicorn settings for production: `gunicorn practice.wsgi` reads this file by itself.

Every value can be overridden by an environment variable of the same name in capitals with a
GUNICORN_ prefix (for example GUNICORN_WORKERS=8), or on the command line.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(f"GUNICORN_{name}", default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two per core plus one: the pages wait on the database more than they compute.
workers = _int("WORKERS", multiprocessing.cpu_count() * 2 + 1)
# No request should come near this: long work (exports, batch prints, key rotation) runs in the
# task workers, and the slowest request left is an uncached handout PDF (about a second).
timeout = _int("TIMEOUT", 30)
graceful_timeout = _int("GRACEFUL_TIMEOUT", 30)
# A worker is replaced after about this many requests; the jitter keeps them from all
# restarting at once. Recycling bounds whatever memory a long-lived worker accumulates.
max_requests = _int("MAX_REQUESTS", 1000)
max_requests_jitter = _int("MAX_REQUESTS_JITTER", 100)
# WeasyPrint is imported on a worker's first PDF, not at start-up (routines/pdf.py), so
# workers start fast and preloading the app gains little.
preload_app = False
# The app writes its own line per request (practice/observability.py: request id, route,
# user and studio, never a path or query); set GUNICORN_ACCESSLOG=- for gunicorn's as well.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker) -> None:
    """Once the app is loaded: garbage is collected between requests, not during them
    (practice/collector.py says why and how)."""
    from practice.collector import collect_between_requests

    collect_between_requests()
