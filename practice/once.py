"""Create forms save once, however often they are sent.

A double click, a reload that re-posts, or Back and Send again would otherwise create a second
client, note or precaution. Each create form carries a one-time token (`{% submit_once %}`,
a random value made when the form is drawn); the view is wrapped in `@submit_once`, which
claims the token in the database before the view runs and remembers where the saved thing can
be seen. The same token again answers "This was already saved" and goes there instead of
saving twice. The claim is a row with a unique key, so even two requests in flight at once
save one row; it lives in the database, not the cache, so a cache outage or eviction never
lets a re-sent form save twice. A form sent with errors releases its token, so it can be fixed
and sent again. Claims older than a day are deleted as new ones are made.
`practice/static/js/forms.js` also disables the button while a form is sent.

Issued tokens are not recorded: a token only ever stops a second save, so one that was made
up gains nothing, and a form posted without one (a script, an old page) is simply not
guarded. A claim holds only codes and URLs made of codes, never what was typed.
"""

import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from practice.models import SubmitOnceClaim

FIELD = "submit_once"
TOKEN_LIFETIME = timedelta(days=1)
ALREADY_SAVED = "This was already saved."


def token_input() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_hex(16))


def _claim_key(request: HttpRequest, token: str) -> str:
    return f"submit-once:{request.user.pk}:{token}"


def _where_it_shows(request: HttpRequest, response: HttpResponse) -> str:
    """Where the saved thing can be seen: the redirect, or the page the form was on."""
    for header in ("Location", "HX-Redirect"):
        if response.has_header(header):
            return response[header]
    for header in ("HX-Current-URL", "Referer"):
        url = request.headers.get(header, "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
    return "/"


def _already_saved(request: HttpRequest, url: str) -> HttpResponse:
    messages.info(request, ALREADY_SAVED)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url or "/")
    return redirect(url or "/")


def submit_once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not token:
            return view(request, *args, **kwargs)
        key = _claim_key(request, token[:64])
        claims = SubmitOnceClaim.objects.filter(key=key)
        if not _claim(key):
            # Sent before: saved already, or still being saved by the first request.
            where = claims.values_list("where", flat=True).first()
            return _already_saved(request, where or _where_it_shows(request, HttpResponse()))
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            claims.delete()
            raise
        if response.status_code >= 400:
            claims.delete()  # nothing was saved: fix the form and send it again
        else:
            claims.update(where=_where_it_shows(request, response)[:500])
        return response

    return guarded


def _claim(key: str) -> bool:
    SubmitOnceClaim.objects.filter(created_at__lt=timezone.now() - TOKEN_LIFETIME).delete()
    try:
        with transaction.atomic():
            SubmitOnceClaim.objects.create(key=key)
    except IntegrityError:
        return False
    return True
