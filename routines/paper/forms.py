import re

from django import forms
from django.core.files.uploadedfile import UploadedFile

from routines.library.images import clean_pose_image
from routines.models import HandoutSettings

# What every client handout must keep saying, whatever the owner writes (shared/DOMAIN.md).
# Each is found by any of a few natural phrasings.
REQUIRED_PHRASES = {
    "that every pose is optional": r"optional",
    "that they can stop at any time": r"stop (at )?any ?time|stop whenever",
    "to stop at sharp pain": r"sharp",
    "to keep breathing": r"keep breathing|breathe (freely|naturally|as you like)",
}
# Commands and promises a trauma-informed handout avoids.
COMMAND_WORDS = [
    "relax",
    "push",
    "you should",
    "you must",
    "deeper",
    "force",
    "no pain, no gain",
    "heal your trauma",
    "release your trauma",
    "releases trauma",
]
MIN_CONTRAST = 4.5
# A card's headline is read from across the room: it has to fit a line or two in large type.
CARD_HEADLINE_MAX = 40
CARD_LINES_MAX = 3
CARD_EMPTY = "Each side of the card needs words: a headline at least."
CARD_HELP = (
    "The first line is the card's headline (up to 40 characters); one or two short lines "
    "may follow. Printed in your handout colour."
)


def _luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def command_words_in(text: str) -> list[str]:
    return [word for word in COMMAND_WORDS if re.search(rf"\b{re.escape(word)}", text, re.I)]


class HandoutSettingsForm(forms.ModelForm):
    class Meta:
        model = HandoutSettings
        fields = [
            "logo",
            "accent_colour",
            "safety_text",
            "choice_text",
            "contact_line",
            "paper_size",
            "card_welcome_text",
            "card_no_touch_text",
        ]
        widgets = {
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
            "safety_text": forms.Textarea(attrs={"rows": 6}),
            "choice_text": forms.Textarea(attrs={"rows": 5}),
            "card_welcome_text": forms.Textarea(attrs={"rows": 3}),
            "card_no_touch_text": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "safety_text": "One point a line; each line becomes a bullet.",
            "choice_text": "One point a line. The client's touch preference is added below.",
            "card_welcome_text": CARD_HELP,
            "card_no_touch_text": CARD_HELP,
        }
        error_messages = {
            "card_welcome_text": {"required": CARD_EMPTY},
            "card_no_touch_text": {"required": CARD_EMPTY},
        }

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        # The same checks as pose pictures: a real image, size limits, metadata removed.
        if isinstance(upload, UploadedFile):
            return clean_pose_image(upload)
        return upload

    def clean_accent_colour(self) -> str:
        colour = self.cleaned_data["accent_colour"]
        if (
            re.fullmatch(r"#[0-9a-fA-F]{6}", colour or "")
            and contrast_on_white(colour) < MIN_CONTRAST
        ):
            raise forms.ValidationError(
                f"This colour is too light to read on white paper (contrast "
                f"{contrast_on_white(colour):.1f}:1; headings need at least {MIN_CONTRAST}:1). "
                "A darker shade will print and read better."
            )
        return colour

    def _check_words(self, field: str) -> str:
        text = self.cleaned_data.get(field, "")
        found = command_words_in(text)
        if found:
            quoted = ", ".join(f"“{word}”" for word in found)
            self.add_error(
                field,
                f"Please rephrase {quoted}: handouts invite rather than instruct or promise "
                "(for example “you might…”, “if you like…”).",
            )
        return text

    def clean_safety_text(self) -> str:
        return self._check_words("safety_text")

    def clean_choice_text(self) -> str:
        return self._check_words("choice_text")

    def _check_card(self, field: str) -> str:
        text = self.cleaned_data.get(field, "")
        headline, more = HandoutSettings.card_side(text)
        if not headline:
            raise forms.ValidationError(CARD_EMPTY)
        if len(headline) > CARD_HEADLINE_MAX:
            raise forms.ValidationError(
                f"The first line is the headline, read from across the room: please keep it to "
                f"{CARD_HEADLINE_MAX} characters (it has {len(headline)}) and put the rest on "
                "the next line."
            )
        if len(more) + 1 > CARD_LINES_MAX:
            raise forms.ValidationError(
                f"A card has room for {CARD_LINES_MAX} lines, the headline included."
            )
        return "\n".join([headline, *more])

    def clean_card_welcome_text(self) -> str:
        return self._check_card("card_welcome_text")

    def clean_card_no_touch_text(self) -> str:
        return self._check_card("card_no_touch_text")

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        together = " ".join(cleaned.get(f, "") for f in ("safety_text", "choice_text"))
        missing = [
            what
            for what, pattern in REQUIRED_PHRASES.items()
            if not re.search(pattern, together, re.I)
        ]
        if missing and "safety_text" in cleaned and "choice_text" in cleaned:
            raise forms.ValidationError(
                "Every handout needs to say " + ", ".join(missing) + ". Please add a line "
                "for each (the default texts show one way to put it)."
            )
        studio = self.instance.studio
        if not (cleaned.get("contact_line") or studio.contact_email or studio.phone):
            self.add_error(
                "contact_line",
                "Clients need a way to reach the studio: add a contact line here, or an email "
                "or phone number in the studio settings.",
            )
        return cleaned
