from django import forms

from clients.models import Note


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["body", "privacy"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 4}),
            "privacy": forms.RadioSelect(),
        }

    def __init__(self, *args, **kwargs) -> None:
        # The add form and an inline edit form share the client page: their ids must differ.
        instance = kwargs.get("instance")
        kwargs.setdefault("auto_id", f"note-{instance.code}-%s" if instance else "new-note-%s")
        super().__init__(*args, **kwargs)


class AddendumForm(forms.Form):
    body = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dated and signed with your name; the original note stays as it was.",
    )
