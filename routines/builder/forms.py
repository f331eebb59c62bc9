"""Forms of the routine builder. Every related field is narrowed to what the studio may see,
so a hand-made POST cannot attach another studio's pose or modification."""

from typing import cast

from django import forms

from clients.chooser import ClientChoiceField
from practice.models import Studio
from routines.builder.other_ways import OTHER_WAY_ACTIONS, step_version_keys
from routines.models import Modification, Pose, Routine, RoutineStep


class VersionField(forms.IntegerField):
    """The routine version the page was built from; the services refuse stale edits."""

    def __init__(self) -> None:
        super().__init__(widget=forms.HiddenInput, min_value=1)


class RoutineForm(forms.ModelForm):
    version = VersionField()
    status = forms.ChoiceField(
        choices=[(Routine.Status.DRAFT, "Draft"), (Routine.Status.READY, "Ready")],
        help_text="Ready routines are the ones you print for clients.",
    )

    class Meta:
        model = Routine
        fields = [
            "title",
            "intention",
            "notes",
            "status",
            "is_template",
            "client",
            "offer_other_ways",
        ]
        widgets = {
            "intention": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A search, not a select: a studio may have thousands of clients (clients/chooser.py).
        self.fields["client"] = ClientChoiceField(
            studio=studio,
            required=False,
            label="Tailored for",
            empty_label="Nobody in particular",
            return_url=f"{self.instance.get_absolute_url()}#routine-details",
        )
        # Back from the no-JavaScript client search with a choice: show it in the open form.
        self.opens_details = "client" in self.initial and self.initial["client"] != (
            self.instance.client_id
        )
        # The builder's changes over htmx update this input out of band, by its id.
        self.fields["version"].widget.attrs["id"] = "routine-version"


class NewRoutineForm(forms.Form):
    title = forms.CharField(max_length=200)
    template = forms.ModelChoiceField(
        queryset=Routine.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="Start from an empty routine",
        label="Start from a template",
    )

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = (
            Routine.objects.for_studio(studio).active().templates().order_by("title")
        )


class StepForm(forms.ModelForm):
    """Edits one step. The modification choices come from the builder's prefetched list, so
    rendering a routine of any length costs the same number of queries."""

    version = VersionField()
    modification = forms.ChoiceField(required=False, label="Modification")

    class Meta:
        model = RoutineStep
        fields = ["hold_breaths", "hold_seconds", "sides", "cue", "teacher_note"]
        widgets = {
            "hold_breaths": forms.NumberInput(attrs={"min": 1, "max": 200}),
            "hold_seconds": forms.NumberInput(attrs={"min": 1, "max": 3600}),
            "cue": forms.Textarea(attrs={"rows": 2}),
            "teacher_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, modifications: list[Modification], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.modifications = {str(m.code): m for m in modifications}
        cast(forms.ChoiceField, self.fields["modification"]).choices = [
            ("", "The pose as it is")
        ] + [(code, m.name) for code, m in self.modifications.items()]
        if self.instance.modification_id:
            self.initial["modification"] = str(self.instance.modification.code)
        for name in ("hold_breaths", "hold_seconds", "sides", "cue", "teacher_note"):
            self.fields[name].widget.attrs["id"] = f"{name}-{self.instance.code}"
        self.fields["modification"].widget.attrs["id"] = f"modification-{self.instance.code}"
        self.fields["version"].widget.attrs["id"] = f"step-version-{self.instance.code}"

    def clean_modification(self) -> Modification | None:
        code = self.cleaned_data["modification"]
        return self.modifications[code] if code else None

    def step_changes(self) -> dict:
        fields = [*self.Meta.fields, "modification"]
        return {name: self.cleaned_data[name] for name in fields}


class AddStepForm(forms.Form):
    pose = forms.ModelChoiceField(queryset=Pose.objects.none(), to_field_name="code")

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["pose"]).queryset = Pose.objects.visible_to(studio)


class SwapForm(forms.Form):
    version = VersionField()
    pose = forms.ModelChoiceField(queryset=Pose.objects.none(), to_field_name="code")

    def __init__(self, *args, step: RoutineStep, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["pose"]
        ).queryset = step.pose.alternatives.visible_to(studio)


class OtherWayForm(forms.Form):
    """Pin, unpin, remove or offer again one of a step's other ways, named by its version key."""

    version = VersionField()
    way = forms.ChoiceField(choices=[])
    action = forms.ChoiceField(choices=[(action, action) for action in OTHER_WAY_ACTIONS])

    def __init__(self, *args, step: RoutineStep, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["way"]).choices = [
            (key, key) for key in step_version_keys(step, studio)
        ]


class MoveForm(forms.Form):
    version = VersionField()
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


class ReorderForm(forms.Form):
    version = VersionField()
    step = forms.TypedMultipleChoiceField(choices=[], coerce=str)

    def __init__(self, *args, routine: Routine, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["step"]).choices = [
            (str(code), str(code)) for code in routine.steps.values_list("code", flat=True)
        ]


class VersionForm(forms.Form):
    version = VersionField()
