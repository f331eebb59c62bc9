from datetime import date
from typing import cast

from django import forms
from django.urls import reverse

from clients.chooser import ClientChoiceField
from clients.models import AuditEvent, Client
from practice.forms import MemberChoiceField
from practice.models import Membership, Studio


class AuditFilterForm(forms.Form):
    """Narrows the audit trail. Every choice is limited to the studio of the URL."""

    actor = MemberChoiceField(
        queryset=Membership.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="Anyone",
        label="Who",
    )
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AuditEvent.Action.choices], required=False
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Archived and erased clients too: their history stays readable. An erased client's
        # row holds no name any more, only the tombstone's "Erased client". A name search,
        # not a select of every client (clients/chooser.py).
        self.fields["client"] = ClientChoiceField(
            studio=studio,
            required=False,
            empty_label="Any client",
            include_archived=True,
            return_url=reverse("audit_list", args=[studio.code]),
        )
        self.order_fields(["client", "actor", "action", "date_from", "date_to"])
        cast(
            forms.ModelChoiceField, self.fields["actor"]
        ).queryset = studio.memberships.select_related("user").order_by("user__name", "user__email")

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        start: date | None = cleaned.get("date_from")
        end: date | None = cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date comes before the start date.")
        return cleaned


class EraseForm(forms.Form):
    """Erasure cannot be undone: the owner types the client's preferred name to confirm."""

    confirm_name = forms.CharField(max_length=100, label="Type their preferred name to confirm")
    routines = forms.ChoiceField(
        label="Routines tailored for them",
        choices=[
            ("keep", "Keep them without anything written for this person"),
            ("delete", "Delete them"),
        ],
        initial="keep",
        # Left out (no routines to choose about, or an older page): they are kept.
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"].strip()
        if typed.casefold() != self.client.preferred_name.strip().casefold():
            raise forms.ValidationError(
                "That is not the name on this record, so nothing was erased. "
                "Type the preferred name as it is shown above."
            )
        return typed
