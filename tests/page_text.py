"""A page's HTML without its random values (CSRF tokens, CSP nonces), so a test that says a short
name is *not* on the page cannot fail because a token happened to spell it."""

import re

# Tokens and nonces are long runs of letters, digits, '-' and '_'; no name or word is.
_RANDOM_VALUE = re.compile(r"[A-Za-z0-9_+/=-]{20,}")


def without_tokens(html: str) -> str:
    return _RANDOM_VALUE.sub("", html)
