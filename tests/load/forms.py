"""Fills in the portal's HTML forms as a browser without JavaScript would.

The load works through the same forms a teacher sees (hidden version fields, CSRF and one-time
form tokens included), so the soak exercises the real write paths and not a private API.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urljoin(self.page_url, attributes.get("action") or self.page_url)
            self._form = Form(action=action, method=attributes.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in attributes:
            return
        if tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            self._form.choices[self._select].append(value)
            if "selected" in attributes or self._select not in self._form.fields:
                self._form.fields[self._select] = value
            return
        if "name" not in attributes:
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"}:
                self._form.choices.setdefault(name, []).append(attributes.get("value", "on"))
                if "checked" in attributes:
                    self._form.fields[name] = attributes.get("value", "on")
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self._form.fields[name] = attributes.get("value", "")
        elif tag == "select":
            self._select = name
            self._form.choices.setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            self._form.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._form is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def find_form(html: str, page_url: str, action_contains: str) -> Form:
    parser = _FormParser(page_url)
    parser.feed(html)
    for form in parser.forms:
        if action_contains in form.action and form.method == "post":
            return form
    raise LookupError(f"No POST form with an action containing {action_contains!r} on {page_url}")
