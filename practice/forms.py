from functools import cache

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from practice.models import Invitation, Membership, Studio, User, time_zone_names


@cache
def _time_zone_datalist() -> SafeString:
    """About 600 zones as one <datalist>, built once per process.

    A <select> drew each option through the widget templates on every request (a few hundred
    milliseconds); an input with a datalist is searchable as the owner types, in any browser.
    """
    options = format_html_join(
        "", '<option value="{}">', ((name,) for name in sorted(time_zone_names()))
    )
    return format_html('<datalist id="time-zones">{}</datalist>', options)


class MemberChoiceField(forms.ModelChoiceField):
    """A studio member, listed by name; the form narrows the queryset to its studio."""

    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.get_full_name()


class MembersChoiceField(forms.ModelMultipleChoiceField):
    """Several studio members, listed by name; the form narrows the queryset to its studio."""

    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.get_full_name()


class TimeZoneInput(forms.TextInput):
    def __init__(self) -> None:
        super().__init__(attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"})

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return super().render(name, value, attrs, renderer) + _time_zone_datalist()


class SignupForm(AllauthSignupForm):
    """Sign-up that creates the person's first studio, or joins the studio that invited them."""

    name = forms.CharField(label="Your name", max_length=150)
    studio_name = forms.CharField(
        label="Studio name",
        max_length=120,
        help_text="You can rename it later. You will be its owner.",
    )
    field_order = ["name", "email", "studio_name", "password1", "password2"]

    def __init__(self, *args, invitation: Invitation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        if invitation is not None:
            # Joining a team: no studio of their own to name.
            del self.fields["studio_name"]
            self.fields["email"].initial = invitation.email
            self.fields["email"].help_text = "The address your invitation was sent to."

    def clean_email(self) -> str:
        email = super().clean_email()
        if self.invitation is not None and email.lower() != self.invitation.email.lower():
            raise forms.ValidationError(
                f"This invitation was sent to {self.invitation.email}. "
                "Please sign up with that address."
            )
        return email

    def try_save(self, request):
        if self.account_already_exists:
            # With an address that already has an account allauth only sends a "you already
            # have an account" email, while a new account hashes the password: hashing is slow
            # on purpose, so the answer's timing would tell who has an account here. The same
            # hash on this path (thrown away) makes both answers take as long.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class StudioCreateForm(forms.ModelForm):
    class Meta:
        model = Studio
        fields = ["name"]
        labels = {"name": "Studio name"}


class StudioSettingsForm(forms.ModelForm):
    time_zone = forms.CharField(
        max_length=64,
        widget=TimeZoneInput(),
        help_text="Type a city or region and choose from the list, such as Europe/London.",
    )
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Studio
        fields = [
            "name",
            "contact_email",
            "phone",
            "website",
            "address",
            "time_zone",
            "require_mfa",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_require_mfa(self) -> bool:
        required = self.cleaned_data["require_mfa"]
        if required and not is_mfa_enabled(self.user):
            raise forms.ValidationError(
                "Set up two-factor sign-in for your own account first, "
                "so that you are not locked out of your studio."
            )
        return required


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.INSTRUCTOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
