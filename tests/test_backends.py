"""practice/backends.py: the signed-in person loaded with her memberships, in one query."""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user
from django.test import Client
from django.urls import reverse

from practice.backends import MemberBackend
from practice.models import Membership
from tests.factories import MembershipFactory, StudioFactory, UserFactory


def test_a_member_is_loaded_with_every_membership_and_its_studio(world, django_assert_num_queries):
    second = MembershipFactory(user=world.alice.user, studio=StudioFactory(name="Annex"))
    with django_assert_num_queries(1):
        user = MemberBackend().get_user(world.alice.user.pk)
        studios = {membership.studio.name for membership in user.loaded_memberships}
        assert all(membership.user is user for membership in user.loaded_memberships)
    assert user == world.alice.user
    assert studios == {world.studio.name, second.studio.name}


def test_a_person_with_no_studio_yet_is_loaded_as_usual(db):
    newcomer = UserFactory()
    user = MemberBackend().get_user(newcomer.pk)
    assert user == newcomer and not hasattr(user, "loaded_memberships")


def test_a_deactivated_member_is_not_loaded(world):
    world.bob.user.is_active = False
    world.bob.user.save()
    assert MemberBackend().get_user(world.bob.user.pk) is None


def test_a_membership_removed_takes_effect_on_the_next_page(world):
    client = world.client_for(world.bob)
    url = world.studio.get_absolute_url()
    assert client.get(url).status_code == 200
    Membership.objects.filter(pk=world.bob.pk).delete()
    assert client.get(url).status_code == 404


def test_a_session_opened_by_the_earlier_backends_stays_signed_in(world):
    for backend in (
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ):
        client = Client()
        client.force_login(world.alice.user, backend=backend)
        assert client.get(world.studio.get_absolute_url()).status_code == 200
        assert get_user(client.get("/").wsgi_request).is_authenticated


def test_signing_in_opens_a_session_that_this_backend_loads(world):
    user = world.alice.user
    user.set_password("a-long-password-1234")
    user.save()
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": "a-long-password-1234"})
    assert client.session[BACKEND_SESSION_KEY] == "practice.backends.MemberBackend"
    assert client.get(world.studio.get_absolute_url()).status_code == 200
