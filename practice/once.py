"""Create forms save once, however often they are sent.

A double click, a reload that re-posts, or Back and Send again would otherwise create a second
client, note or precaution. Each create form carries a one-time token (`{% submit_once %}`,
a random value made when the form is drawn); the view is wrapped in `@submit_once`, which
claims the token in the cache before the view runs and remembers where the saved thing can
be seen. The same token again answers "This was already saved" and goes there instead of
saving twice. The cache's `add` is the claim: it is atomic on Redis, so even two requests in
flight at once save one row. A form sent with errors releases its token, so it can be fixed
and sent again. `practice/static/js/forms.js` also disables the button while a form is sent.

Issued tokens are not recorded: a token only ever stops a second save, so one that was made
up gains nothing, and a form posted without one (a script, an old page) is simply not
guarded. The cache holds only codes and URLs made of codes, never what was typed.
"""

import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

FIELD = "submit_once"
PENDING = ""  # claimed, the view still running
TOKEN_SECONDS = 24 * 3600
ALREADY_SAVED = "This was already saved."


def token_input() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_hex(16))


def _cache_key(request: HttpRequest, token: str) -> str:
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
        key = _cache_key(request, token[:64])
        if not cache.add(key, PENDING, TOKEN_SECONDS):
            # Sent before: saved already, or still being saved by the first request.
            return _already_saved(
                request, cache.get(key) or _where_it_shows(request, HttpResponse())
            )
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            cache.delete(key)
            raise
        if response.status_code >= 400:
            cache.delete(key)  # nothing was saved: fix the form and send it again
        else:
            cache.set(key, _where_it_shows(request, response), TOKEN_SECONDS)
        return response

    return guarded
