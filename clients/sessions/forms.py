"""Forms for sessions, check-ins, session notes, home practice and the calendar link.

Related fields are narrowed to the studio. The client field never lists the studio's clients:
the page shows the chosen ones and up to `CLIENT_SEARCH_LIMIT` search results, so a studio with
ten thousand clients costs the same as one with ten.
"""

import uuid
from datetime import date
from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from clients.models import Client, Note
from clients.rules import members_allowed
from clients.sessions.models import MAX_GROUP_SIZE, SCALE_MAX, Place, Session
from clients.sessions.services import (
    NOTHING_TO_KEEP,
    studio_datetime,
    studio_today,
)
from clients.vocabulary import TouchToday
from practice.forms import MemberChoiceField
from practice.models import Membership, Studio

CLIENT_SEARCH_LIMIT = 25
SCALE_CHOICES = [(str(n), str(n)) for n in range(SCALE_MAX + 1)]


class SessionForm(forms.Form):
    clients = forms.ModelMultipleChoiceField(
        queryset=Client.objects.none(),
        to_field_name="code",
        label="With",
        error_messages={"required": "Choose who the session is with."},
    )
    teacher = MemberChoiceField(queryset=Membership.objects.none(), to_field_name="code")
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=10, max_value=8 * 60, initial=60
    )
    place = forms.ChoiceField(choices=Place.choices, initial=Place.STUDIO)

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.studio = studio
        cast(forms.ModelChoiceField, self.fields["clients"]).queryset = Client.objects.for_studio(
            studio
        ).active()
        cast(forms.ModelChoiceField, self.fields["teacher"]).queryset = (
            members_allowed(studio, "sessions.teach").select_related("user").order_by("user__name")
        )

    @classmethod
    def for_session(cls, session: Session, **kwargs) -> "SessionForm":
        local = session.local_start()
        initial = {
            "clients": [str(client.code) for client in session.clients.all()],
            "teacher": session.teacher.code if session.teacher else None,
            "day": local.date(),
            "at": local.time().replace(second=0, microsecond=0),
            "duration_minutes": session.duration_minutes,
            "place": session.place,
        }
        return cls(initial=initial, studio=session.studio, **kwargs)

    def clean_clients(self) -> list[Client]:
        clients = list(self.cleaned_data["clients"])
        if len(clients) > MAX_GROUP_SIZE:
            raise ValidationError(f"A small group is at most {MAX_GROUP_SIZE} people.")
        return clients

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("day") and data.get("at"):
            try:
                data["starts_at"] = studio_datetime(self.studio, data["day"], data["at"])
            except ValidationError as error:
                self.add_error("at", error)
        return data


def chosen_clients(studio: Studio, codes: list[str]) -> list[Client]:
    """The clients ticked on the page, loaded in one bounded query; malformed codes are left
    for the form's own validation to report."""
    valid = []
    for code in codes[: MAX_GROUP_SIZE * 2]:
        try:
            valid.append(uuid.UUID(str(code)))
        except ValueError:
            continue
    if not valid:
        return []
    return list(Client.objects.for_studio(studio).filter(code__in=valid))


def client_search(studio: Studio, query: str, exclude: list[Client]) -> list[Client]:
    """At most CLIENT_SEARCH_LIMIT active clients whose names match, for the chooser."""
    if not query.strip():
        return []
    found = Client.objects.for_studio(studio).active().search(query)
    found = found.exclude(pk__in=[client.pk for client in exclude])
    found = found.only("code", "preferred_name", "full_name", "created_at")
    return list(found[:CLIENT_SEARCH_LIMIT])


class SessionFilterForm(forms.Form):
    show = forms.ChoiceField(
        required=False,
        choices=[("upcoming", "Upcoming"), ("mine", "Mine"), ("past", "Past")],
    )


class CheckInForm(forms.Form):
    """The client's own answers. "Not today" is always an answer they may give.

    Before the session it also asks "hands-on support today?", starting from what they said
    last (at this session, else at intake): consent to touch may change at any moment.
    """

    # Not required: the page starts with an answer ticked, and a post without one (an older
    # page, a script) records no touch answer rather than failing.
    touch_today = forms.TypedChoiceField(
        choices=TouchToday.choices,
        empty_value=None,
        required=False,
        label="Hands-on support today?",
        widget=forms.RadioSelect(),
        help_text="For this session only",
    )

    hips = forms.TypedChoiceField(
        choices=[("", "Not today"), *SCALE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        label="How do your hips feel?",
        widget=forms.RadioSelect(),
        help_text="0 at ease, 10 a lot of discomfort",
    )
    settled = forms.TypedChoiceField(
        choices=[("", "Not today"), *SCALE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        label="How settled and safe do you feel?",
        widget=forms.RadioSelect(),
        help_text="0 not at all, 10 completely",
    )
    words = forms.CharField(
        required=False,
        label="Anything you noticed, in your own words",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, ask_touch: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not ask_touch:
            del self.fields["touch_today"]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        answered = any(data.get(name) is not None for name in ("hips", "settled"))
        # An answer about touch today is something to keep on its own.
        if not (answered or data.get("words") or data.get("touch_today")):
            raise ValidationError(NOTHING_TO_KEEP)
        return data


class SessionNoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["client_said", "body", "try_next", "privacy"]
        labels = {"body": "What was offered, and how it went"}
        widgets = {
            "client_said": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 4}),
            "try_next": forms.Textarea(attrs={"rows": 3}),
            "privacy": forms.RadioSelect(),
        }


class HomePracticeForm(forms.Form):
    week_of = forms.DateField(
        label="Week of",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Any day in the week; it is kept as that week's Monday.",
    )
    days = forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in range(8)],
        coerce=int,
        label="Days practised, from their log",
        widget=forms.RadioSelect(),
    )

    def __init__(self, *args, studio: Studio, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.studio = studio
        self.fields["week_of"].initial = studio_today(studio)

    def clean_week_of(self) -> date:
        week_of = self.cleaned_data["week_of"]
        if week_of > studio_today(self.studio):
            raise ValidationError("That week has not happened yet.")
        return week_of


class CalendarNamesForm(forms.Form):
    include_client_names = forms.BooleanField(
        required=False, label="Show client names in my calendar"
    )
