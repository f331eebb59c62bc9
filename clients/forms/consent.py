from typing import cast

from django import forms
from django.utils import timezone

from clients.rules import members_allowed
from practice.forms import MemberChoiceField
from practice.models import Membership, Studio

# Offered to an owner whose studio has no consent text yet: a starting point to adapt, written
# in the same invitational voice as the handouts.
DEFAULT_CONSENT_TEXT = """\
Informed consent for trauma-informed yoga

Welcome. Before we practise together, please read this at your own pace. You are welcome to ask \
any question, and to take it home and think it over before you sign.

Taking part is your choice
- Coming to practice is voluntary. You can stop coming whenever you like, without giving a reason.
- Every pose and every breath practice is optional. You are always welcome to skip something, \
change it, or rest instead.
- You can pause, rest or leave the room at any time. Nobody will ask you to explain.

Your body and your health
- Please tell your teacher about injuries, surgery, pregnancy, pain or other conditions, and let \
us know whenever something about your health changes.
- If you have a health condition, you might check with your doctor or another care provider \
before you start.
- A mild stretch is fine; sharp or shooting pain is a sign to stop. Keep breathing at your own \
pace.

What this practice is, and what it is not
- Trauma-informed yoga is a gentle practice of movement and breath. It is not medical care, \
physiotherapy or psychotherapy, and it is not a substitute for them. It can sit alongside the care \
you receive from other professionals.
- We cannot promise any particular result. Everyone's experience is different, and change, when \
it comes, is rarely in a straight line.

Touch
- Your teacher will not touch you unless you have said yes, and we ask each time.
- You can say yes, no or "not today", and you can change your mind at any moment, also in the \
middle of a pose. A no is always respected, and no reason is needed.

Your records and your privacy
- We keep short notes about your practice, including what you share about your health and what \
helps you, so that we can plan sessions that suit you.
- Your notes are stored securely and in encrypted form. Only the teachers who work with you can \
read them; front-desk staff see your name and contact details only. Each time someone opens \
your record, this is logged.
- You can ask for a copy of everything we keep about you, and you can ask us to erase it. Just \
tell your teacher or the studio.

By typing your full name, you say that you have read this, that you have had the chance to ask \
questions, and that you choose to take part.
"""


class ConsentTextForm(forms.Form):
    text = forms.CharField(
        label="Consent text",
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text="Saving publishes a new version. Earlier versions and their signatures stay.",
    )


class SignatureForm(forms.Form):
    """A client's signature on the version shown on the page (never edited afterwards)."""

    signed_name = forms.CharField(
        label="Full name, as typed by the client", max_length=200, strip=True
    )
    signed_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    # Nobody is preselected: the teacher names who was in the room, rather than sending the
    # signed-in person as the witness by default.
    witness = MemberChoiceField(
        queryset=Membership.objects.none(),
        to_field_name="code",
        empty_label="Choose who was there",
        label="Witnessed by",
        error_messages={"required": "Choose who witnessed the signature."},
    )
    # The version the teacher and client read together: if the owner publishes a new one
    # meanwhile, the client must not be recorded as agreeing to a text they never saw.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        # Only this studio's teachers can witness; an assistant's or another studio's code is
        # simply not a valid choice.
        cast(MemberChoiceField, self.fields["witness"]).queryset = (
            members_allowed(studio, "clients.edit")
            .select_related("user")
            .order_by("user__name", "user__email")
        )
        self.fields["signed_on"].initial = self.today
        self.fields["signed_on"].widget.attrs["max"] = self.today.isoformat()

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > self.today:
            raise forms.ValidationError("The date cannot be in the future.")
        return signed_on
