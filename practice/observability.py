"""What operators see: one structured log line per request, and error reports without client text.

Log lines name the URL *pattern* (never the path: paths can hold invitation or feed tokens, and
query strings hold client-name searches), the signed-in user's id and the studio's code. The
request id comes from the load balancer when it sends a well-formed one, so a line can be
followed across servers; error pages show it so a teacher can quote it to support, and every
log record made while the request is handled carries the same id (Django's own "Internal Server
Error" line included), so the reference on an error page always finds its lines.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from sentry_sdk.types import Event, Hint

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
# Attributes every LogRecord has; anything else was passed through `extra=` and is ours.
_RECORD_DEFAULTS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

logger = logging.getLogger("groundwork.requests")
_current_request_id: ContextVar[str] = ContextVar("request_id", default="")


def forget_request_id(**kwargs: Any) -> None:
    """The request is finished: later records in this thread belong to no request."""
    _current_request_id.set("")


def install_request_id_on_records() -> None:
    """Makes every log record created during a request carry its id (PracticeConfig.ready)."""
    request_finished.connect(forget_request_id, dispatch_uid="groundwork-forget-request-id")
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "adds_request_id", False):
        return

    def record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        request_id = _current_request_id.get()
        if request_id:
            record.request_id = request_id
        return record

    record_with_request_id.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(record_with_request_id)


# Paths whose next segment is a secret: invitation links, calendar feeds, practice links.
_SECRET_IN_PATH = re.compile(r"(/(?:invitations|calendar|p)/)[A-Za-z0-9_\-]{16,}")


def redact_secrets(text: str) -> str:
    return _SECRET_IN_PATH.sub(r"\1[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Django's own error lines name the failing path ("Internal Server Error: /p/<token>/")
    and the request: the tokens in those paths open a client's practice page, a teacher's
    calendar or a studio invitation, so they are blanked before any handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_secrets(record.getMessage())
        record.args = ()
        for key, value in list(vars(record).items()):
            if key == "request" or (key not in _RECORD_DEFAULTS and isinstance(value, str)):
                setattr(record, key, redact_secrets(str(value)))
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line: easy to ship to any log store and to grep."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in _RECORD_DEFAULTS
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RequestLogMiddleware:
    """Gives every request an id and writes one line when its response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _WELL_FORMED_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Cleared when the response is finished (request_finished), not here: Django writes its
        # "Service Unavailable" line for a 5xx answer after every middleware has returned.
        _current_request_id.set(request_id)
        return self._respond(request, request_id)

    def _respond(self, request: HttpRequest, request_id: str) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        match = getattr(request, "resolver_match", None)
        # Only a user this request already loaded: looking one up here would query the
        # database, and when that is what failed, the line with the error's id would be lost.
        user = getattr(request, "_cached_user", None)
        studio = getattr(request, "studio", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "route": match.route if match else None,
                "view": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.pk if user is not None and user.is_authenticated else None,
                "studio": str(studio.code) if studio is not None else None,
            },
        )
        return response


def scrub_error_event(event: Event, hint: Hint) -> Event:
    """Drops everything in an error report that could carry client text or secrets.

    Request bodies, query strings, cookies and headers go; so do local variables (a frame may
    hold decrypted intake text) and breadcrumbs' messages. What is left is the stack and the route.
    """
    request = event.get("request")
    if isinstance(request, dict):
        # The URL goes too: a path can hold an invitation or feed token. The route names the page.
        event["request"] = {"method": request.get("method")}
    for exception in event.get("exception", {}).get("values", []) or []:
        for frame in (exception.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    return event
