"""{% cached_url %} and {% cached_static %}: {% url %} and {% static %} for the links every
page repeats, worked out once per process.

Once the URL configuration is loaded, a URL depends on its name, its arguments and the script
prefix alone. The header reverses the same fifteen or so links on every page (a tenth of the
client list's own time); remembered, each costs a dictionary lookup. A name that does not
exist raises NoReverseMatch, as {% url %} does without `as`. A static file's URL depends on
its path alone once the storage's manifest is loaded (with DEBUG off, a missing file still
fails loudly, as {% static %} does).
"""

from functools import lru_cache

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

register = template.Library()


@register.simple_tag
def cached_url(name: str, *args: object) -> str:
    return _reversed(get_script_prefix(), name, tuple(str(arg) for arg in args))


@lru_cache(maxsize=4096)
def _reversed(prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args)


@register.simple_tag
def cached_static(path: str) -> str:
    return _static(get_script_prefix(), path)


@lru_cache(maxsize=256)
def _static(prefix: str, path: str) -> str:
    return static(path)
