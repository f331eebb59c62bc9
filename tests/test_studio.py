import pytest
from django.urls import reverse

from practice.middleware import LOGIN_SESSION_LAST_STUDIO
from practice.models import Membership, Studio
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_opens_the_studio_used_last(world):
    MembershipFactory(user=world.bob.user, studio=world.other_studio)
    client = world.client_for(world.bob)
    client.get(world.other_studio.get_absolute_url())
    assert client.session[LOGIN_SESSION_LAST_STUDIO] == str(world.other_studio.code)
    assert client.get(reverse("home"))["Location"] == world.other_studio.get_absolute_url()


def test_the_switcher_lists_each_of_my_studios(world):
    MembershipFactory(user=world.bob.user, studio=world.other_studio)
    page = world.client_for(world.bob).get(world.studio.get_absolute_url()).text
    assert world.other_studio.get_absolute_url() in page
    assert "Harbour Light" in page


def test_someone_without_a_studio_is_offered_to_start_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert "Start a studio" in response.text
    response = client.post(reverse("studio_create"), {"name": "Cedar Room"})
    studio = Studio.objects.get(name="Cedar Room")
    assert response["Location"] == studio.get_absolute_url()
    assert studio.memberships.get().role == Membership.Role.OWNER


def test_a_studio_needs_a_name(client):
    client.force_login(UserFactory())
    response = client.post(reverse("studio_create"), {"name": ""})
    assert response.status_code == 400
    assert "This field is required" in response.text


def test_the_dashboard_suggests_next_steps_to_a_new_owner(world):
    page = world.client_for(world.alice).get(world.studio.get_absolute_url()).text
    assert "What you might do next" in page
    assert "Invite a teammate" in page
    assert "Set up two-factor" in page


def test_owner_edits_the_studio_settings(world):
    url = reverse("studio_settings", args=[world.studio.code])
    response = world.client_for(world.alice).post(
        url,
        {
            "name": "Willow Room Yoga",
            "contact_email": "hello@willow.example",
            "phone": "+44 20 0000 0000",
            "website": "willow.example",
            "time_zone": "Europe/Dublin",
        },
    )
    assert response.status_code == 302
    world.studio.refresh_from_db()
    assert world.studio.name == "Willow Room Yoga"
    assert world.studio.website == "https://willow.example"
    assert world.studio.time_zone == "Europe/Dublin"


def test_settings_errors_keep_what_was_typed(world):
    url = reverse("studio_settings", args=[world.studio.code])
    response = world.client_for(world.alice).post(
        url, {"name": "Renamed", "time_zone": "Mars/Olympus", "contact_email": "nope"}
    )
    assert response.status_code == 400
    assert 'value="Renamed"' in response.text
    assert "Enter a valid email address" in response.text
    world.studio.refresh_from_db()
    assert world.studio.name == "Willow Room"
