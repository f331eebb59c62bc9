from django.http import HttpRequest


def studios(request: HttpRequest) -> dict:
    """The signed-in person's studios, for the studio switcher (queried only when rendered)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_memberships": user.memberships.select_related("studio"),
        "studio": getattr(request, "studio", None),
        "membership": getattr(request, "membership", None),
    }
