"""A person's memberships kept in the worker's memory (practice/memberships.py) under the
token the database renews whenever they change: every change reaches her very next page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practice import memberships, services
from practice.memberships import memberships_of
from practice.models import Membership, Studio, User
from tests.factories import MembershipFactory, StudioFactory

Role = Membership.Role


def _token(user: User):
    return User.objects.values_list("memberships_token", flat=True).get(pk=user.pk)


def test_the_database_renews_the_token_whenever_her_memberships_change(world):
    user = world.bob.user
    seen = {_token(user)}

    def renewed() -> bool:
        token = _token(user)
        is_new = token not in seen
        seen.add(token)
        return is_new

    MembershipFactory(user=user, studio=world.other_studio, role=Role.ASSISTANT)
    assert renewed()
    Membership.objects.filter(pk=world.bob.pk).update(role=Role.ASSISTANT)  # no signal sent
    assert renewed()
    Studio.objects.filter(pk=world.studio.pk).update(require_mfa=True)
    assert renewed()
    world.other_studio.name = "Harbour Light Yoga"
    world.other_studio.save()
    assert renewed()
    Membership.objects.filter(user=user, studio=world.other_studio).delete()
    assert renewed()
    # Her own changes, and a studio she is not in, leave it alone.
    user.name = "Bob T."
    user.save()
    StudioFactory().save()
    assert not renewed()


def test_saving_a_copy_loaded_before_a_change_keeps_the_new_token(world):
    stale = User.objects.get(pk=world.bob.user.pk)
    services.membership_change_role(membership=world.bob, role=Role.ASSISTANT, by=world.alice)
    renewed = _token(stale)
    stale.name = "Bob T."
    stale.save()
    assert _token(stale) == renewed
    assert User.objects.get(pk=stale.pk).name == "Bob T."


def test_a_new_role_applies_on_her_next_page(world):
    client = world.client_for(world.bob)
    page = reverse("client_create", args=[world.studio.code])
    assert client.get(page).status_code == 200
    services.membership_change_role(membership=world.bob, role=Role.ASSISTANT, by=world.alice)
    assert client.get(page).status_code == 403
    services.membership_change_role(
        membership=Membership.objects.get(pk=world.bob.pk), role=Role.INSTRUCTOR, by=world.alice
    )
    assert client.get(page).status_code == 200


def test_a_removed_member_is_out_on_her_next_page(world):
    client = world.client_for(world.bob)
    page = reverse("client_list", args=[world.studio.code])
    assert client.get(page).status_code == 200
    services.membership_remove(membership=world.bob, by=world.alice)
    assert client.get(page).status_code == 404


def test_a_studio_renamed_or_asking_for_two_factor_shows_at_once(world):
    client = world.client_for(world.bob)
    page = reverse("client_list", args=[world.studio.code])
    assert "Willow Room" in client.get(page).content.decode()
    Studio.objects.filter(pk=world.studio.pk).update(name="Willow Studio")
    assert "Willow Studio" in client.get(page).content.decode()
    Studio.objects.filter(pk=world.studio.pk).update(require_mfa=True)
    assert client.get(page).status_code == 302


def test_a_studio_she_joins_is_open_to_her_at_once(world):
    client = world.client_for(world.bob)
    page = reverse("client_list", args=[world.other_studio.code])
    assert client.get(page).status_code == 404
    MembershipFactory(user=world.bob.user, studio=world.other_studio, role=Role.INSTRUCTOR)
    assert client.get(page).status_code == 200


def test_a_kept_copy_costs_no_query(world):
    client = world.client_for(world.bob)
    page = reverse("client_list", args=[world.studio.code])
    client.get(page)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert not any("practice_membership" in query["sql"] for query in queries.captured_queries)


def test_each_call_gets_its_own_instances(world):
    user = User.objects.get(pk=world.bob.user.pk)
    [first] = memberships_of(user)
    first.studio.name = "Changed by a view, never saved"
    first.role = Role.OWNER
    [second] = memberships_of(user)
    assert second.studio.name == "Willow Room"
    assert second.role == Role.INSTRUCTOR
    assert second.user is user
    assert second.studio.pk == world.studio.pk


def test_the_memory_is_bounded(world, monkeypatch):
    monkeypatch.setattr(memberships, "KEEP_AT_MOST", 2)
    monkeypatch.setattr(memberships, "_kept", {})
    for membership in (world.alice, world.bob, world.ada):
        memberships_of(User.objects.get(pk=membership.user.pk))
    assert len(memberships._kept) <= 2
