from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.functions import Lower
from django.urls import reverse

from clients.chooser import ClientChoiceField
from practice.models import Studio
from routines.library.figures.adjust import SLIDERS, VIEWS, adjusted, joint_values
from routines.library.figures.schema import figure_problems
from routines.library.images import clean_pose_image
from routines.library.vocabulary import BodyArea, Category, Movement, Position, Prop
from routines.models import Modification, Pose


class CommaSeparatedField(forms.CharField):
    """A list of short texts typed on one line, separated by commas."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    # The cleaned value is the list, not the typed text: unlike CharField's, on purpose.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class LinesField(forms.CharField):
    """A list of sentences typed one per line."""

    widget = forms.Textarea

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    # The cleaned value is the list, not the typed text: unlike CharField's, on purpose.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def _checkboxes(choices: Any, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PoseFilterForm(forms.Form):
    """The library's search and filters; every field is optional."""

    q = forms.CharField(label="Search by any name", required=False, max_length=100)
    position = forms.ChoiceField(
        label="Position", required=False, choices=[("", "Any position"), *Position.choices]
    )
    category = forms.ChoiceField(
        label="Kind of pose", required=False, choices=[("", "Any kind"), *Category.choices]
    )
    body_area = forms.ChoiceField(
        label="Body area", required=False, choices=[("", "Any area"), *BodyArea.choices]
    )
    attribute = forms.ChoiceField(
        label="Includes the movement",
        required=False,
        choices=[("", "Any movement"), *Movement.choices],
    )
    without = _checkboxes(Movement.choices, "Leaves out the movements")

    def __init__(self, *args: Any, suits_for: Studio | None = None, **kwargs: Any) -> None:
        kwargs["label_suffix"] = ""
        super().__init__(*args, **kwargs)
        if suits_for is not None:
            # Only for those who may see clients' precautions: the choice reveals them. A name
            # search, not a select: a studio may have thousands of clients (clients/chooser.py).
            self.fields["suits"] = ClientChoiceField(
                studio=suits_for,
                label="Suits client",
                required=False,
                empty_label="Anyone",
                return_url=reverse("pose_list", args=[suits_for.code]),
                help_text="Hides poses that conflict with their precautions as they are.",
            )

    def clean_suits(self) -> str:
        # The client's code, the form in which the filter goes into the address bar.
        client = self.cleaned_data["suits"]
        return str(client.code) if client else ""

    def active_filters(self) -> dict[str, str | list[str]]:
        """The valid, non-empty values; a value that is not a choice is simply ignored."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class PoseForm(forms.ModelForm):
    other_names = CommaSeparatedField(
        label="Other names",
        required=False,
        help_text="Separated by commas: Sanskrit names and names your clients know.",
    )
    body_areas = _checkboxes(BodyArea.choices, "Body areas")
    steps = LinesField(
        label="Steps",
        help_text="One step per line. Invitations read well: “If you like…”, “You might…”.",
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    attributes = _checkboxes(
        Movement.choices,
        "Movements in this pose",
        "The safety checks compare these with each client's precautions.",
    )
    image = forms.FileField(
        label="Choose a picture",
        required=False,
        help_text="Optional. JPEG, PNG or WEBP, up to 5 MB. Only your studio's team sees it.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_image = forms.BooleanField(label="Remove the current picture", required=False)
    alternatives = forms.ModelMultipleChoiceField(
        queryset=Pose.objects.none(),
        to_field_name="code",
        required=False,
        label="Poses to offer instead",
        help_text="When this one does not suit someone today.",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Pose
        fields = [
            "name",
            "other_names",
            "category",
            "position",
            "summary",
            "steps",
            "breath_cue",
            "hold_breaths",
            "hold_seconds",
            "both_sides",
            "body_areas",
            "attributes",
            "teacher_notes",
            "image",
            "alternatives",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "breath_cue": forms.Textarea(attrs={"rows": 2}),
            "teacher_notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "summary": "One sentence that shows the shape, for the library list.",
            "teacher_notes": "For the team only; never printed on a handout.",
        }

    def __init__(self, *args: Any, studio: Studio, **kwargs: Any) -> None:
        kwargs["label_suffix"] = ""
        super().__init__(*args, **kwargs)
        self.studio = studio
        # Only poses this studio can see: a hand-made POST naming another studio's pose is
        # refused as "not one of the available choices".
        choices = Pose.objects.visible_to(studio).order_by("name")
        if self.instance.pk:
            choices = choices.exclude(pk=self.instance.pk)
        cast(forms.ModelChoiceField, self.fields["alternatives"]).queryset = choices
        if self.instance.image:
            self.fields["image"].label = "Choose a new picture"
        else:
            del self.fields["remove_image"]

    def unchecked(self) -> "PoseForm":
        """What was typed, shown again without error marks: a figure preview is not a save.
        A chosen picture cannot be kept: browsers never fill a file field in again."""
        typed = {
            name: self[name].value()
            for name in self.fields
            if name not in ("image", "remove_image")
        }
        return PoseForm(initial=typed, instance=self.instance, studio=self.studio)

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if isinstance(upload, UploadedFile):
            return clean_pose_image(upload)
        return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("hold_breaths") and not cleaned.get("hold_seconds"):
            self.add_error("hold_breaths", "Give a hold, in breaths or in seconds.")
        if cleaned.get("remove_image") and not cleaned.get("image"):
            # False (not None) tells the model field to clear the picture.
            cleaned["image"] = False
        return cleaned


MODIFICATION_STEPS_MAX = 7


class ModificationForm(forms.ModelForm):
    # Printed and played instead of the pose's own steps, so the version has to stand alone.
    steps = LinesField(
        label="Steps",
        help_text=(
            "One step per line, up to seven: how to set up with the props, the movement, what "
            "to notice, and how to come out. Clients read these instead of the pose's steps."
        ),
        error_messages={"required": "Write at least one step, one per line."},
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    props = _checkboxes(Prop.choices, "Props")
    removes = _checkboxes([], "Takes away", "Movements of the pose this version leaves out.")
    reduces = _checkboxes([], "Softens", "Movements it keeps, but smaller or gentler.")
    adds = _checkboxes([], "Brings in", "Movements the pose does not have that this one adds.")

    class Meta:
        model = Modification
        fields = ["name", "instructions", "steps", "props", "removes", "reduces", "adds"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, pose: Pose, **kwargs: Any) -> None:
        kwargs["label_suffix"] = ""
        super().__init__(*args, **kwargs)
        # As in the library file: a modification can only take away or soften what the pose
        # does, and only bring in what it does not; this also keeps the lists short.
        has = set(pose.attributes)
        present = [(value, label) for value, label in Movement.choices if value in has]
        absent = [(value, label) for value, label in Movement.choices if value not in has]
        cast(forms.ChoiceField, self.fields["removes"]).choices = present
        cast(forms.ChoiceField, self.fields["reduces"]).choices = present
        cast(forms.ChoiceField, self.fields["adds"]).choices = absent
        if not present:
            del self.fields["removes"], self.fields["reduces"]

    def clean_steps(self) -> list[str]:
        steps = self.cleaned_data["steps"]
        if len(steps) > MODIFICATION_STEPS_MAX:
            raise ValidationError(
                f"Up to {MODIFICATION_STEPS_MAX} steps, one per line; this has {len(steps)}. "
                "Two short steps might become one."
            )
        return steps

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        both = set(cleaned.get("removes", [])) & set(cleaned.get("reduces", []))
        if both:
            self.add_error("reduces", "A movement is either taken away or softened, not both.")
        return cleaned


class PoseFigureForm(forms.Form):
    """How a studio pose is drawn: a library pose's figure to start from, with a few named
    joints moved on sliders; or no figure, so the uploaded picture shows instead."""

    DRAW, PICTURE = "draw", "picture"
    CURRENT = "current"  # the pose's own figure as it was saved

    drawing = forms.ChoiceField(
        label="How to show it",
        choices=[
            (DRAW, "Draw a figure"),
            (PICTURE, "Use the uploaded picture (without one, a plain shape for the position)"),
        ],
        widget=forms.RadioSelect,
    )
    start = forms.ChoiceField(
        label="Start from the figure of",
        error_messages={"invalid_choice": "Choose a pose from the list to start from."},
    )
    view = forms.ChoiceField(
        label="Seen",
        choices=VIEWS,
        error_messages={"invalid_choice": "Choose one of the views in the list."},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        pose: Pose | None,
        start: str | None = None,
        preview_url: str = "",
    ) -> None:
        self.pose = pose
        self.preview_url = preview_url
        self.library = {
            str(p.code): p
            for p in Pose.objects.filter(studio=None, retired=False)
            .exclude(figure={})
            .only("code", "name", "position", "category", "figure")
            .order_by(Lower("name"))
        }
        own = pose is not None and bool(pose.figure)
        start = start or (self.CURRENT if own else self._nearest_library_pose())
        base = self._figure_of(start) or {"view": "side"}
        initial = {
            # Nothing changes how a pose is shown until the teacher chooses to draw it.
            "drawing": self.DRAW if own else self.PICTURE,
            "start": start,
            "view": base["view"],
            **joint_values(base),
        }
        super().__init__(data, initial=initial, prefix="figure", label_suffix="")
        choices = [(self.CURRENT, "This pose, as saved")] if own else []
        cast(forms.ChoiceField, self.fields["start"]).choices = choices + [
            (c, p.name) for c, p in self.library.items()
        ]
        for slider in SLIDERS:
            self.fields[slider.name] = forms.IntegerField(
                label=slider.label,
                min_value=slider.minimum,
                max_value=slider.maximum,
                error_messages={
                    "invalid": "Give a whole number of degrees.",
                    "min_value": f"This goes from {slider.minimum}° to {slider.maximum}°.",
                    "max_value": f"This goes from {slider.minimum}° to {slider.maximum}°.",
                },
                widget=forms.NumberInput(
                    attrs={
                        "type": "range",
                        "step": 1,
                        # Live preview (htmx): the figure only, 150 ms after the slider rests.
                        "hx-get": preview_url,
                        "hx-trigger": "input changed delay:150ms",
                        "hx-include": "#figure-fields",
                        "hx-target": "#figure-preview",
                        "hx-select": "#figure-preview",
                        "hx-swap": "outerHTML",
                    }
                ),
            )

    def _nearest_library_pose(self) -> str:
        """The pose this one was copied from, else a library pose of its position and kind."""
        pose = self.pose
        if pose is None:
            return next(iter(self.library), "")
        if pose.based_on_id is not None:
            for code, candidate in self.library.items():
                if candidate.pk == pose.based_on_id:
                    return code
        for matches in (
            lambda p: (p.position, p.category) == (pose.position, pose.category),
            lambda p: p.position == pose.position,
            lambda p: True,
        ):
            for code, candidate in self.library.items():
                if matches(candidate):
                    return code
        return ""

    def _figure_of(self, start: str) -> dict:
        if start == self.CURRENT:
            return self.pose.figure if self.pose is not None else {}
        pose = self.library.get(start)
        return pose.figure if pose is not None else {}

    @property
    def sliders(self) -> list[forms.BoundField]:
        return [self[slider.name] for slider in SLIDERS]

    def restarted(self) -> "PoseFigureForm":
        """The sliders set afresh from the chosen starting pose; the other choices as typed."""
        start = self.data.get(self.add_prefix("start"), "")
        if not cast(forms.ChoiceField, self.fields["start"]).valid_value(start):
            return self
        form = PoseFigureForm(pose=self.pose, start=start, preview_url=self.preview_url)
        form.initial["drawing"] = self["drawing"].value() or form.initial["drawing"]
        return form

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        figure = adjusted(
            self._figure_of(cleaned["start"]),
            cleaned["view"],
            {slider.name: cleaned[slider.name] for slider in SLIDERS},
        )
        # The same schema as the library's figures: nothing the renderer cannot draw.
        problems = figure_problems(figure)
        if problems:
            raise ValidationError(f"This figure cannot be drawn: {problems[0]}")
        cleaned["figure"] = figure
        return cleaned

    def preview(self) -> dict | None:
        """The figure to show: as typed when the form was sent, else as it starts."""
        if not self.is_bound:
            return adjusted(
                self._figure_of(self.initial["start"]),
                self.initial["view"],
                {slider.name: self.initial[slider.name] for slider in SLIDERS},
            )
        return self.cleaned_data["figure"] if self.is_valid() else None

    def figure(self) -> dict:
        """What to store on the pose: the drawn figure, or none when the picture is chosen."""
        if self.cleaned_data["drawing"] == self.PICTURE:
            return {}
        return self.cleaned_data["figure"]
