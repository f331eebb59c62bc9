from django import template

from practice import once

register = template.Library()


@register.simple_tag
def submit_once() -> str:
    """The one-time token of a create form (see practice/once.py); put it inside the <form>."""
    return once.token_input()
