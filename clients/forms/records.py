from datetime import date

from django import forms

from clients.models import AuditEvent, Client
from practice.models import Membership, Studio


class AuditFilterForm(forms.Form):
    """Narrows the audit trail. Every choice is limited to the studio of the URL."""

    client = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="Any client",
    )
    actor = forms.ModelChoiceField(
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
        # row holds no name any more, only the tombstone's "Erased client".
        self.fields["client"].queryset = studio.clients.order_by("status", "preferred_name", "pk")
        self.fields["client"].label_from_instance = _client_label
        self.fields["actor"].queryset = studio.memberships.select_related("user").order_by(
            "user__name", "user__email"
        )
        self.fields["actor"].label_from_instance = lambda m: m.user.get_full_name()

    def clean(self) -> dict:
        cleaned = super().clean()
        start: date | None = cleaned.get("date_from")
        end: date | None = cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date comes before the start date.")
        return cleaned


def _client_label(client: Client) -> str:
    if client.status == Client.Status.ERASED:
        erased_on = client.erased_at.date().isoformat() if client.erased_at else "earlier"
        return f"Erased client ({erased_on})"
    if client.is_archived:
        return f"{client.preferred_name} (archived)"
    return client.preferred_name


class EraseForm(forms.Form):
    """Erasure cannot be undone: the owner types the client's preferred name to confirm."""

    confirm_name = forms.CharField(max_length=100, label="Type their preferred name to confirm")

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
