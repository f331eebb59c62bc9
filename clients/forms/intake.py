"""Intake forms. They only validate; clients/intake.py saves and audits.

Several intake forms can be open on the client page at once (one per precaution being edited),
so each form gets its own `auto_id` and element ids never collide.
"""

from typing import cast

from django import forms
from django.http import QueryDict

from clients.models import Client, Precaution, Trigger
from clients.safety_rules import USUAL_RESTRICTIONS
from clients.vocabulary import (
    Clearance,
    Condition,
    RoomWish,
    TouchConsent,
    TriggerCategory,
)
from practice.vocabulary import Movement


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        # The browser's date picker reads and writes ISO dates, whatever the locale.
        super().__init__(attrs, format="%Y-%m-%d")


def usual_restrictions(condition: str) -> list[str]:
    return [str(movement) for movement in USUAL_RESTRICTIONS.get(condition, [])]


def is_untouched_suggestion(movements: list[str]) -> bool:
    """True when nothing is ticked, or exactly what some condition usually restricts.

    Then the teacher has not made a choice of their own yet, and picking another condition may
    replace the ticks with that condition's usual movements.
    """
    chosen = set(movements)
    return not chosen or any(chosen == set(usual) for usual in USUAL_RESTRICTIONS.values() if usual)


class PrecautionForm(forms.ModelForm):
    restricted_movements = forms.MultipleChoiceField(
        choices=Movement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Movements to avoid or change",
        help_text="Picking a condition ticks what it usually restricts. Rules vary: adjust "
        "them to what the surgeon or physiotherapist advised.",
    )
    until_cleared = forms.BooleanField(required=False, label="Until cleared")
    # Stored as text (encrypted, like the note), typed as a whole number of degrees.
    hip_flexion_limit = forms.IntegerField(
        required=False,
        min_value=10,
        max_value=120,
        label="Own hip flexion limit, in degrees",
        help_text="Only when the surgeon set a number other than the usual 90° (45° for the "
        "first weeks, say). The checker then uses it for this client.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "5"}),
    )
    end_date_won_note = "You gave an end date, so it is no longer “until cleared”."

    class Meta:
        model = Precaution
        fields = [
            "condition", "condition_other", "side", "restricted_movements", "hip_flexion_limit",
            "start_date", "until_cleared", "end_date", "set_by", "note",
        ]  # fmt: skip
        labels = {"set_by": "Who set it", "end_date": "or until"}
        # The template words these in the labels; a help text would describe nothing on screen.
        help_texts = {"end_date": "", "condition_other": ""}
        widgets = {
            "start_date": DateInput(),
            # clients/intake.js unticks the box named here as soon as a date is typed.
            "end_date": DateInput(attrs={"data-unticks": "until_cleared"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        code = kwargs["instance"].code if kwargs.get("instance") else "new"
        self.dom_prefix = f"precaution-{code}"
        kwargs["auto_id"] = f"{self.dom_prefix}-%s"
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["condition"]).choices = [
            ("", "Choose a condition…"),
            *Condition.choices,
        ]
        if not self.is_bound:
            self.initial.setdefault("until_cleared", self.instance.end_date is None)
        # Set by clean(): a typed end date overrode a ticked "until cleared".
        self.end_date_won = False

    def clean_hip_flexion_limit(self) -> str:
        value = self.cleaned_data.get("hip_flexion_limit")
        return "" if value is None else str(value)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("condition") != Condition.OTHER:
            data["condition_other"] = ""
        elif not data.get("condition_other"):
            self.add_error("condition_other", "Please name the condition.")
        start, end = data.get("start_date"), data.get("end_date")
        if data.get("until_cleared") and end is not None:
            # Both arrive when the script that unticks the box did not run (no JavaScript). The
            # typed date is the more deliberate entry: it wins, and the teacher is told. Were
            # this an error, a teacher who moved on would lose the whole precaution.
            data["until_cleared"] = False
            self.end_date_won = True
            # Should the form come back for another mistake, it shows the box unticked.
            self.data = cast(QueryDict, self.data).copy()  # bound to request.POST
            self.data.pop("until_cleared", None)
        if not data.get("until_cleared") and end is None:
            self.add_error("end_date", "Add an end date, or tick “until cleared”.")
        elif end is not None and start is not None and end <= start:
            self.add_error("end_date", "The end date should come after the start date.")
        return data


def movement_suggestion_form(
    query: QueryDict, instance: Precaution | None = None
) -> PrecautionForm:
    """An unbound form showing the movements for the condition just picked (htmx refresh).

    It is built from the condition and ticks only; nothing else typed travels in the URL.
    """
    condition = query.get("condition", "")
    movements = query.getlist("restricted_movements")
    if is_untouched_suggestion(movements):
        movements = usual_restrictions(condition)
    return PrecautionForm(
        instance=instance, initial={"condition": condition, "restricted_movements": movements}
    )


class TriggerForm(forms.ModelForm):
    class Meta:
        model = Trigger
        fields = ["category", "note", "what_helps"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "what_helps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        code = kwargs["instance"].code if kwargs.get("instance") else "new"
        self.dom_prefix = f"trigger-{code}"
        kwargs["auto_id"] = f"{self.dom_prefix}-%s"
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", "Choose what can be hard…"),
            *TriggerCategory.choices,
        ]


class PreferencesForm(forms.ModelForm):
    room_wishes = forms.MultipleChoiceField(
        choices=RoomWish.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What helps them feel at ease in the room",
        help_text="Shown on a session's room sheet, beside their name.",
    )

    class Meta:
        model = Client
        fields = ["room_wishes", "props", "lighting", "music"]
        widgets = {"props": forms.TextInput()}

    dom_prefix = "preferences"

    def __init__(self, *args, **kwargs) -> None:
        kwargs["auto_id"] = f"{self.dom_prefix}-%s"
        super().__init__(*args, **kwargs)


class TouchConsentForm(forms.Form):
    touch_consent = forms.ChoiceField(
        choices=TouchConsent.choices, widget=forms.RadioSelect, label="Touch consent"
    )

    dom_prefix = "touch"

    def __init__(self, *args, **kwargs) -> None:
        kwargs["auto_id"] = f"{self.dom_prefix}-%s"
        super().__init__(*args, **kwargs)


class ClearanceForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["medical_clearance", "clearance_date"]
        labels = {"medical_clearance": "Medical clearance", "clearance_date": "Date"}
        help_texts = {"clearance_date": ""}
        widgets = {"medical_clearance": forms.RadioSelect, "clearance_date": DateInput()}

    dom_prefix = "clearance"

    def __init__(self, *args, **kwargs) -> None:
        kwargs["auto_id"] = f"{self.dom_prefix}-%s"
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        status = data.get("medical_clearance")
        if status == Clearance.RECEIVED and data.get("clearance_date") is None:
            self.add_error("clearance_date", "Add the date it was received.")
        elif status == Clearance.NOT_NEEDED:
            # A date left from an earlier status would otherwise read as a real one.
            data["clearance_date"] = None
        return data
