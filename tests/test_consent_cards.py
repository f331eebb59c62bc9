"""Printable consent cards: two sides ("welcome" / "no hands-on support"), in the studio's
colour and words, edited in the handout settings with the gentle wording note beside them."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clients.models import AuditEvent
from routines.models import HandoutSettings
from routines.paper import handouts
from routines.paper.handout_texts import DEFAULT_CHOICE_TEXT, DEFAULT_SAFETY_TEXT

pytestmark = pytest.mark.django_db


def _settings_data(**changes) -> dict:
    return {
        "accent_colour": "#2b4c7e",
        "safety_text": DEFAULT_SAFETY_TEXT,
        "choice_text": DEFAULT_CHOICE_TEXT,
        "contact_line": "Call us on 0123 456",
        "paper_size": "A4",
        "card_welcome_text": "Support welcome here\nTurn me over any time.",
        "card_no_touch_text": "Words only, thank you",
        **changes,
    }


def _pages(pdf: bytes) -> list[str]:
    """Each page's words, line breaks squashed (a headline wraps on the card)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_cards_print_the_studios_words_on_two_sides(world):
    url = reverse("handout_settings", args=[world.studio.code])
    assert world.client_for(world.alice).post(url, _settings_data()).status_code == 302
    response = world.client_for(world.ada).get(reverse("consent_cards", args=[world.studio.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    front, back = _pages(response.content)
    assert front.count("Support welcome here") == 4 and "Turn me over any time." in front
    assert back.count("Words only, thank you") == 4
    assert "Words only" not in front and "Support welcome" not in back
    assert world.studio.name in front
    # In the studio's colour: the cards' accent is the handout colour.
    assert "--accent: #2b4c7e" in handouts.consent_cards_html(world.studio)
    event = AuditEvent.objects.get(record_type="consent cards")
    assert (event.action, event.client_code) == ("print", None)


def test_the_default_cards_say_welcome_and_no_thank_you(world):
    pdf = world.client_for(world.bob).get(reverse("consent_cards", args=[world.studio.code]))
    front, back = _pages(pdf.content)
    assert "Hands-on support welcome" in front
    assert "No hands-on support, thank you" in back


def test_a_headline_too_long_to_read_across_the_room_is_refused_kindly(world):
    url = reverse("handout_settings", args=[world.studio.code])
    long = "Hands-on support is very welcome today, thank you so much"
    response = world.client_for(world.alice).post(url, _settings_data(card_welcome_text=long))
    assert response.status_code == 400
    assert "keep it to 40 characters" in response.text
    assert long in response.text  # what was typed stays
    assert HandoutSettings.for_studio(world.studio).card_welcome_text != long
    empty = world.client_for(world.alice).post(url, _settings_data(card_no_touch_text="  "))
    assert "Each side of the card needs words" in empty.text


def test_card_words_get_the_gentle_note_and_are_still_saved(world):
    url = reverse("handout_settings", args=[world.studio.code])
    owner = world.client_for(world.alice)
    response = owner.post(url, _settings_data(card_no_touch_text="Relax! No touch"))
    assert response.status_code == 302  # a note suggests, it never refuses
    page = owner.get(url).text
    assert "you might let yourself settle" in page


def test_the_cards_are_linked_from_the_studio_settings(world):
    cards = reverse("consent_cards", args=[world.studio.code])
    owner = world.client_for(world.alice)
    assert cards in owner.get(reverse("studio_settings", args=[world.studio.code])).text
    assert cards in owner.get(reverse("handout_settings", args=[world.studio.code])).text
