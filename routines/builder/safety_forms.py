"""Forms of the safety checker's actions in the builder. Both only validate; the services
apply the change under the routine's version check."""

from typing import cast

from django import forms
from django.db.models import Q

from practice.models import Studio
from routines.builder.forms import VersionField
from routines.models import Modification, Pose, RoutineStep

KEPT_REASON_MAX = 300


class FixForm(forms.Form):
    """One click on a fix: the step's own pose or one of its alternatives, and a modification
    of that pose (or none). Narrowed to what the studio sees."""

    version = VersionField()
    pose = forms.ModelChoiceField(queryset=Pose.objects.none(), to_field_name="code")
    modification = forms.ModelChoiceField(
        queryset=Modification.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args, step: RoutineStep, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        alternatives = step.pose.alternatives.values("pk")
        cast(forms.ModelChoiceField, self.fields["pose"]).queryset = Pose.objects.visible_to(
            studio
        ).filter(Q(pk=step.pose_id) | Q(pk__in=alternatives))
        cast(
            forms.ModelChoiceField, self.fields["modification"]
        ).queryset = Modification.objects.visible_to(studio)

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        pose, modification = cleaned.get("pose"), cleaned.get("modification")
        if pose is not None and modification is not None and modification.pose_id != pose.pk:
            raise forms.ValidationError("That modification belongs to another pose.")
        return cleaned


class KeepForm(forms.Form):
    version = VersionField()
    reason = forms.CharField(
        max_length=KEPT_REASON_MAX,
        label="Why keep it as it is?",
        help_text="A few words for the team, for example “cleared by her physio on 3 Dec”.",
        error_messages={"required": "Please say in a few words why it stays as it is."},
    )
