"""Bidi controls never get in through a form, and user text is isolated where it is shown."""

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from practice.bidi import BIDI_CONTROLS
from practice.forms import SignupForm

pytestmark = pytest.mark.django_db
SNEAKY = "Willow\u202eRTL \u2066x\u2069 \u202a\u202b\u202c\u202d\u2067\u2068"
PROJECT_APPS = ("practice", "clients", "routines")
# allauth's account and two-factor forms are shown to our people too.
LIBRARY_FORM_MODULES = (
    "allauth.account.forms",
    "allauth.mfa.base.forms",
    "allauth.mfa.totp.forms",
    "allauth.mfa.recovery_codes.forms",
)


def _import_project_modules() -> None:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            # Settings, WSGI/ASGI entry points and migrations define no forms.
            if module.name.split(".")[-1] in {"settings", "wsgi", "asgi"}:
                continue
            if ".migrations" in module.name:
                continue
            importlib.import_module(module.name)
    for name in LIBRARY_FORM_MODULES:
        importlib.import_module(name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _form_classes() -> list[type[forms.BaseForm]]:
    _import_project_modules()
    wanted = PROJECT_APPS + LIBRARY_FORM_MODULES
    return sorted(
        {cls for cls in _subclasses(forms.BaseForm) if cls.__module__.startswith(wanted)},
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


def _holds_control(value: object) -> bool:
    if isinstance(value, str):
        return any(control in value for control in BIDI_CONTROLS)
    if isinstance(value, list | tuple):
        return any(_holds_control(item) for item in value)
    return False


def _accepts_a_control(field: forms.Field) -> bool:
    if isinstance(field.widget, forms.PasswordInput):
        return False
    try:
        cleaned = field.clean(SNEAKY)
    except ValidationError:
        return False  # refused outright: nothing got in either
    return _holds_control(cleaned)


def test_the_walk_finds_the_project_and_allauth_forms():
    names = {cls.__name__ for cls in _form_classes()}
    for expected in ("ClientForm", "NoteForm", "PoseForm", "StudioSettingsForm", "LoginForm"):
        assert expected in names


def test_no_text_field_of_any_form_keeps_a_bidi_control():
    checked = 0
    leaks = []
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            checked += 1
            if _accepts_a_control(field):
                leaks.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert not leaks
    assert checked > 100


def test_fields_made_when_the_form_is_built_strip_them_too():
    request = RequestFactory().get("/")
    built = [LoginForm(request=request), SignupForm()]
    for form in built:
        for name, field in form.fields.items():
            assert not _accepts_a_control(field), name


def test_text_keeps_its_letters_and_right_to_left_scripts():
    field = forms.CharField()
    assert field.clean("Willow\u202eRTL") == "WillowRTL"
    assert field.clean("שלום Rosa مرحبا") == "שלום Rosa مرحبا"


def test_passwords_are_taken_exactly_as_typed():
    field = SignupForm().fields["password1"]
    assert isinstance(field.widget, forms.PasswordInput)
    assert field.clean("quiet\u202eriver-morning-42") == "quiet\u202eriver-morning-42"


def test_a_studio_name_with_an_override_is_saved_without_it(world, owner_client):
    url = reverse("studio_settings", args=[world.studio.code])
    response = owner_client.post(url, {"name": "Willow\u202eRTL", "time_zone": "UTC"})
    assert response.status_code == 302
    world.studio.refresh_from_db()
    assert world.studio.name == "WillowRTL"


def _stylesheet(path: str) -> str:
    return Path(finders.find(path)).read_text()


def test_user_text_is_isolated_on_pages_and_in_print():
    for sheet in ("css/groundwork.css", "routines/print.css"):
        css = _stylesheet(sheet)
        assert "unicode-bidi: isolate" in css, sheet
    assert settings.BASE_DIR  # the page template wraps names that sit inside running text
    base = (settings.BASE_DIR / "templates" / "base.html").read_text()
    assert "<bdi>{{ studio.name }}</bdi>" in base
