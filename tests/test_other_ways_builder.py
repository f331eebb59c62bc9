"""The teacher's say over "Other ways to do this" in the builder: pin, remove, offer again, turn
off for a routine; owners and instructors only, within their own studio."""

import pytest
from django.urls import reverse

from routines import services
from routines.builder.other_ways import listed_ways, routine_other_ways
from routines.models import Routine, RoutineStep
from tests.factories import ClientFactory, RoutineFactory, RoutineStepFactory, library_pose

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def step(world) -> RoutineStep:
    routine = RoutineFactory(studio=world.studio, client=ClientFactory(studio=world.studio))
    return RoutineStepFactory(
        routine=routine, position=1, pose=library_pose("reclined-figure-four"), sides="right"
    )


def _url(step: RoutineStep) -> str:
    routine = step.routine
    return reverse("step_other_way", args=[routine.studio.code, routine.code, step.code])


def _offered(step: RoutineStep) -> list[str]:
    step = RoutineStep.objects.select_related("pose", "modification", "routine").get(pk=step.pk)
    return [way.key for way in routine_other_ways(step.routine, [step]).get(step.pk, [])]


def _post(world, member, step: RoutineStep, key: str, action: str, **extra):
    version = Routine.objects.get(pk=step.routine_id).version
    return world.client_for(member).post(
        _url(step), {"version": version, "way": key, "action": action}, **extra
    )


def test_the_editor_lists_the_ways_with_pin_and_remove(world, step):
    routine = step.routine
    url = reverse("step_edit", args=[world.studio.code, routine.code, step.code])
    page = world.client_for(world.bob).get(url, **HTMX).text
    listed = listed_ways(routine, step)
    assert len(listed) > 2
    assert "Other ways to do this step" in page
    assert page.count('value="pin"') == len(listed)
    assert page.count("Offered</small>") == 2
    assert _url(step) in page


def test_an_instructor_pins_a_way_and_it_is_offered_first(world, step):
    last = listed_ways(step.routine, step)[-1].way.key
    assert last not in _offered(step)
    response = _post(world, world.bob, step, last, "pin", **HTMX)
    assert response.status_code == 200
    # The editor stays open on the new state.
    assert "Offered, pinned" in response.text
    assert _offered(step)[0] == last
    _post(world, world.bob, step, last, "unpin")
    assert RoutineStep.objects.get(pk=step.pk).other_ways_pinned == []


def test_the_owner_removes_a_way_and_offers_it_again_without_javascript(world, step):
    first = _offered(step)[0]
    response = _post(world, world.alice, step, first, "remove")
    assert response.status_code == 302
    assert f"?edit={step.code}" in response.url
    assert first not in _offered(step)
    assert "Removed" in world.client_for(world.alice).get(response.url).text
    _post(world, world.alice, step, first, "restore")
    assert first in _offered(step)


def test_turning_ways_off_for_a_routine_offers_none(world, step):
    routine = step.routine
    url = reverse("routine_edit", args=[world.studio.code, routine.code])
    data = {
        "version": routine.version,
        "title": routine.title,
        "status": routine.status,
        "client": routine.client.code,
    }
    assert world.client_for(world.bob).post(url, data).status_code == 302
    routine.refresh_from_db()
    assert routine.offer_other_ways is False
    assert _offered(step) == []
    edit = reverse("step_edit", args=[world.studio.code, routine.code, step.code])
    page = world.client_for(world.bob).get(edit, **HTMX).text
    assert "turned off for this routine" in page


def test_an_assistant_gets_403_and_another_studio_404(world, step):
    key = listed_ways(step.routine, step)[0].way.key
    assert _post(world, world.ada, step, key, "pin").status_code == 403
    assert _post(world, world.charlie, step, key, "pin").status_code == 404
    assert RoutineStep.objects.get(pk=step.pk).other_ways_pinned == []


def test_a_way_that_is_not_a_version_of_the_step_or_its_alternatives_is_refused(world, step):
    other = library_pose("warrior-ii")
    response = _post(world, world.bob, step, str(other.code), "pin")
    assert response.status_code == 400
    assert RoutineStep.objects.get(pk=step.pk).other_ways_pinned == []


def test_a_pin_from_an_old_page_is_refused_as_a_conflict(world, step):
    key = listed_ways(step.routine, step)[-1].way.key
    response = world.client_for(world.bob).post(
        _url(step), {"version": step.routine.version, "way": key, "action": "pin"}
    )
    assert response.status_code == 302
    response = world.client_for(world.bob).post(
        _url(step), {"version": step.routine.version, "way": key, "action": "remove"}, **HTMX
    )
    assert response.status_code == 409
    assert RoutineStep.objects.get(pk=step.pk).other_ways_removed == []


def test_a_copy_keeps_the_pinned_and_removed_ways(world, step):
    step.other_ways_pinned, step.other_ways_removed = ["a"], ["b"]
    step.save()
    copy = services.routine_copy(routine=step.routine, studio=world.studio, by=world.bob.user)
    copied = copy.steps.get()
    assert (copied.other_ways_pinned, copied.other_ways_removed) == (["a"], ["b"])
