"""A small fixed-window rate limit in the cache (shared through Redis in production).

For the public pages that have no account to limit (the practice link): allauth's limits cover
sign-in. Keys are hashed with the server's key first, so the cache never holds an IP address
or a token in the clear.
"""

import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def allow(scope: str, who: str, *, limit: int, window_seconds: int) -> bool:
    """Counts one use of `scope` by `who`; False once `limit` uses fell in this window."""
    window = int(time.time() // window_seconds)
    name = salted_hmac("groundwork.ratelimit", f"{scope}:{who}").hexdigest()[:32]
    key = f"ratelimit:{scope}:{name}:{window}"
    # add() is a no-op when the key exists, so concurrent first uses cannot reset the count.
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window_seconds)
        count = 1
    return count <= limit
