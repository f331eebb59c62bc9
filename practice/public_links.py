"""What every private link for a client shares (the practice link, the intake link): the token
is kept only as a hash, and the pages it opens carry no address away, stay out of search
engines and out of every cache."""

import hashlib

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def typed_address(url: str) -> str:
    """The link as printed for typing: no scheme (browsers add it) and no closing slash."""
    return url.split("://", 1)[-1].rstrip("/")


def private(response: HttpResponse) -> HttpResponse:
    """`noindex`, `no-referrer`, and `no-store`: a link's page is for its holder alone."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response
