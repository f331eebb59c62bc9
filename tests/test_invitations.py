from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from practice.models import Membership
from tests.factories import InvitationFactory, UserFactory

Role = Membership.Role
pytestmark = pytest.mark.django_db


def _accept_url(invitation) -> str:
    return reverse("invitation_accept", args=[invitation.token])


def test_an_existing_user_accepts_and_joins_with_the_invited_role(world, client):
    person = UserFactory()
    invitation = InvitationFactory(studio=world.studio, email=person.email, role=Role.ASSISTANT)
    client.force_login(person)
    assert "Join Willow Room" in client.get(_accept_url(invitation)).text
    response = client.post(_accept_url(invitation))
    assert response.status_code == 302
    assert response["Location"] == world.studio.get_absolute_url()
    assert Membership.objects.get(user=person, studio=world.studio).role == Role.ASSISTANT


def test_a_person_in_several_studios_keeps_each_role(world, client):
    invitation = InvitationFactory(studio=world.other_studio, email=world.bob.user.email)
    client.force_login(world.bob.user)
    client.post(_accept_url(invitation))
    roles = dict(world.bob.user.memberships.values_list("studio__name", "role"))
    assert roles == {"Willow Room": Role.INSTRUCTOR, "Harbour Light": Role.INSTRUCTOR}


def test_an_invitation_works_only_once(world, client):
    person = UserFactory()
    invitation = InvitationFactory(studio=world.studio, email=person.email)
    client.force_login(person)
    client.post(_accept_url(invitation))
    Membership.objects.filter(user=person).delete()
    response = client.post(_accept_url(invitation))
    assert response.status_code == 404
    assert "not available" in response.text
    assert not Membership.objects.filter(user=person).exists()


def test_an_expired_invitation_is_refused(world, client):
    person = UserFactory()
    invitation = InvitationFactory(studio=world.studio, email=person.email)
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    client.force_login(person)
    assert client.post(_accept_url(invitation)).status_code == 404
    assert not Membership.objects.filter(user=person).exists()


def test_a_made_up_token_is_refused(client, db):
    response = client.get(reverse("invitation_accept", args=["made-up"]))
    assert response.status_code == 404


def test_an_invitation_for_another_address_cannot_be_accepted(world, client):
    invitation = InvitationFactory(studio=world.studio, email="someone.else@example.com")
    client.force_login(world.charlie.user)
    page = client.get(_accept_url(invitation)).text
    assert "was sent to someone.else@example.com" in page
    client.post(_accept_url(invitation))
    assert not world.studio.memberships.filter(user=world.charlie.user).exists()


def test_an_unverified_matching_address_is_not_enough(world, client):
    person = UserFactory(verified_email=False)
    invitation = InvitationFactory(studio=world.studio, email=person.email)
    client.force_login(person)
    client.post(_accept_url(invitation))
    assert not world.studio.memberships.filter(user=person).exists()


def test_a_new_person_signs_up_through_the_invitation_without_a_studio_of_their_own(world, client):
    invitation = InvitationFactory(
        studio=world.studio, email="new@example.com", role=Role.ASSISTANT
    )
    page = client.get(_accept_url(invitation)).text
    assert "Create my account" in page
    signup = client.get(reverse("account_signup")).text
    assert 'value="new@example.com"' in signup
    assert "studio_name" not in signup
    response = client.post(
        reverse("account_signup"),
        {
            "name": "New Person",
            "email": "new@example.com",
            "password1": "quiet-river-morning-42",
            "password2": "quiet-river-morning-42",
        },
    )
    # The emailed link proved the address: no verification step, straight into the studio.
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new@example.com")
    assert (membership.studio, membership.role) == (world.studio, Role.ASSISTANT)
    assert membership.user.emailaddress_set.get().verified
    assert client.get(reverse("home"))["Location"] == world.studio.get_absolute_url()


def test_signing_up_through_an_invitation_needs_the_invited_address(world, client):
    invitation = InvitationFactory(studio=world.studio, email="new@example.com")
    client.get(_accept_url(invitation))
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Someone",
            "email": "different@example.com",
            "password1": "quiet-river-morning-42",
            "password2": "quiet-river-morning-42",
        },
    )
    assert response.status_code == 200
    assert "Please sign up with that address" in response.text
    assert not Membership.objects.filter(user__email="different@example.com").exists()
