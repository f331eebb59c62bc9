"""Owners' handout texts are checked when saved: the safety phrases stay, commands go."""

import pytest

from routines.models import HandoutSettings
from routines.paper.forms import HandoutSettingsForm, contrast_on_white
from routines.paper.handout_texts import (
    DEFAULT_CARD_NO_TOUCH_TEXT,
    DEFAULT_CARD_WELCOME_TEXT,
    DEFAULT_CHOICE_TEXT,
    DEFAULT_SAFETY_TEXT,
)


@pytest.fixture
def settings_row(world):
    return HandoutSettings.for_studio(world.studio)


def _form(settings_row, **changes) -> HandoutSettingsForm:
    data = {
        "accent_colour": "#1a7f5a",
        "safety_text": DEFAULT_SAFETY_TEXT,
        "choice_text": DEFAULT_CHOICE_TEXT,
        "contact_line": "Call us on 0123 456",
        "paper_size": "A4",
        "card_welcome_text": DEFAULT_CARD_WELCOME_TEXT,
        "card_no_touch_text": DEFAULT_CARD_NO_TOUCH_TEXT,
        **changes,
    }
    return HandoutSettingsForm(data, instance=settings_row)


def test_the_default_texts_pass(settings_row):
    form = _form(settings_row)
    assert form.is_valid(), form.errors


def test_a_missing_required_phrase_is_named(settings_row):
    choice = "\n".join(line for line in DEFAULT_CHOICE_TEXT.splitlines() if "optional" not in line)
    form = _form(settings_row, choice_text=choice)
    assert not form.is_valid()
    assert "every pose is optional" in str(form.non_field_errors())
    assert form["choice_text"].value() == choice  # what was typed is kept


def test_command_words_get_a_clear_message(settings_row):
    form = _form(settings_row, safety_text=DEFAULT_SAFETY_TEXT + "\nRelax and push deeper.")
    assert not form.is_valid()
    message = str(form.errors["safety_text"])
    assert "“relax”" in message and "“push”" in message and "“deeper”" in message


def test_a_promise_of_healing_is_refused(settings_row):
    form = _form(settings_row, choice_text=DEFAULT_CHOICE_TEXT + "\nThis will heal your trauma.")
    assert "heal your trauma" in str(form.errors["choice_text"])


def test_a_light_accent_colour_is_refused_for_low_contrast(settings_row):
    form = _form(settings_row, accent_colour="#9fd3c0")
    assert not form.is_valid()
    assert "4.5:1" in str(form.errors["accent_colour"])


def test_contrast_follows_wcag():
    assert contrast_on_white("#000000") == pytest.approx(21)
    assert contrast_on_white("#ffffff") == pytest.approx(1)
    assert contrast_on_white("#767676") == pytest.approx(4.54, abs=0.01)


def test_clients_need_a_way_to_reach_the_studio(settings_row):
    studio = settings_row.studio
    studio.contact_email = ""
    studio.phone = ""
    studio.save()
    form = _form(settings_row, contact_line="")
    assert not form.is_valid()
    assert "reach the studio" in str(form.errors["contact_line"])
