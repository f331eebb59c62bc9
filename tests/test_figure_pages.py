"""Pose figures in the portal: a cacheable URL per figure version, shown wherever poses are."""

import re

import pytest
from django.urls import reverse

from routines.library.figures import figure_version
from routines.library.figures.svg import PROP_FILL
from tests.factories import ModificationFactory, PoseFactory, library_pose


def _figure_url(world, pose, **query) -> str:
    url = reverse("pose_figure", args=[world.studio.code, pose.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_figure_is_svg_cached_for_a_year(world):
    pose = library_pose("butterfly")
    response = world.client_for(world.bob).get(_figure_url(world, pose, v="x"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    cache_control = response["Cache-Control"]
    assert "max-age=31536000" in cache_control and "immutable" in cache_control
    assert "no-store" not in cache_control
    assert b"<title>Butterfly</title>" in response.content


def test_a_version_has_its_own_figure(world):
    pose = library_pose("childs-pose")
    version = pose.modifications.get(slug="bolster-under-torso")
    response = world.client_for(world.bob).get(_figure_url(world, pose, m=version.code))
    assert b"<title>Child's pose: Bolster under the torso</title>" in response.content


def test_another_studios_version_is_not_found(world):
    pose = library_pose("childs-pose")
    theirs = ModificationFactory(pose=pose, studio=world.other_studio)
    response = world.client_for(world.bob).get(_figure_url(world, pose, m=theirs.code))
    assert response.status_code == 404


@pytest.mark.parametrize("query", [{"m": "not-a-code"}, {"size": "huge"}])
def test_bad_figure_queries_are_not_found(world, query):
    url = _figure_url(world, library_pose("butterfly"), **query)
    response = world.client_for(world.bob).get(url)
    assert response.status_code == 404


def test_a_studio_pose_without_a_figure_is_drawn_in_its_position(world):
    pose = PoseFactory(studio=world.studio, position="chair", figure={})
    response = world.client_for(world.bob).get(_figure_url(world, pose))
    assert response.status_code == 200
    assert f'fill="{PROP_FILL}"'.encode() in response.content  # the chair


def test_pages_are_still_never_cached(world):
    response = world.client_for(world.bob).get(reverse("pose_list", args=[world.studio.code]))
    assert "no-store" in response["Cache-Control"]


def test_library_pages_show_figures_whose_url_names_their_version(world):
    client = world.client_for(world.bob)
    pose = library_pose("cat-cow")
    html = client.get(reverse("pose_list", args=[world.studio.code])).content.decode()
    assert f"v={figure_version(pose.figure)}" in html
    detail = client.get(pose.url_in(world.studio)).content.decode()
    # The pose, and each of its versions.
    figures = re.findall(r'<img class="pose-figure-img"', detail)
    assert len(figures) == 1 + pose.modifications.count()
