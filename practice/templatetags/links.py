"""{% cached_url %}: {% url %} for the links every page repeats, reversed once per process.

Once the URL configuration is loaded, a URL depends on its name, its arguments and the script
prefix alone. The header reverses the same fifteen or so links on every page (a tenth of the
client list's own time); remembered, each costs a dictionary lookup. A name that does not
exist raises NoReverseMatch, as {% url %} does without `as`.
"""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@register.simple_tag
def cached_url(name: str, *args: object) -> str:
    return _reversed(get_script_prefix(), name, tuple(str(arg) for arg in args))


@lru_cache(maxsize=4096)
def _reversed(prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args)
