from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from practice.access import ensure_same_studio
from practice.models import Invitation, Membership, Studio, User

Role = Membership.Role


def studio_create(*, name: str, owner: User, time_zone: str = "UTC") -> Studio:
    studio = Studio(name=name, time_zone=time_zone)
    studio.full_clean()
    with transaction.atomic():
        studio.save()
        Membership.objects.create(user=owner, studio=studio, role=Role.OWNER)
    return studio


def _lock_owners(studio: Studio) -> int:
    """Counts owners while holding their rows, so two concurrent demotions cannot both pass."""
    return len(list(studio.memberships.select_for_update().filter(role=Role.OWNER)))


def membership_change_role(*, membership: Membership, role: str, by: Membership) -> Membership:
    ensure_same_studio(membership.studio_id, by)
    if role not in Role.values:
        raise ValidationError({"role": "Choose owner, instructor or assistant."})
    with transaction.atomic():
        demoting_owner = membership.role == Role.OWNER and role != Role.OWNER
        if demoting_owner and _lock_owners(membership.studio) <= 1:
            raise ValidationError(
                "A studio always needs an owner. Make someone else an owner first."
            )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership, by: Membership) -> None:
    ensure_same_studio(membership.studio_id, by)
    with transaction.atomic():
        if membership.role == Role.OWNER and _lock_owners(membership.studio) <= 1:
            raise ValidationError(
                "A studio always needs an owner. Make someone else an owner first."
            )
        membership.delete()


def invitation_create(
    *, studio: Studio, email: str, role: str, by: User, accept_url_for: Callable[[str], str]
) -> Invitation:
    """Invites `email` to `studio` and emails the link; an earlier pending invite is replaced.

    `accept_url_for` turns the raw token (never stored) into the absolute link for the email.
    """
    email = email.strip().lower()
    if studio.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already on your team."})
    invitation = Invitation(studio=studio, email=email, role=role, invited_by=by)
    token = invitation.issue_token()
    invitation.full_clean()
    with transaction.atomic():
        studio.invitations.pending().filter(email__iexact=email).delete()
        invitation.save()
    context = {
        "invitation": invitation,
        "studio": studio,
        "invited_by": by,
        "accept_url": accept_url_for(token),
    }
    send_mail(
        subject=render_to_string("practice/email/invitation_subject.txt", context).strip(),
        message=render_to_string("practice/email/invitation_message.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Adds `user` to the invitation's studio. The token works once and only before expiry."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable:
            raise ValidationError("This invitation has expired or has already been used.")
        membership, _ = Membership.objects.get_or_create(
            user=user, studio=invitation.studio, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
