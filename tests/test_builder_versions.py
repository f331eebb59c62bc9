"""Every form on the builder page carries the routine's current version after any change made
on that page, a conflict can be reloaded without resubmitting a stale form, the move buttons
keep the keyboard focus, and the pages of a tailored routine are audited."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from clients.models import AuditEvent
from routines.models import Routine
from tests.factories import ClientFactory, RoutineFactory, RoutineStepFactory, library_pose

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
Action = AuditEvent.Action


class _Elements(HTMLParser):
    """The attributes of every element that has an id, as a browser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if named.get("id"):
            self.by_id[named["id"]] = {"tag": tag, **named}


class _Page:
    """A builder page as the browser holds it: the full page, then each htmx answer swapped in
    (its out-of-band parts replace the elements with their ids)."""

    def __init__(self, html: str) -> None:
        self.elements = _Elements(html).by_id

    def swap(self, html: str) -> None:
        self.elements.update(_Elements(html).by_id)

    @property
    def details_version(self) -> str | None:
        return self.elements.get("routine-version", {}).get("value")


def _url(name, routine, *extra):
    return reverse(name, args=[routine.studio.code, routine.code, *extra])


def _details(version, **changes) -> dict:
    data = {"version": version, "title": "Morning hips", "intention": "", "notes": ""}
    return {**data, "status": "draft", "is_template": "", **changes}


@pytest.fixture
def routine(world):
    return RoutineFactory(studio=world.studio, title="Morning hips")


def test_saving_details_after_adding_steps_from_the_picker_is_not_a_conflict(world, routine):
    client = world.client_for(world.bob)
    page = _Page(client.get(routine.get_absolute_url()).text)
    for slug in ("butterfly", "childs-pose", "belly-breathing"):
        response = client.post(
            _url("step_add", routine), {"pose": library_pose(slug).code}, headers=HTMX
        )
        assert response.status_code == 200
        page.swap(response.text)
    routine.refresh_from_db()
    assert page.details_version == str(routine.version)
    assert f"version {routine.version}" in response.text  # the heading follows too

    response = client.post(
        _url("routine_edit", routine), _details(page.details_version, status="ready")
    )
    assert response.status_code == 302
    routine.refresh_from_db()
    assert routine.status == Routine.Status.READY


def test_details_then_a_step_edit_then_details_again(world, routine):
    client = world.client_for(world.bob)
    step = RoutineStepFactory(routine=routine, position=1, pose=library_pose("butterfly"))
    client.post(_url("routine_edit", routine), _details(routine.version, status="ready"))
    page = _Page(client.get(routine.get_absolute_url()).text)
    # The step's editor arrives when it is opened, from the URL the page gave it.
    page.swap(client.get(page.elements[f"edit-{step.code}"]["hx-get"], headers=HTMX).text)
    step_version = page.elements[f"step-version-{step.code}"]["value"]
    response = client.post(
        _url("step_edit", routine, step.code),
        {"version": step_version, "sides": "both", "cue": "Knees fall open, if you like."},
        headers=HTMX,
    )
    assert response.status_code == 200
    page.swap(response.text)
    response = client.post(
        _url("routine_edit", routine),
        _details(page.details_version, status="ready", intention="Ease"),
    )
    assert response.status_code == 302
    routine.refresh_from_db()
    step.refresh_from_db()
    assert (routine.status, routine.intention, step.cue) == (
        "ready",
        "Ease",
        "Knees fall open, if you like.",
    )


@pytest.mark.parametrize("change", ["step_move", "step_remove", "step_swap", "steps_reorder"])
def test_every_change_over_htmx_updates_the_shared_version(world, routine, change):
    first = RoutineStepFactory(routine=routine, position=1, pose=library_pose("butterfly"))
    second = RoutineStepFactory(routine=routine, position=2, pose=library_pose("lizard"))
    data = {
        "step_move": ({"direction": "down"}, [first.code]),
        "step_remove": ({}, [first.code]),
        "step_swap": ({"pose": first.pose.alternatives.first().code}, [first.code]),
        "steps_reorder": ({"step": [str(second.code), str(first.code)]}, []),
    }[change]
    response = world.client_for(world.bob).post(
        _url(change, routine, *data[1]), {"version": routine.version, **data[0]}, headers=HTMX
    )
    assert response.status_code == 200
    routine.refresh_from_db()
    assert _Page(response.text).details_version == str(routine.version)


def test_a_conflict_without_javascript_redirects_and_keeps_the_typed_text(world, routine):
    client = world.client_for(world.alice)
    stale = routine.version
    Routine.objects.filter(pk=routine.pk).update(version=stale + 1)  # a teammate's change
    response = client.post(
        _url("routine_edit", routine), _details(stale, notes="My careful words", status="ready")
    )
    # Post/redirect/get: reloading the answer asks for the page again, it resubmits nothing.
    assert response.status_code == 303
    assert response["Location"] == routine.get_absolute_url()
    page = client.get(response["Location"])
    assert page.status_code == 409
    assert "Someone else changed this routine" in page.text
    assert "My careful words" in page.text
    # The kept text now rests on the current version: saving it is a deliberate second step.
    assert _Page(page.text).details_version == str(stale + 1)
    routine.refresh_from_db()
    assert (routine.notes, routine.status) == ("", "draft")
    reloaded = client.get(routine.get_absolute_url())
    assert reloaded.status_code == 200
    assert "My careful words" not in reloaded.text
    assert "Someone else changed" not in reloaded.text


