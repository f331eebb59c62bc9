"""Titles and names made from another one ("… (copy)", a pose copy named after the studio)
must still fit their field when the original is already at its maximum length."""

import pytest
from django.urls import reverse

from clients.models import Client
from practice.text import ELLIPSIS, shorten, with_suffix
from routines import services
from routines.models import Pose, Routine
from tests.factories import ClientFactory, PoseFactory, RoutineFactory, RoutineStepFactory

TITLE_MAX = Routine._meta.get_field("title").max_length
POSE_NAME_MAX = Pose._meta.get_field("name").max_length


def test_a_text_that_fits_is_kept_as_it_is():
    assert shorten("Gentle hips", 11) == "Gentle hips"
    assert with_suffix("Gentle hips", " (copy)", 18) == "Gentle hips (copy)"


def test_a_long_base_gives_way_to_the_suffix_with_an_ellipsis():
    assert shorten("Gentle hips", 8) == "Gentle" + ELLIPSIS  # no space left before the ellipsis
    assert with_suffix("x" * 20, " (copy)", 20) == "x" * 12 + ELLIPSIS + " (copy)"
    assert len(with_suffix("x" * 500, " (copy)", 200)) == 200


def test_a_suffix_longer_than_the_field_is_refused():
    with pytest.raises(ValueError):
        with_suffix("Gentle hips", " (copy)", 7)


@pytest.mark.django_db
def test_duplicating_a_routine_whose_title_is_at_the_maximum_length(world):
    routine = RoutineFactory(studio=world.studio, title="Long " + "a" * (TITLE_MAX - 5))
    RoutineStepFactory(routine=routine, position=1)
    response = world.client_for(world.bob).post(
        reverse("routine_duplicate", args=[world.studio.code, routine.code])
    )
    assert response.status_code == 302
    copy = Routine.objects.exclude(pk=routine.pk).get()
    assert len(copy.title) == TITLE_MAX
    assert copy.title.startswith("Long aaa")
    assert copy.title.endswith(f"{ELLIPSIS} (copy)")
    assert copy.steps.count() == 1


@pytest.mark.django_db
def test_starting_from_a_template_whose_title_is_at_the_maximum_length(world):
    template = RoutineFactory(studio=world.studio, title="t" * TITLE_MAX, is_template=True)
    # Without a title of its own the new routine is named after the template.
    copy = services.routine_copy(routine=template, studio=world.studio, by=world.bob.user)
    assert len(copy.title) == TITLE_MAX
    response = world.client_for(world.bob).post(
        reverse("routine_create", args=[world.studio.code]),
        {"title": "n" * TITLE_MAX, "template": template.code},
    )
    assert response.status_code == 302
    assert Routine.objects.filter(title="n" * TITLE_MAX).exists()


@pytest.mark.django_db
def test_copying_a_pose_whose_name_and_studio_name_are_at_the_maximum_length(world):
    world.studio.name = "S" * world.studio._meta.get_field("name").max_length
    world.studio.save()
    pose = PoseFactory(studio=world.studio, name="P" * POSE_NAME_MAX)
    copy = services.pose_copy(pose=pose, studio=world.studio)
    copy.full_clean()  # what PostgreSQL would refuse with a 500, SQLite silently stores
    assert len(copy.name) <= POSE_NAME_MAX
    assert copy.name.startswith("PPP")
    assert copy.name.endswith(f"{ELLIPSIS})")  # the studio's name, shortened, in brackets


@pytest.mark.django_db
def test_copying_a_pose_through_the_page_at_the_maximum_length(world):
    pose = PoseFactory(studio=world.studio, name="Q" * POSE_NAME_MAX)
    response = world.client_for(world.alice).post(
        reverse("pose_copy", args=[world.studio.code, pose.code])
    )
    assert response.status_code == 302
    copy = Pose.objects.get(based_on=pose)
    assert len(copy.name) <= POSE_NAME_MAX
    assert copy.name.endswith(" (Willow Room)")


@pytest.mark.django_db
def test_erasure_retitles_a_routine_titled_at_the_maximum_length(world):
    noor = ClientFactory(studio=world.studio, preferred_name="Noor", full_name="Noor Haddad")
    routine = RoutineFactory(
        studio=world.studio, client=noor, title=("Practice for Noor " * 20)[:TITLE_MAX]
    )
    response = world.client_for(world.alice).post(
        reverse("client_erase", args=[world.studio.code, noor.code]), {"confirm_name": "Noor"}
    )
    assert response.status_code == 302
    routine.refresh_from_db()
    routine.full_clean()
    assert "Noor" not in routine.title


@pytest.mark.django_db
def test_a_routine_for_a_client_with_the_longest_name_gets_a_title_that_fits(world):
    longest = "N" * Client._meta.get_field("preferred_name").max_length
    client = ClientFactory(studio=world.studio, preferred_name=longest)
    url = reverse("client_routine_create", args=[world.studio.code, client.code])
    page = world.client_for(world.bob).get(url).text
    # The suggested title is submitted as it is offered: it must pass the form's own limit.
    response = world.client_for(world.bob).post(url, {"title": f"Practice for {longest}"})
    assert f"Practice for {longest}" in page
    assert response.status_code == 302
