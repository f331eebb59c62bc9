"""Two clients with the same name: the add form says so kindly, and every list that offers a
choice of client tells them apart."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def two_anas(world):
    first = ClientFactory(studio=world.studio, preferred_name="Ana", full_name="Ana Lima")
    second = ClientFactory(studio=world.studio, preferred_name="Ana", full_name="Ana Lima")
    Client.objects.filter(pk=first.pk).update(
        created_at=timezone.make_aware(datetime(2026, 3, 4, 10, 30))
    )
    Client.objects.filter(pk=second.pk).update(
        created_at=timezone.make_aware(datetime(2026, 11, 20, 16, 5))
    )
    return first, second


def _add(world, **data):
    return world.client_for(world.bob).post(
        reverse("client_create", args=[world.studio.code]), data
    )


def test_adding_a_namesake_asks_once_and_keeps_what_was_typed(world):
    ana = ClientFactory(studio=world.studio, preferred_name="Ana", full_name="Ana Lima")
    response = _add(world, preferred_name="ana", full_name="", email="ana.two@example.com")
    assert response.status_code == 400
    assert "There is already a client called ana:" in response.text
    assert f'href="{ana.get_absolute_url()}">Ana (Ana Lima)</a>' in response.text
    assert 'name="add_anyway" value="1">Add anyway</button>' in response.text
    assert 'value="ana.two@example.com"' in response.text
    assert Client.objects.filter(preferred_name__iexact="ana").count() == 1


def test_add_anyway_saves_the_second_client(world):
    ClientFactory(studio=world.studio, preferred_name="Ana")
    response = _add(world, preferred_name="Ana", add_anyway="1")
    assert response.status_code == 302
    assert Client.objects.filter(preferred_name="Ana").count() == 2


def test_a_different_full_name_or_another_studios_client_is_no_namesake(world):
    ClientFactory(studio=world.studio, preferred_name="Ana", full_name="Ana Lima")
    ClientFactory(studio=world.other_studio, preferred_name="Bea")
    assert _add(world, preferred_name="Ana", full_name="Ana Souza").status_code == 302
    assert _add(world, preferred_name="Bea").status_code == 302


def test_the_session_picker_tells_namesakes_apart_by_when_they_were_added(world, two_anas):
    first, _ = two_anas
    ClientFactory(studio=world.studio, preferred_name="Anabel")
    response = world.client_for(world.ada).post(
        reverse("session_create", args=[world.studio.code]),
        {"find": "1", "client_search": "ana", "clients": [first.code]},
        headers=HTMX,
    )
    assert "· added 4 Mar 2026, 10:30" in response.text
    assert "· added 20 Nov 2026, 16:05" in response.text
    assert response.text.count("· added") == 2  # Anabel needs no hint


def test_the_client_chooser_and_the_client_list_tell_namesakes_apart(world, two_anas):
    teacher = world.client_for(world.bob)
    chooser = teacher.get(reverse("client_choose", args=[world.studio.code]), {"q": "ana"})
    listing = teacher.get(reverse("client_list", args=[world.studio.code]))
    for page in (chooser.text, listing.text):
        assert "· added 4 Mar 2026, 10:30" in page
        assert "· added 20 Nov 2026, 16:05" in page
