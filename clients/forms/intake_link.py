"""The intake link's form, for the client on her phone, and the teacher's review forms.

The client's form is worded for her ("my", "me") and asks for nothing but a name: every other
part may be left for now. It only validates and shapes the answers; the services store them.
"""

from typing import Any

from django import forms

from clients.forms.intake import PrecautionForm, TouchConsentForm, TriggerForm, usual_restrictions
from clients.models import Client, ConsentDocument
from clients.vocabulary import (
    CLIENT_TOUCH_WORDS,
    CLIENT_TRIGGER_WORDS,
    BodySide,
    Condition,
    RoomWish,
    RoomWishAsked,
)

# How many injuries and how many hard moments one phone page offers: more can be told in person.
PRECAUTION_SLOTS = 2
TRIGGER_SLOTS = 2
SHORT, LONG = 200, 2000

NOT_NOW = ("", "Not now")


def _text(label: str, *, long: bool = False, **attrs: str) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 2, **attrs}) if long else forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label, required=False, max_length=LONG if long else SHORT, widget=widget
    )


class IntakeLinkForm(forms.Form):
    """One page in sections; only `preferred_name` is required."""

    preferred_name = forms.CharField(
        label="The name you would like us to use",
        max_length=100,
        error_messages={"required": "Please tell us what to call you: that is all we need."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    pronouns = _text("Pronouns", autocomplete="off")
    email = forms.EmailField(
        label="Email",
        required=False,
        max_length=SHORT,
        error_messages={"invalid": "This email address looks incomplete; could you check it?"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = _text("Phone", autocomplete="tel", inputmode="tel")
    emergency_contact = _text("Someone we may call in an emergency (name and phone)", long=True)

    room_wishes = forms.MultipleChoiceField(
        label="What helps you feel safe in a session",
        choices=RoomWishAsked.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    room_wishes_note = _text("Anything else, in your own words", long=True)

    touch_consent = forms.ChoiceField(
        label="Hands-on support",
        choices=[*CLIENT_TOUCH_WORDS.items(), NOT_NOW],
        required=False,
        widget=forms.RadioSelect,
    )

    signed_name = _text("Type your full name to sign", autocomplete="name")
    # The version she read: a newer one published meanwhile must be read before it is signed.
    consent_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, document: ConsentDocument | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["consent_version"].initial = document.version if document else None
        conditions = [
            (value, "Something else" if value == Condition.OTHER else label)
            for value, label in Condition.choices
        ]
        sides = [(v, label) for v, label in BodySide.choices if v != BodySide.NOT_APPLICABLE]
        for n in range(1, PRECAUTION_SLOTS + 1):
            self.fields[f"precaution_{n}_condition"] = forms.ChoiceField(
                label="What it is",
                choices=[("", "Choose, or leave empty"), *conditions],
                required=False,
            )
            self.fields[f"precaution_{n}_other"] = _text("If something else, in your words")
            self.fields[f"precaution_{n}_side"] = forms.ChoiceField(
                label="Which side",
                choices=[("", "Not one side, or not sure"), *sides],
                required=False,
            )
            self.fields[f"precaution_{n}_since"] = _text("Since when (a month is enough)")
            self.fields[f"precaution_{n}_clinician"] = _text(
                "What a doctor, surgeon or physio said about movement", long=True
            )
        for n in range(1, TRIGGER_SLOTS + 1):
            self.fields[f"trigger_{n}_category"] = forms.ChoiceField(
                label="What can be hard",
                choices=[("", "Choose, or leave empty"), *CLIENT_TRIGGER_WORDS.items()],
                required=False,
            )
            self.fields[f"trigger_{n}_note"] = _text("In your words, if you like", long=True)
            self.fields[f"trigger_{n}_helps"] = _text("What helps", long=True)

    def precaution_slots(self) -> list[list[forms.BoundField]]:
        names = ("condition", "other", "side", "since", "clinician")
        return [
            [self[f"precaution_{n}_{name}"] for name in names]
            for n in range(1, PRECAUTION_SLOTS + 1)
        ]

    def trigger_slots(self) -> list[list[forms.BoundField]]:
        names = ("category", "note", "helps")
        return [
            [self[f"trigger_{n}_{name}"] for name in names] for n in range(1, TRIGGER_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for n in range(1, PRECAUTION_SLOTS + 1):
            prefix = f"precaution_{n}"
            if data.get(f"{prefix}_condition") == Condition.OTHER and not data.get(
                f"{prefix}_other"
            ):
                self.add_error(f"{prefix}_other", "A few words on what it is would help us.")
        if data.get("signed_name"):
            if self.document is None:
                data["signed_name"] = ""
            elif data.get("consent_version") != self.document.version:
                self.add_error(
                    "signed_name",
                    "The studio updated its consent text while you were reading. Please read "
                    "the new text below; your name is kept here for you.",
                )
        return data

    def answers(self) -> dict[str, Any]:
        """The answers as stored in the draft: only the parts she filled in."""
        data = self.cleaned_data
        answers: dict[str, Any] = {
            "about": {
                name: data[name]
                for name in ("preferred_name", "pronouns", "email", "phone", "emergency_contact")
                if data[name]
            }
        }
        if data["room_wishes"] or data["room_wishes_note"]:
            answers["room"] = {"wishes": data["room_wishes"], "note": data["room_wishes_note"]}
        for n in range(1, PRECAUTION_SLOTS + 1):
            row = {
                key: data[f"precaution_{n}_{key}"]
                for key in ("condition", "other", "side", "since", "clinician")
            }
            if row["condition"] or row["other"] or row["clinician"]:
                answers[f"precaution-{n}"] = row
        for n in range(1, TRIGGER_SLOTS + 1):
            row = {key: data[f"trigger_{n}_{key}"] for key in ("category", "note", "helps")}
            if any(row.values()):
                answers[f"trigger-{n}"] = row
        if data["touch_consent"]:
            answers["touch"] = data["touch_consent"]
        if data["signed_name"] and self.document is not None:
            answers["consent"] = {
                "document": str(self.document.code),
                "version": self.document.version,
                "signed_name": data["signed_name"],
            }
        return answers


# --- The teacher's review: each part as the form that would record it, filled with her words.


class AboutReviewForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["preferred_name", "pronouns", "email", "phone", "emergency_contact"]
        widgets = {
            "email": forms.TextInput(),
            "phone": forms.TextInput(),
            "emergency_contact": forms.TextInput(),
        }


class RoomWishesForm(forms.ModelForm):
    room_wishes = forms.MultipleChoiceField(
        label="Room wishes",
        choices=RoomWish.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def save(self, commit: bool = True) -> Client:
        # Through the model, so eyes open and near the door, which the checker reads, follow.
        self.instance.set_room_wishes(self.cleaned_data["room_wishes"])
        return super().save(commit)

    class Meta:
        model = Client
        fields = ["room_wishes", "room_wishes_note"]
        labels = {"room_wishes_note": "In their words"}
        widgets = {"room_wishes_note": forms.Textarea(attrs={"rows": 2})}


def precaution_initial(answer: dict[str, str]) -> dict[str, Any]:
    """Her words as a precaution to confirm: the condition's usual limits ticked, her side,
    self-reported, until cleared; when and what a clinician said go to the note."""
    condition = answer.get("condition") or (Condition.OTHER if answer.get("other") else "")
    note = "\n".join(
        line
        for line in (
            f"Since: {answer['since']}" if answer.get("since") else "",
            f"A clinician said: {answer['clinician']}" if answer.get("clinician") else "",
        )
        if line
    )
    return {
        "condition": condition,
        "condition_other": answer.get("other", "") if condition == Condition.OTHER else "",
        "side": answer.get("side") or BodySide.NOT_APPLICABLE,
        "restricted_movements": usual_restrictions(condition),
        "until_cleared": True,
        "note": note,
    }


def review_form(part: str, answer: Any, client: Client, data: Any = None) -> forms.BaseForm | None:
    """The form that records `part` of the answers (bound to `data` when posted); None for the
    consent signature, which is accepted as she signed it, never edited."""
    kind = part.split("-")[0]
    if kind == "about":
        initial = {name: value for name, value in answer.items() if value}
        return AboutReviewForm(data, instance=client, initial=initial, prefix=part)
    if kind == "room":
        initial = {"room_wishes": answer.get("wishes", []), "room_wishes_note": answer.get("note")}
        return RoomWishesForm(data, instance=client, initial=initial, prefix=part)
    if kind == "precaution":
        return PrecautionForm(data, initial=precaution_initial(answer), prefix=part)
    if kind == "trigger":
        initial = {
            "category": answer.get("category", ""),
            "note": answer.get("note", ""),
            "what_helps": answer.get("helps", ""),
        }
        return TriggerForm(data, initial=initial, prefix=part)
    if kind == "touch":
        return TouchConsentForm(data, initial={"touch_consent": answer}, prefix=part)
    return None
