"""Tenant scoping: resolving the studio from the URL and checking the member's role.

`StudioMiddleware` (see middleware.py) sets `request.studio` and `request.membership` once per
request for every URL that carries a `studio_code`; `studio_view` then checks one named rule.
Every studio view must use `studio_view`: the URL-walking test fails for one that does not.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

import rules
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_htmx.middleware import HtmxDetails

from practice.models import Membership, Studio, User

P = ParamSpec("P")


class SignedInRequest(HttpRequest):
    """The request of a page that needs a sign-in (every page but a few public ones:
    LoginRequiredMiddleware), with what the middleware adds."""

    user: User
    htmx: HtmxDetails  # django_htmx's middleware


class StudioRequest(SignedInRequest):
    """The request a studio view receives: the middleware has resolved the tenant."""

    studio: Studio
    membership: Membership


StudioViewFunc = Callable[Concatenate[StudioRequest, P], HttpResponseBase]


def studio_view(permission: str) -> Callable[[StudioViewFunc[P]], Callable[..., HttpResponseBase]]:
    """Marks a view as studio-scoped and requires `permission` (a rule in a `rules.py`).

    Outsiders never reach the view (the middleware answers 404); a member whose role lacks the
    permission gets 403.
    """
    if not rules.rule_exists(permission):
        raise ImproperlyConfigured(f"No rule named {permission!r}")

    def decorator(view: StudioViewFunc[P]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(
            request: StudioRequest, studio_code: object, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            membership = getattr(request, "membership", None)
            if membership is None:
                raise ImproperlyConfigured("StudioMiddleware did not resolve this studio URL")
            if not rules.test_rule(permission, membership):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.studio_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator


def studio_can(request: HttpRequest, permission: str) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and rules.test_rule(permission, membership)


def ensure_same_studio(studio_id: int, *objects: object) -> None:
    """Services call this on every object they are handed: one studio's data never meets
    another's. Objects without a studio (None, or shared library poses) pass."""
    for obj in objects:
        owner = getattr(obj, "studio_id", None)
        if owner is not None and owner != studio_id:
            raise ValueError(f"{obj!r} belongs to another studio.")
