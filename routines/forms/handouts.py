from django import forms
from django.core.files.uploadedfile import UploadedFile

from routines.images import clean_pose_image
from routines.models import HandoutSettings


class HandoutSettingsForm(forms.ModelForm):
    class Meta:
        model = HandoutSettings
        fields = [
            "logo",
            "accent_colour",
            "safety_text",
            "choice_text",
            "contact_line",
            "paper_size",
        ]
        widgets = {
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
            "safety_text": forms.Textarea(attrs={"rows": 6}),
            "choice_text": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "safety_text": "One point a line; each line becomes a bullet.",
            "choice_text": "One point a line. The client's touch preference is added below.",
        }

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        # The same checks as pose pictures: a real image, size limits, metadata removed.
        if isinstance(upload, UploadedFile):
            return clean_pose_image(upload)
        return upload
