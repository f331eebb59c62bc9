"""Plain-text helpers every app may use; this module imports nothing of ours, so clients and
routines can both depend on it without breaking the one-way import order."""

ELLIPSIS = "…"


def shorten(text: str, max_length: int) -> str:
    """`text` as it is when it fits, else cut to `max_length` characters ending in an ellipsis."""
    if max_length < 1:
        raise ValueError("max_length must leave room for at least the ellipsis.")
    if len(text) <= max_length:
        return text
    return text[: max_length - len(ELLIPSIS)].rstrip() + ELLIPSIS


def with_suffix(base: str, suffix: str, max_length: int) -> str:
    """A name made from another one, such as "Title (copy)": the suffix is what tells the two
    apart, so it stays whole and the base gives way when the result would not fit the field."""
    return shorten(base, max_length - len(suffix)) + suffix
