"""How a person signs in and how the signed-in person is loaded (AUTHENTICATION_BACKENDS)."""

from allauth.account.auth_backends import AuthenticationBackend

from practice.models import Membership, User


class MemberBackend(AuthenticationBackend):
    """allauth's sign-in; the signed-in person loaded with her memberships, in one query.

    Every studio page needs both: Django loads the user on each request, and StudioMiddleware
    needs all her memberships with their studios (the tenant check, and the studio switcher in
    the header). Read together, each page costs one query less. A person with no studio yet is
    loaded as usual; so is one whose session was opened by an earlier backend.
    """

    def get_user(self, user_id: int) -> User | None:
        memberships = list(
            Membership.objects.select_related("user", "studio").filter(user_id=user_id)
        )
        if not memberships:
            return super().get_user(user_id)
        user = memberships[0].user
        if not self.user_can_authenticate(user):
            return None
        for membership in memberships:
            membership.user = user  # one object for the person, as the rules expect
        user.loaded_memberships = memberships  # type: ignore[attr-defined]
        return user
