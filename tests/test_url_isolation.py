"""Every URL pattern of the project, walked for access control and tenant isolation.

A new URL is covered here without anyone remembering to add it: it must either be in
PUBLIC_URL_NAMES, or send an anonymous visitor to sign in; a studio URL must declare its rule
with `@studio_view`, answer 404 to another studio's members, answer 404 for another studio's
objects even inside the outsider's own studio, and 403 to a member whose role lacks the rule.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import factory
import pytest
import rules
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from practice.models import Membership
from tests.factories import (
    AddendumFactory,
    BackgroundJobFactory,
    ClientFactory,
    ConsentSignatureFactory,
    InvitationFactory,
    ModificationFactory,
    PoseFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    TriggerFactory,
)

# Pages that anyone may open without signing in. Keep this list short and deliberate.
PUBLIC_URL_NAMES = {
    "healthz",
    "invitation_accept",
    "account_signup",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",
    "admin:login",
    "admin:logout",
}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
# Views that also check the object itself: the role's rule allows them, yet this object may
# still be refused with 403 (a note is edited only by its author, and only while unsigned).
OBJECT_CHECKED_ROUTES = {"note_edit"}


@dataclass(frozen=True)
class Route:
    name: str
    kwarg_names: tuple[str, ...]
    callback: Any
    # Django's admin has a few unnamed redirect patterns; those are built from their route.
    template: str = ""

    @property
    def is_studio_route(self) -> bool:
        return "studio_code" in self.kwarg_names

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        return tuple(name for name in self.kwarg_names if name != "studio_code")

    def __str__(self) -> str:
        return self.name


def _kwarg_names(pattern: URLPattern | URLResolver) -> tuple[str, ...]:
    route_pattern = pattern.pattern
    converters = getattr(route_pattern, "converters", None)
    if converters:
        return tuple(converters)
    return tuple(route_pattern.regex.groupindex)


def _walk(
    patterns, namespace: str = "", inherited: tuple[str, ...] = (), prefix: str = ""
) -> Iterator[Route]:
    for pattern in patterns:
        kwargs = inherited + _kwarg_names(pattern)
        template = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, inner, kwargs, template)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name, kwargs, pattern.callback)
        elif namespace == "admin":
            yield Route(f"admin:<{template}>", kwargs, pattern.callback, template)
        else:
            raise AssertionError(f"Every URL needs a name so it can be walked: {template}")


def _unique(routes: Iterator[Route]) -> list[Route]:
    # The project's sign-up view shadows allauth's own under the same name: test it once.
    seen: dict[str, Route] = {}
    for route in routes:
        seen.setdefault(route.name, route)
    return list(seen.values())


ALL_ROUTES = _unique(_walk(get_resolver().url_patterns))
PROTECTED_ROUTES = [route for route in ALL_ROUTES if route.name not in PUBLIC_URL_NAMES]
STUDIO_ROUTES = [route for route in ALL_ROUTES if route.is_studio_route]
STUDIO_OBJECT_ROUTES = [route for route in STUDIO_ROUTES if route.object_kwargs]
ROLES = list(Membership.Role)


@pytest.fixture
def objects(world):
    """One object of each kind that studio URLs point at, all belonging to studio A."""
    pose = PoseFactory(studio=world.studio, image=factory.django.ImageField(width=80, height=80))
    modification = ModificationFactory(pose=pose)
    step = RoutineStepFactory(routine=RoutineFactory(studio=world.studio))
    client = ClientFactory(studio=world.studio)
    addendum = AddendumFactory(note__client=client, note__author=world.bob.user)
    return {
        "client_code": client.code,
        "precaution_code": PrecautionFactory(client=client).code,
        "trigger_code": TriggerFactory(client=client).code,
        "note_code": addendum.note.code,
        "addendum_code": addendum.code,
        "signature_code": ConsentSignatureFactory(client=client).code,
        "member_code": world.bob.code,
        "invitation_code": InvitationFactory(studio=world.studio).code,
        "pose_code": modification.pose.code,
        "modification_code": modification.code,
        "routine_code": step.routine.code,
        "step_code": step.code,
        # A batch print: every role may print, so every role may follow the job.
        "job_code": BackgroundJobFactory(studio=world.studio, requested_by=world.alice.user).code,
    }


# Values for URLs outside studios (admin, allauth), where only the shape matters.
GENERIC_KWARGS = {
    "token": "not-a-real-token",
    "key": "not-a-real-key",
    "uidb36": "zz",
    "app_label": "practice",
    "object_id": "1",
    "id": "1",
    "content_type_id": "1",
    "url": "nowhere",
}


def _url(route: Route, studio_code, objects: dict) -> str:
    kwargs = {}
    for name in route.kwarg_names:
        if name == "studio_code":
            kwargs[name] = studio_code
        elif name in objects:
            kwargs[name] = objects[name]
        elif name in GENERIC_KWARGS and not route.is_studio_route:
            kwargs[name] = GENERIC_KWARGS[name]
        else:
            raise AssertionError(
                f"{route}: add an object for <{name}> to the `objects` fixture so that the "
                "isolation tests can reach this URL"
            )
    if route.template:
        path = route.template
        for name, value in kwargs.items():
            path = re.sub(rf"<(\w+:)?{name}>", str(value), path)
        return "/" + path
    return reverse(route.name, kwargs=kwargs)


def test_the_walk_finds_the_studio_pages():
    names = {route.name for route in STUDIO_ROUTES}
    assert {"studio_dashboard", "team", "member_role", "studio_settings"} <= names


def test_every_public_url_name_still_exists():
    assert {route.name for route in ALL_ROUTES} >= PUBLIC_URL_NAMES


@pytest.mark.parametrize("route", PROTECTED_ROUTES, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, objects, route):
    url = _url(route, world.studio.code, objects)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{method.__name__.upper()} {url}"
        assert response["Location"].startswith(LOGIN_PATHS), response["Location"]


@pytest.mark.parametrize("route", sorted(PUBLIC_URL_NAMES))
def test_public_pages_answer_without_error(client, world, objects, route):
    route_obj = next(r for r in ALL_ROUTES if r.name == route)
    response = client.get(_url(route_obj, world.studio.code, objects))
    assert response.status_code < 500


@pytest.mark.parametrize("route", STUDIO_ROUTES, ids=str)
def test_every_studio_view_declares_a_known_rule(route):
    permission = getattr(route.callback, "studio_permission", None)
    assert permission, f"{route} must be wrapped in @studio_view(<rule>)"
    assert rules.rule_exists(permission)


@pytest.mark.parametrize("route", STUDIO_ROUTES, ids=str)
def test_members_of_another_studio_get_404(world, objects, route):
    client = world.client_for(world.charlie)
    url = _url(route, world.studio.code, objects)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("route", STUDIO_OBJECT_ROUTES, ids=str)
def test_another_studios_objects_404_even_inside_your_own_studio(world, objects, route):
    """Charlie owns studio B and may do anything there, but not to studio A's objects."""
    client = world.client_for(world.charlie)
    url = _url(route, world.other_studio.code, objects)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code in (404, 405)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", STUDIO_ROUTES, ids=str)
def test_roles_get_exactly_what_their_rule_allows(world, objects, route, role):
    membership = world.by_role(role)
    client = world.client_for(membership)
    url = _url(route, world.studio.code, objects)
    if rules.test_rule(route.callback.studio_permission, membership):
        refused = (404, 500) if route.name in OBJECT_CHECKED_ROUTES else (403, 404, 500)
        assert client.get(url).status_code not in refused
    else:
        assert client.post(url).status_code == 403
        assert client.get(url).status_code in (403, 405)
