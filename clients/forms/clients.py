from typing import cast

from django import forms

from clients.models import Client
from clients.rules import members_allowed
from practice.forms import MembersChoiceField
from practice.models import Studio


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "preferred_name",
            "full_name",
            "pronouns",
            "email",
            "phone",
            "emergency_contact",
            "goals",
            "care_team",
        ]
        widgets = {
            "email": forms.EmailInput(),
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "emergency_contact": forms.TextInput(),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "care_team": forms.CheckboxSelectMultiple(),
        }
        field_classes = {"care_team": MembersChoiceField}

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only members who may read the record (owners and instructors) can be on a care team.
        cast(forms.ModelChoiceField, self.fields["care_team"]).queryset = (
            members_allowed(studio, "clients.view_sensitive")
            .select_related("user")
            .order_by("user__name")
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email:
            forms.EmailField().clean(email)
        return email


class ClientFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search by name")
    show = forms.ChoiceField(
        required=False,
        choices=[("active", "Active"), ("mine", "My clients"), ("archived", "Archived")],
    )
