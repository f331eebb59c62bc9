from contextlib import suppress

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from practice import services
from practice.models import Invitation, User

LOGIN_SESSION_PENDING_INVITATION = "pending_invitation_code"
# Set at sign-in: had this person signed in before? Only then does the dashboard say
# "Welcome back" (a brand-new owner has not been here before).
LOGIN_SESSION_RETURNING = "returning"


def pending_invitation(request: HttpRequest) -> Invitation | None:
    """The still-usable invitation this browser opened before signing up, if any."""
    code = request.session.get(LOGIN_SESSION_PENDING_INVITATION)
    if not code:
        return None
    invitation = Invitation.objects.select_related("studio").filter(code=code).first()
    return invitation if invitation is not None and invitation.is_usable else None


class AccountAdapter(DefaultAccountAdapter):
    def login(self, request: HttpRequest, user: User) -> None:
        returning = user.last_login is not None  # read before signing in stamps it
        super().login(request, user)
        request.session[LOGIN_SESSION_RETURNING] = returning

    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data["name"]
        user.save()
        invitation = pending_invitation(request)
        if invitation is not None:
            # Used or expired between page load and submit: they simply have no studio yet,
            # and the home page offers to create one.
            with suppress(ValidationError):
                services.invitation_accept(invitation=invitation, user=user)
                messages.success(request, f"Welcome to {invitation.studio.name}.")
            request.session.pop(LOGIN_SESSION_PENDING_INVITATION, None)
        else:
            services.studio_create(name=form.cleaned_data["studio_name"], owner=user)
        return user
