import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

from practice.memberships import memberships_of

LOGIN_SESSION_LAST_STUDIO = "last_studio_code"
LOGIN_SESSION_REFRESHED_AT = "refreshed_at"
LOGIN_SESSION_REFRESH_SECONDS = 60


class StudioMiddleware:
    """Resolves `studio_code` from the URL into `request.studio` and `request.membership`.

    The membership lookup is the tenant boundary: a person who is not a member of the studio
    gets the same 404 as for a studio that does not exist, so codes cannot be probed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        studio_code = view_kwargs.get("studio_code")
        if studio_code is None:
            return None
        # All of the person's memberships: the page's studio switcher lists them
        # (practice/context_processors.py), and this studio's is among them or nowhere. Each
        # is given the signed-in user, already loaded, so rules that read membership.user (who
        # may read a note) need no query of their own, nor a join reading her row again.
        if not request.user.is_authenticated:  # LoginRequiredMiddleware has sent them to sign in
            raise Http404("No such studio")
        memberships = memberships_of(request.user)
        request.user_memberships = memberships  # type: ignore[attr-defined]
        membership = next((m for m in memberships if m.studio.code == studio_code), None)
        if membership is None:
            raise Http404("No such studio")
        if membership.studio.require_mfa and not is_mfa_enabled(request.user):
            messages.info(
                request,
                f"{membership.studio.name} asks every member to use two-factor sign-in. "
                "Set it up here, then carry on.",
            )
            if request.htmx:  # type: ignore[attr-defined]
                # htmx follows a 302 itself and would swap the set-up page into a fragment.
                return HttpResponseClientRedirect(reverse("mfa_activate_totp"))
            return redirect("mfa_activate_totp")
        request.studio = membership.studio  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        # Written only when it changes: a session write on every page serialised the workers.
        if request.session.get(LOGIN_SESSION_LAST_STUDIO) != str(studio_code):
            request.session[LOGIN_SESSION_LAST_STUDIO] = str(studio_code)
        return None


class IdleSessionMiddleware:
    """Pushes a signed-in session's expiry forward at most once a minute.

    The idle timeout needs the expiry to follow activity, but saving the session on every
    request (SESSION_SAVE_EVERY_REQUEST) wrote a row per page view. Refreshing when the last
    refresh is a minute old keeps the timeout accurate to a minute with one write per minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            refreshed = request.session.get(LOGIN_SESSION_REFRESHED_AT, 0)
            if now - refreshed >= LOGIN_SESSION_REFRESH_SECONDS:
                request.session[LOGIN_SESSION_REFRESHED_AT] = now
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Keeps signed-in pages out of shared caches and out of the browser's history storage.

    Client records must not reappear from the back button on a shared studio computer after
    sign-out, so every response to a signed-in person is `no-store`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A response may opt out when it holds nothing private and its URL changes with its
        # content (pose figures): browsers may then keep it for a long time.
        if request.user.is_authenticated and not getattr(response, "shareable_forever", False):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
