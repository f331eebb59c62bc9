"""Every URL pattern of the project, walked for access control and tenant isolation.

A new URL is covered here without anyone remembering to add it: it must either be in
PUBLIC_URL_NAMES, or send an anonymous visitor to sign in; a studio URL must declare its rule
with `@studio_view`, appear in ROLE_TABLE (who may use it, written here by hand so a view that
declares the wrong rule is caught), answer 404 to another studio's members, answer 404 for
another studio's objects even inside the outsider's own studio, and 403 to a member whose role
is not in the table. A URL with a parent and a child code (a routine's step, a client's note)
answers 404 whenever the child is not the parent's own, so a child loaded by its code alone is
caught. Every check runs as a plain request and as an htmx one.
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
    IntakeInvitationFactory,
    InvitationFactory,
    ModificationFactory,
    PoseFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
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
    # Calendar apps cannot sign in: the secret token in the URL is the key.
    "calendar_feed",
    # A client's practice link: the token is the key (tests/test_practice_link.py walks them).
    "practice_player",
    "practice_report",
    "practice_figure",
    "practice_worker",
    # A client's intake link: the token is the key (tests/test_intake_link.py walks it).
    "intake_link_form",
    "mfa_authenticate",
    "admin:login",
    "admin:logout",
}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
# Views that also check the object itself: the role's rule allows them, yet this object may
# still be refused with 403 (a note is edited or signed only by its author, and edited only
# while unsigned).
OBJECT_CHECKED_ROUTES = {"note_edit", "note_sign"}

Role = Membership.Role
OWNER = frozenset({Role.OWNER})
TEACHERS = frozenset({Role.OWNER, Role.INSTRUCTOR})
EVERYONE = frozenset(Role)
# What a page is for: read (GET), a form page (GET shows it, POST saves it) or an action (POST).
READ, FORM, ACTION = frozenset({"GET"}), frozenset({"GET", "POST"}), frozenset({"POST"})

# Who may use each studio URL, from the product's rules (owner: team, settings, texts, audit,
# erasure, the studio export; instructor: clients and routines; assistant: names, contact and
# printing, never sensitive notes or the teacher sheet), and how it is used. Written by hand on
# purpose: the statuses expected below come from here, never from the rule a view declares.
ROLE_TABLE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "studio_dashboard": (EVERYONE, READ),
    "team": (EVERYONE, READ),
    "team_invite": (OWNER, ACTION),
    "invitation_revoke": (OWNER, ACTION),
    "member_role": (OWNER, ACTION),
    "member_remove": (OWNER, ACTION),
    "studio_settings": (OWNER, FORM),
    # The gentle note for text being typed: for those who write what clients read.
    "wording_note": (TEACHERS, ACTION),
    "pose_list": (EVERYONE, READ),
    "pose_create": (TEACHERS, FORM),
    "pose_figure_preview": (TEACHERS, READ),
    "pose_detail": (EVERYONE, READ),
    "pose_edit": (TEACHERS, FORM),
    "pose_edit_figure_preview": (TEACHERS, READ),
    "pose_copy": (TEACHERS, ACTION),
    "pose_image": (EVERYONE, READ),
    "pose_figure": (EVERYONE, READ),
    "modification_create": (TEACHERS, FORM),
    "modification_edit": (TEACHERS, FORM),
    "modification_delete": (TEACHERS, ACTION),
    "routine_list": (EVERYONE, READ),
    "routine_create": (TEACHERS, FORM),
    "routine_detail": (EVERYONE, READ),
    "routine_edit": (TEACHERS, ACTION),
    "routine_duplicate": (TEACHERS, ACTION),
    "routine_archive": (TEACHERS, ACTION),
    "routine_restore": (TEACHERS, ACTION),
    "step_picker": (TEACHERS, READ),
    "routine_print": (EVERYONE, READ),
    "routine_handout": (EVERYONE, READ),
    "routine_teacher_sheet": (TEACHERS, READ),
    "step_add": (TEACHERS, ACTION),
    "steps_reorder": (TEACHERS, ACTION),
    "step_edit": (TEACHERS, FORM),  # GET opens the step's editor, POST saves it
    "step_move": (TEACHERS, ACTION),
    "step_remove": (TEACHERS, ACTION),
    "step_swap": (TEACHERS, ACTION),
    "step_fix": (TEACHERS, ACTION),
    "step_other_way": (TEACHERS, ACTION),
    "step_keep": (TEACHERS, ACTION),
    "client_list": (EVERYONE, READ),
    "client_create": (TEACHERS, FORM),
    "client_detail": (EVERYONE, READ),
    "client_edit": (TEACHERS, FORM),
    "client_archive": (TEACHERS, ACTION),
    "client_restore": (TEACHERS, ACTION),
    "client_routine_create": (TEACHERS, FORM),
    "intake_section": (TEACHERS, READ),
    "precaution_add": (TEACHERS, FORM),
    "precaution_edit": (TEACHERS, FORM),
    "precaution_delete": (TEACHERS, FORM),  # GET asks "remove this?", POST removes
    "trigger_add": (TEACHERS, FORM),
    "trigger_edit": (TEACHERS, FORM),
    "trigger_delete": (TEACHERS, FORM),
    "preferences_edit": (TEACHERS, FORM),
    "touch_consent_edit": (TEACHERS, FORM),
    "clearance_edit": (TEACHERS, FORM),
    "consent_sign": (TEACHERS, FORM),
    "note_add": (TEACHERS, ACTION),
    "note_edit": (TEACHERS, FORM),
    "note_sign": (TEACHERS, ACTION),
    "addendum_add": (TEACHERS, ACTION),
    "client_export": (TEACHERS, READ),
    "client_erase": (OWNER, FORM),
    "audit_list": (OWNER, READ),
    "studio_export": (OWNER, READ),
    "consent_text": (OWNER, FORM),
    "consent_form": (EVERYONE, READ),
    # Consent cards hold the studio's words only: everyone who prints may print them.
    "consent_cards": (EVERYONE, READ),
    "client_consent_form": (EVERYONE, READ),
    "handout_settings": (OWNER, FORM),
    # Choosing a client by name shows names only, like the client list.
    "client_choose": (EVERYONE, READ),
    "routine_batch_print": (EVERYONE, ACTION),
    # A job's pages also ask the job's own rule (403 otherwise); the sample job is a batch
    # print, which every role may make.
    "job_detail": (EVERYONE, READ),
    "job_download": (EVERYONE, READ),
    "job_retry": (EVERYONE, ACTION),
    # Sessions: assistants see and plan them (names, times, places, the routine practised);
    # check-ins, session notes, home practice and marking one held are for those who teach.
    "session_list": (EVERYONE, READ),
    "session_create": (EVERYONE, FORM),
    "session_detail": (EVERYONE, READ),
    "session_edit": (EVERYONE, FORM),
    "session_cancel": (EVERYONE, ACTION),
    "session_routine": (EVERYONE, FORM),
    # The room sheet: assistants get names and touch answers only (tests/test_room_sheet.py).
    "session_room_sheet": (EVERYONE, READ),
    "session_room_sheet_pdf": (EVERYONE, READ),
    "session_held": (TEACHERS, ACTION),
    "checkin": (TEACHERS, FORM),
    "session_note": (TEACHERS, FORM),
    "home_practice": (TEACHERS, FORM),
    "calendar_settings": (TEACHERS, FORM),
    "routine_player": (EVERYONE, READ),
    "practice_link_on": (TEACHERS, ACTION),
    "practice_link_renew": (TEACHERS, ACTION),
    "practice_link_off": (TEACHERS, ACTION),
    # The intake link: sending shows the link once; assistants see only that one was sent.
    "intake_link_send": (TEACHERS, ACTION),
    "intake_link_review": (TEACHERS, READ),
    "intake_link_revoke": (TEACHERS, ACTION),
    "intake_link_decide": (TEACHERS, ACTION),
}

# Signed-in URLs outside any studio that only the site's operator (a superuser) may use: key
# rotation re-encrypts every studio's records.
OPERATOR_URL_NAMES = {"key_rotation"}

# URL kwargs that name a child and the kwarg of the parent it must belong to.
PARENT_OF = {
    "step_code": "routine_code",
    "modification_code": "pose_code",
    "precaution_code": "client_code",
    "trigger_code": "client_code",
    "note_code": "client_code",
    "addendum_code": "note_code",
    "signature_code": "client_code",
    "link_code": "client_code",
    # A check-in or session note names a client of the session.
    "client_code": "session_code",
}
HTMX = {"HTTP_HX_REQUEST": "true"}


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


def _object_set(studio, author) -> dict:
    """One object of each kind that studio URLs point at, all in `studio`, each child under
    its own parent; `author` writes the note."""
    pose = PoseFactory(studio=studio, image=factory.django.ImageField(width=80, height=80))
    modification = ModificationFactory(pose=pose)
    step = RoutineStepFactory(routine=RoutineFactory(studio=studio))
    client = ClientFactory(studio=studio)
    addendum = AddendumFactory(note__client=client, note__author=author)
    session = SessionFactory(
        studio=studio, teacher=studio.memberships.get(user=author), clients=[client]
    )
    return {
        "client_code": client.code,
        "precaution_code": PrecautionFactory(client=client).code,
        "trigger_code": TriggerFactory(client=client).code,
        "note_code": addendum.note.code,
        "addendum_code": addendum.code,
        "signature_code": ConsentSignatureFactory(client=client).code,
        "link_code": IntakeInvitationFactory(client=client).code,
        "part": "about",
        "pose_code": modification.pose.code,
        "modification_code": modification.code,
        "routine_code": step.routine.code,
        "step_code": step.code,
        # A batch print: every role may print, so every role may follow the job.
        "job_code": BackgroundJobFactory(studio=studio, requested_by=author).code,
        "session_code": session.code,
        "moment": "before",
    }


@pytest.fixture
def objects(world):
    """One object of each kind that studio URLs point at, all belonging to studio A."""
    return {
        **_object_set(world.studio, world.bob.user),
        "member_code": world.bob.code,
        "invitation_code": InvitationFactory(studio=world.studio).code,
    }


@pytest.fixture
def siblings(world):
    """A second set in studio A: other parents with children of their own."""
    return _object_set(world.studio, world.bob.user)


@pytest.fixture
def foreign(world):
    """The same kinds of object in studio B."""
    return _object_set(world.other_studio, world.charlie.user)


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


def _access(route: Route) -> tuple[frozenset[str], frozenset[str]]:
    if route.name not in ROLE_TABLE:
        raise AssertionError(
            f"{route}: add it to ROLE_TABLE (the roles that may use it, and READ/FORM/ACTION)"
        )
    return ROLE_TABLE[route.name]


def _nesting(route: Route) -> list[tuple[str, str]]:
    """(parent, child) kwarg pairs of a URL that names a child under its parent."""
    kwargs = route.object_kwargs
    return [(PARENT_OF[name], name) for name in kwargs if PARENT_OF.get(name) in kwargs]


NESTED_ROUTES = [route for route in STUDIO_ROUTES if _nesting(route)]
HTMX_VARIANTS = pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])


def test_every_studio_url_is_in_the_role_table():
    names = {route.name for route in STUDIO_ROUTES}
    missing = sorted(names - ROLE_TABLE.keys())
    assert missing == [], f"Add to ROLE_TABLE (who may use them, and how): {missing}"
    assert sorted(ROLE_TABLE.keys() - names) == [], "ROLE_TABLE names URLs that are gone"


@pytest.mark.parametrize("route", STUDIO_ROUTES, ids=str)
def test_every_url_with_several_codes_says_how_they_nest(route):
    """Two object codes in one URL are a parent and its child: the walk must know which.
    A word that names no object (a check-in's `moment`) is not a code."""
    kwargs = [name for name in route.object_kwargs if name.endswith("_code")]
    children = {child for _, child in _nesting(route)}
    roots = [name for name in kwargs if name not in children]
    assert len(roots) <= 1, f"{route}: say in PARENT_OF how {roots} nest"


def test_the_walk_finds_the_nested_urls():
    names = {route.name for route in NESTED_ROUTES}
    assert {"step_edit", "modification_edit", "precaution_edit", "trigger_delete"} <= names
    assert {"note_edit", "note_sign", "addendum_add"} <= names


@pytest.mark.parametrize("route", STUDIO_ROUTES, ids=str)
def test_each_views_rule_allows_the_roles_in_the_table(world, route):
    """A mismatch names the view whose declared rule disagrees with the product's rules."""
    roles, _ = _access(route)
    permission = route.callback.studio_permission
    allowed = {role for role in ROLES if rules.test_rule(permission, world.by_role(role))}
    assert allowed == roles, f"{route} declares {permission!r}"


@HTMX_VARIANTS
@pytest.mark.parametrize("route", STUDIO_ROUTES, ids=str)
def test_members_of_another_studio_get_404(world, objects, route, headers):
    client = world.client_for(world.charlie)
    url = _url(route, world.studio.code, objects)
    assert client.get(url, **headers).status_code == 404
    assert client.post(url, **headers).status_code == 404


@HTMX_VARIANTS
@pytest.mark.parametrize("route", STUDIO_OBJECT_ROUTES, ids=str)
def test_another_studios_objects_404_even_inside_your_own_studio(world, objects, route, headers):
    """Charlie owns studio B and may do anything there, but not to studio A's objects."""
    client = world.client_for(world.charlie)
    url = _url(route, world.other_studio.code, objects)
    assert client.post(url, **headers).status_code == 404
    assert client.get(url, **headers).status_code in (404, 405)


@HTMX_VARIANTS
@pytest.mark.parametrize("route", NESTED_ROUTES, ids=str)
def test_a_child_is_found_only_under_its_own_parent(
    world, objects, siblings, foreign, route, headers
):
    """The owner may use every URL here, so nothing but the parent-child check can stop her."""
    _, methods = _access(route)
    client = world.client_for(world.alice)
    wrong = []
    for parent, child in _nesting(route):
        mixes = {
            "own parent, a sibling's child": {parent: objects[parent], child: siblings[child]},
            "own parent, studio B's child": {parent: objects[parent], child: foreign[child]},
            "a sibling parent, own child": {parent: siblings[parent], child: objects[child]},
            "studio B's parent, own child": {parent: foreign[parent], child: objects[child]},
        }
        for mix, codes in mixes.items():
            url = _url(route, world.studio.code, {**objects, **codes})
            for method, expected in (
                ("GET", {404} if "GET" in methods else {405}),
                ("POST", {404} if "POST" in methods else {404, 405}),
            ):
                response = getattr(client, method.lower())(url, **headers)
                if response.status_code not in expected:
                    wrong.append(f"{method} {mix}: {response.status_code}")
    assert not wrong, f"{route} reached a child outside its parent: {wrong}"


@HTMX_VARIANTS
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", STUDIO_ROUTES, ids=str)
def test_roles_get_exactly_what_the_role_table_allows(world, objects, route, role, headers):
    roles, methods = _access(route)
    client = world.client_for(world.by_role(role))
    url = _url(route, world.studio.code, objects)
    # GET first: the POST may remove the object (a step, a member).
    got = client.get(url, **headers).status_code
    posted = client.post(url, **headers).status_code
    if role in roles:
        # A POST with no data is refused as a bad form (400) or does its harmless thing.
        refused = {404, 500} if route.name in OBJECT_CHECKED_ROUTES else {403, 404, 500}
        if "GET" in methods:
            assert got not in refused | {405}, f"GET {url}"
        else:
            assert got == 405, f"GET {url}: {route} is an action, GET must not do it"
        if "POST" in methods:
            assert posted not in refused | {405}, f"POST {url}"
        else:
            assert posted not in refused, f"POST {url}"
    else:
        assert got == (403 if "GET" in methods else 405), f"GET {url}"
        assert posted in ({403} if "POST" in methods else {403, 405}), f"POST {url}"


@pytest.mark.parametrize("name", sorted(OPERATOR_URL_NAMES))
def test_operator_urls_refuse_every_studio_role(world, name):
    assert name in {route.name for route in PROTECTED_ROUTES}
    url = reverse(name)
    for member in (world.alice, world.bob, world.by_role(Role.ASSISTANT), world.charlie):
        client = world.client_for(member)
        assert client.get(url).status_code == 403, f"GET {url} as {member.role}"
        assert client.post(url).status_code == 403, f"POST {url} as {member.role}"
