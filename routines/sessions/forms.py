from typing import cast

from django import forms

from practice.models import Studio
from routines.models import Routine


class SessionRoutineForm(forms.Form):
    routine = forms.ModelChoiceField(
        queryset=Routine.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["routine"]).queryset = Routine.objects.for_studio(
            studio
        ).active()