def test_a_step_conflict_without_javascript_keeps_that_steps_text(world, routine):
    step = RoutineStepFactory(routine=routine, position=1, pose=library_pose("butterfly"))
    client = world.client_for(world.alice)
    data = {"version": routine.version, "sides": "both", "cue": "Unsaved words"}
    Routine.objects.filter(pk=routine.pk).update(version=routine.version + 1)
    response = client.post(_url("step_edit", routine, step.code), data)
    assert response.status_code == 303
    page = client.get(response["Location"])
    assert page.status_code == 409
    assert "Unsaved words" in page.text
    assert "open" in _Page(page.text).elements[f"edit-{step.code}"]  # that step's editor
    assert _Page(page.text).elements[f"step-version-{step.code}"]["value"] == str(
        routine.version + 1
    )


def test_a_move_conflict_without_javascript_redirects_with_the_message(world, routine):
    step = RoutineStepFactory(routine=routine, position=1, pose=library_pose("butterfly"))
    RoutineStepFactory(routine=routine, position=2, pose=library_pose("lizard"))
    client = world.client_for(world.bob)
    response = client.post(
        _url("step_move", routine, step.code), {"version": routine.version + 5, "direction": "down"}
    )
    assert response.status_code == 303
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Someone else changed this routine" in page.text


def test_an_htmx_conflict_offers_a_reload_link_that_is_a_get(world, routine):
    response = world.client_for(world.bob).post(
        _url("routine_edit", routine), _details(routine.version + 1), headers=HTMX
    )
    assert response.status_code == 409
    assert f'href="{routine.get_absolute_url()}"' in response.text


# --- Keyboard focus after moving a step -------------------------------------------------------


def _three_steps(routine):
    return [
        RoutineStepFactory(routine=routine, position=position, pose=library_pose(slug))
        for position, slug in enumerate(["butterfly", "lizard", "belly-breathing"], 1)
    ]


def _autofocused(html: str) -> list[str]:
    return [key for key, attrs in _Elements(html).by_id.items() if "autofocus" in attrs]


@pytest.mark.parametrize(
    ("index", "direction", "focused"),
    [
        (0, "down", "down"),  # to the middle: still movable down, so the same button
        (2, "up", "up"),
        (1, "up", "down"),  # to the top, where "up" is disabled: the other button
        (1, "down", "up"),
    ],
)
def test_the_moved_steps_button_keeps_the_focus(world, routine, index, direction, focused):
    step = _three_steps(routine)[index]
    response = world.client_for(world.bob).post(
        _url("step_move", routine, step.code),
        {"version": routine.version, "direction": direction},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert _autofocused(response.text) == [f"move-{focused}-{step.code}"]


def test_a_full_page_never_steals_the_focus(world, routine):
    _three_steps(routine)
    assert _autofocused(world.client_for(world.bob).get(routine.get_absolute_url()).text) == []


# --- Reads of a tailored routine are audited --------------------------------------------------


def test_opening_the_builder_of_a_tailored_routine_is_audited(world, routine):
    sam = ClientFactory(studio=world.studio, preferred_name="Sam")
    routine.client = sam
    routine.save()
    response = world.client_for(world.ada).get(routine.get_absolute_url())
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.client, event.actor) == (Action.VIEW, sam, world.ada.user)
    assert (event.record_type, event.record_code) == ("routine", routine.code)
    assert "Sam" not in event.summary


def test_the_print_preview_of_a_tailored_routine_is_audited(world, routine):
    sam = ClientFactory(studio=world.studio, preferred_name="Sam")
    routine.client = sam
    routine.save()
    response = world.client_for(world.bob).get(_url("routine_print", routine))
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.client, event.actor) == (Action.VIEW, sam, world.bob.user)
    assert (event.record_type, event.record_code) == ("routine", routine.code)


def test_a_routine_for_nobody_in_particular_leaves_no_client_audit(world, routine):
    world.client_for(world.bob).get(routine.get_absolute_url())
    world.client_for(world.bob).get(_url("routine_print", routine))
    assert not AuditEvent.objects.exists()


def test_the_builder_page_answering_a_refused_change_is_audited_too(world, routine):
    sam = ClientFactory(studio=world.studio, preferred_name="Sam")
    routine.client = sam
    routine.save()
    response = world.client_for(world.bob).post(
        _url("routine_edit", routine), _details(routine.version, title="")
    )
    assert response.status_code == 400
    assert AuditEvent.objects.get().client == sam


def test_a_message_shows_once_on_the_whole_page(world, routine):
    client = world.client_for(world.bob)
    client.post(_url("routine_edit", routine), _details(routine.version, status="ready"))
    assert client.get(routine.get_absolute_url()).text.count("Routine details saved.") == 1
