import pytest
from django.core import mail
from django.urls import reverse

from practice.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory

Role = Membership.Role
pytestmark = pytest.mark.django_db


def _team_url(world) -> str:
    return reverse("team", args=[world.studio.code])


def test_every_member_sees_the_team_list(world):
    for membership in (world.alice, world.bob, world.ada):
        response = world.client_for(membership).get(_team_url(world))
        assert response.status_code == 200
        assert "Bob Teacher" in response.text
        assert "Charlie" not in response.text


def test_only_the_owner_sees_invitations_and_management_controls(world):
    InvitationFactory(studio=world.studio, email="pending@example.com")
    owner_page = world.client_for(world.alice).get(_team_url(world)).text
    assert "Send invitation" in owner_page
    assert "pending@example.com" in owner_page
    instructor_page = world.client_for(world.bob).get(_team_url(world)).text
    assert "Send invitation" not in instructor_page
    assert "pending@example.com" not in instructor_page


def test_team_page_queries_do_not_grow_with_the_team(world, django_assert_num_queries):
    client = world.client_for(world.alice)
    client.get(_team_url(world))  # warm the session
    MembershipFactory.create_batch(10, studio=world.studio)
    # 1 session, 2 user, 3 members with their users, 4 pending invitations (no session save
    # when nothing in it changed; her memberships are kept from her first page): the same four
    # for a team of any size.
    with django_assert_num_queries(4):
        assert client.get(_team_url(world)).status_code == 200


def test_owner_invites_a_teammate_by_email(world):
    response = world.client_for(world.alice).post(
        reverse("team_invite", args=[world.studio.code]),
        {"email": "New.Teacher@Example.com", "role": Role.INSTRUCTOR},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(studio=world.studio)
    assert invitation.email == "new.teacher@example.com"
    assert invitation.invited_by == world.alice.user
    [email] = mail.outbox
    assert email.to == ["new.teacher@example.com"]
    assert world.studio.name in email.subject
    assert "/invitations/" in email.body
    # Only the hash is stored: the raw token in the email is not in the database.
    token = email.body.split("/invitations/")[1].split("/")[0]
    assert token not in invitation.token_hash
    assert Invitation.find_by_token(token) == invitation


def test_inviting_again_replaces_the_pending_invitation(world):
    url = reverse("team_invite", args=[world.studio.code])
    client = world.client_for(world.alice)
    client.post(url, {"email": "twice@example.com", "role": Role.ASSISTANT})
    client.post(url, {"email": "twice@example.com", "role": Role.INSTRUCTOR})
    assert list(world.studio.invitations.values_list("role", flat=True)) == [Role.INSTRUCTOR]


def test_a_bad_invitation_keeps_what_was_typed_and_explains(world):
    response = world.client_for(world.alice).post(
        reverse("team_invite", args=[world.studio.code]),
        {"email": "not-an-email", "role": Role.INSTRUCTOR},
    )
    assert response.status_code == 400
    assert 'value="not-an-email"' in response.text
    assert "Enter a valid email address" in response.text
    assert not Invitation.objects.exists()


def test_inviting_someone_already_on_the_team_is_refused(world):
    response = world.client_for(world.alice).post(
        reverse("team_invite", args=[world.studio.code]),
        {"email": world.bob.user.email.upper(), "role": Role.INSTRUCTOR},
    )
    assert response.status_code == 400
    assert "already on your team" in response.text


def test_owner_withdraws_an_invitation(world):
    invitation = InvitationFactory(studio=world.studio)
    url = reverse("invitation_revoke", args=[world.studio.code, invitation.code])
    assert world.client_for(world.alice).post(url).status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert Invitation.find_by_token(invitation.token) is None


def test_owner_changes_a_role(world):
    url = reverse("member_role", args=[world.studio.code, world.bob.code])
    response = world.client_for(world.alice).post(url, {"role": Role.ASSISTANT})
    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert world.bob.role == Role.ASSISTANT


def test_role_change_over_htmx_answers_with_the_updated_row(world):
    url = reverse("member_role", args=[world.studio.code, world.bob.code])
    response = world.client_for(world.alice).post(
        url, {"role": Role.OWNER}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.strip().startswith(f'<tr id="member-{world.bob.code}"')
    assert '<option value="owner" selected>' in response.text
    assert "<html" not in response.text


def test_the_last_owner_cannot_be_demoted(world):
    url = reverse("member_role", args=[world.studio.code, world.alice.code])
    response = world.client_for(world.alice).post(url, {"role": Role.INSTRUCTOR}, follow=True)
    assert "always needs an owner" in response.text
    world.alice.refresh_from_db()
    assert world.alice.role == Role.OWNER


def test_the_last_owner_cannot_be_removed(world):
    url = reverse("member_remove", args=[world.studio.code, world.alice.code])
    response = world.client_for(world.alice).post(url, follow=True)
    assert "always needs an owner" in response.text
    assert Membership.objects.filter(pk=world.alice.pk).exists()


def test_an_owner_can_step_down_when_another_owner_remains(world):
    Membership.objects.filter(pk=world.bob.pk).update(role=Role.OWNER)
    url = reverse("member_remove", args=[world.studio.code, world.alice.code])
    response = world.client_for(world.alice).post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not Membership.objects.filter(pk=world.alice.pk).exists()


def test_owner_removes_a_member(world):
    url = reverse("member_remove", args=[world.studio.code, world.ada.code])
    assert world.client_for(world.alice).post(url).status_code == 302
    assert not Membership.objects.filter(pk=world.ada.pk).exists()
    # Removed means removed: the studio now answers 404 to them.
    dashboard = reverse("studio_dashboard", args=[world.studio.code])
    assert world.client_for(world.ada).get(dashboard).status_code == 404
