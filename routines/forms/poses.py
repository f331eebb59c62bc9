from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from clients.chooser import ClientChoiceField
from practice.models import Studio
from routines.images import clean_pose_image
from routines.models import Modification, Pose
from routines.vocabulary import BodyArea, Category, Movement, Position, Prop


class CommaSeparatedField(forms.CharField):
    """A list of short texts typed on one line, separated by commas."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value)
        return [part.strip() for part in text.split(",") if part.strip()]


class LinesField(forms.CharField):
    """A list of sentences typed one per line."""

    widget = forms.Textarea

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value)
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
        super().__init__(*args, label_suffix="", **kwargs)
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
        super().__init__(*args, label_suffix="", **kwargs)
        # Only poses this studio can see: a hand-made POST naming another studio's pose is
        # refused as "not one of the available choices".
        choices = Pose.objects.visible_to(studio).order_by("name")
        if self.instance.pk:
            choices = choices.exclude(pk=self.instance.pk)
        self.fields["alternatives"].queryset = choices
        if self.instance.image:
            self.fields["image"].label = "Choose a new picture"
        else:
            del self.fields["remove_image"]

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if isinstance(upload, UploadedFile):
            return clean_pose_image(upload)
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("hold_breaths") and not cleaned.get("hold_seconds"):
            self.add_error("hold_breaths", "Give a hold, in breaths or in seconds.")
        if cleaned.get("remove_image") and not cleaned.get("image"):
            # False (not None) tells the model field to clear the picture.
            cleaned["image"] = False
        return cleaned


class ModificationForm(forms.ModelForm):
    props = _checkboxes(Prop.choices, "Props")
    removes = _checkboxes([], "Takes away", "Movements of the pose this version leaves out.")
    reduces = _checkboxes([], "Softens", "Movements it keeps, but smaller or gentler.")
    adds = _checkboxes([], "Brings in", "Movements the pose does not have that this one adds.")

    class Meta:
        model = Modification
        fields = ["name", "instructions", "props", "removes", "reduces", "adds"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, pose: Pose, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        # As in the library file: a modification can only take away or soften what the pose
        # does, and only bring in what it does not; this also keeps the lists short.
        has = set(pose.attributes)
        present = [(value, label) for value, label in Movement.choices if value in has]
        absent = [(value, label) for value, label in Movement.choices if value not in has]
        self.fields["removes"].choices = present
        self.fields["reduces"].choices = present
        self.fields["adds"].choices = absent
        if not present:
            del self.fields["removes"], self.fields["reduces"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        both = set(cleaned.get("removes", [])) & set(cleaned.get("reduces", []))
        if both:
            self.add_error("reduces", "A movement is either taken away or softened, not both.")
        return cleaned
