"""Adding a precaution never loses what the teacher typed, and surgery asks for clearance.

"Until cleared" is ticked on a new precaution; typing an end date used to fail the whole form
(and in one run the precaution never saved). Now the date wins, with a note; every mistake
comes back in place with everything typed; and a precaution set by a surgeon turns a medical
clearance of "Not needed" into "Requested".
"""

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from clients.models import AuditEvent
from clients.vocabulary import Clearance, Condition, SetBy
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
NOTE = "Meniscus repair; the physio wants no deep squats for now."
END_DATE_WON = "You gave an end date, so it is no longer “until cleared”."


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag in ("input", "textarea") and "name" in attributes:
            self.inputs.setdefault(attributes["name"], attributes)


def _input(html: str, name: str) -> dict:
    parser = _Inputs()
    parser.feed(html)
    return parser.inputs[name]


@pytest.fixture
def maya(world):
    return ClientFactory(studio=world.studio, preferred_name="Maya")


def _add_url(client) -> str:
    return reverse("precaution_add", args=[client.studio.code, client.code])


def _data(**overrides):
    data = {
        "condition": Condition.KNEE_INJURY,
        "condition_other": "",
        "side": "right",
        "restricted_movements": ["deep_knee_flexion", "kneeling_load"],
        "start_date": "2025-03-01",
        "until_cleared": "on",
        "end_date": "",
        "set_by": SetBy.PHYSIOTHERAPIST,
        "note": NOTE,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- "Until cleared" and an end date --------------------------------------------------------


def test_with_htmx_an_end_date_typed_under_a_ticked_until_cleared_is_saved(world, maya):
    response = world.client_for(world.bob).post(
        _add_url(maya), _data(end_date="2025-06-01"), headers=HTMX
    )
    assert response.status_code == 200
    assert "Precaution added." in response.text
    assert END_DATE_WON in response.text
    assert maya.precautions.get().end_date == date(2025, 6, 1)


def test_without_javascript_the_end_date_wins_with_a_note(world, maya):
    browser = world.client_for(world.bob)
    response = browser.post(_add_url(maya), _data(end_date="2025-06-01"), follow=True)
    assert response.status_code == 200
    assert END_DATE_WON in response.text
    precaution = maya.precautions.get()
    assert precaution.end_date == date(2025, 6, 1)
    assert precaution.note == NOTE


def test_when_the_end_date_wins_but_something_else_is_wrong_the_box_comes_back_unticked(
    world, maya
):
    response = world.client_for(world.bob).post(
        _add_url(maya),
        _data(end_date="2025-06-01", condition=Condition.OTHER),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Please name the condition." in response.text
    assert END_DATE_WON in response.text
    assert "checked" not in _input(response.text, "until_cleared")
    assert _input(response.text, "end_date")["value"] == "2025-06-01"
    assert NOTE in response.text
    assert not maya.precautions.exists()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"condition": ""}, "This field is required."),
        ({"side": "sideways"}, "Select a valid choice."),
        ({"set_by": "a friend"}, "Select a valid choice."),
        ({"start_date": "yesterday-ish"}, "Enter a valid date."),
        ({"until_cleared": None}, "Add an end date, or tick"),
    ],
    ids=["no-condition", "side", "set-by", "start-date", "no-end"],
)
def test_every_mistake_comes_back_in_place_with_everything_typed(
    world, maya, overrides, message, htmx
):
    response = world.client_for(world.bob).post(
        _add_url(maya), _data(**overrides), headers=HTMX if htmx else {}
    )
    # 422, not 400: the form is to be shown again and corrected, for htmx and without it.
    assert response.status_code == 422
    assert ("<html" in response.text) is not htmx
    assert message in response.text
    assert "Nothing is saved yet" in response.text
    assert NOTE in response.text
    assert not maya.precautions.exists()


def test_htmx_swaps_a_422_in_place(client):
    """The page's htmx config must treat 422 as content to show, like 400 and 409."""
    response = client.get(reverse("account_login"))
    config = response.text.split('name="htmx-config" content=\'')[1].split("'")[0]
    assert '"(400|409|422)", "swap": true, "error": false' in config


def test_the_form_pages_load_the_script_that_unticks_until_cleared(world, maya):
    assert finders.find("clients/intake.js")
    script = Path(finders.find("clients/intake.js")).read_text()
    assert "data-unticks" in script
    browser = world.client_for(world.bob)
    for url in (_add_url(maya), maya.get_absolute_url()):
        response = browser.get(url)
        assert f'src="{settings.STATIC_URL}clients/intake.js"' in response.text, url
    # The end date field names the box it unticks, so the script needs no knowledge of ids.
    form_page = browser.get(_add_url(maya)).text
    assert _input(form_page, "end_date")["data-unticks"] == "until_cleared"


# --- Medical clearance after surgery ---------------------------------------------------------


def test_a_precaution_set_by_a_surgeon_asks_for_clearance(world, maya):
    response = world.client_for(world.bob).post(
        _add_url(maya),
        _data(condition=Condition.HIP_REPLACEMENT_POSTERIOR, set_by=SetBy.SURGEON),
        headers=HTMX,
    )
    assert response.status_code == 200
    maya.refresh_from_db()
    assert maya.medical_clearance == Clearance.REQUESTED
    # Said on the page, and the clearance block is refreshed beside the precautions.
    assert "Medical clearance is now “Requested”" in response.text
    assert 'id="clearance"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    summaries = list(
        AuditEvent.objects.filter(client=maya).values_list("summary", flat=True).order_by("pk")
    )
    assert summaries == ["precaution added", "medical clearance changed"]


def test_without_javascript_the_clearance_change_is_said_too(world, maya):
    response = world.client_for(world.bob).post(
        _add_url(maya), _data(set_by=SetBy.SURGEON), follow=True
    )
    assert "Medical clearance is now “Requested”" in response.text


@pytest.mark.parametrize("clearance", [Clearance.REQUESTED, Clearance.RECEIVED])
def test_a_clearance_already_requested_or_received_stays(world, maya, clearance):
    maya.medical_clearance = clearance
    maya.clearance_date = date(2025, 1, 5)
    maya.save()
    response = world.client_for(world.bob).post(
        _add_url(maya), _data(set_by=SetBy.SURGEON), headers=HTMX
    )
    maya.refresh_from_db()
    assert maya.medical_clearance == clearance
    assert "Medical clearance is now" not in response.text


def test_a_precaution_from_a_physiotherapist_leaves_clearance_alone(world, maya):
    world.client_for(world.bob).post(_add_url(maya), _data(), headers=HTMX)
    maya.refresh_from_db()
    assert maya.medical_clearance == Clearance.NOT_NEEDED
