from django import forms

from clients.sessions.forms import SCALE_CHOICES

# Enough for a few sentences; the link is not a place for a long message to the teacher.
MAX_WORDS_LENGTH = 1000


class PracticeReportForm(forms.Form):
    """ "I practised today": everything is optional, the practice itself is what counts."""

    hips = forms.TypedChoiceField(
        choices=[("", "Not today"), *SCALE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="How do your hips feel, if you like to say?",
        help_text="0 at ease, 10 a lot of discomfort",
    )
    words = forms.CharField(
        required=False,
        label="Anything you noticed, in your own words (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_WORDS_LENGTH,
    )
