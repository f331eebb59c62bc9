from django.http import HttpRequest


def studios(request: HttpRequest) -> dict:
    """The signed-in person's studios, for the studio switcher (queried only when rendered)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # A studio page has them already (practice/middleware.py StudioMiddleware).
        "user_memberships": getattr(request, "user_memberships", None)
        or user.memberships.select_related("studio"),
        "studio": getattr(request, "studio", None),
        "membership": getattr(request, "membership", None),
    }
