from urllib.parse import urlencode

from django import template
from django.forms import BoundField
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from practice.gentle_words import gentle_notes

register = template.Library()


def _text(value: object) -> str:
    # A lines field holds a list until it is shown again as typed text.
    if isinstance(value, list | tuple):
        return "\n".join(str(line) for line in value)
    return "" if value is None else str(value)


@register.simple_tag(takes_context=True)
def gentle_field(context: template.Context, field: BoundField, group: bool = False) -> SafeString:
    """A field of client-facing text with its gentle note below: shown from the field's value
    when the page opens (no JavaScript needed), and again as the teacher types (htmx, half a
    second after typing rests). `group` renders the label, help and errors with it."""
    request = context["request"]
    note_id = f"gentle-{field.id_for_label or field.html_name}"
    url = reverse("wording_note", args=[request.studio.code])
    field.field.widget.attrs.update(
        {
            "hx-post": f"{url}?{urlencode({'field': field.html_name})}",
            "hx-trigger": "input changed delay:500ms",
            # Only this field's text goes, never the rest of its form.
            "hx-params": field.html_name,
            "hx-target": f"#{note_id}",
            "hx-swap": "innerHTML",
        }
    )
    rendered = field.as_field_group() if group else str(field)
    note = render_to_string(
        "practice/_gentle_note.html",
        {"note_id": note_id, "notes": gentle_notes(_text(field.value()))},
    )
    return mark_safe(rendered + note)  # noqa: S308 - both parts are escaped by their templates
