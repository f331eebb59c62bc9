"""Unicode bidi controls are stripped from every text a form accepts.

The embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) reorder the text
after them: a studio named "Willow", U+202E, "RTL" shows as "WillowLTR" on every page and handout,
and a client name could reverse the words printed after it. Nobody types them on purpose, and
the letters of right-to-left scripts need none of them, so they are dropped at input.

One hook covers every form: `install()` wraps `forms.CharField.to_python`, which every text
field (EmailField, URLField, SlugField, our list fields, model form fields) runs its raw input
through. A base form class or mixin would have to be remembered by every form, and could not
reach allauth's and the admin's forms; a patch at this one point cannot be forgotten.
Password fields are left alone: a password is never shown, and it must match what was typed.
"""

from typing import Any

from django import forms

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DELETE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(text: str) -> str:
    return text.translate(_DELETE)


def install() -> None:
    if getattr(forms.CharField.to_python, "strips_bidi_controls", False):
        return  # ready() may run more than once (tests, autoreload)
    original = forms.CharField.to_python

    def to_python(self: forms.CharField, value: Any) -> Any:
        value = original(self, value)
        if isinstance(value, str) and not isinstance(self.widget, forms.PasswordInput):
            return strip_bidi_controls(value)
        return value

    to_python.strips_bidi_controls = True  # type: ignore[attr-defined]
    forms.CharField.to_python = to_python  # type: ignore[method-assign]
