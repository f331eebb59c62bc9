import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import AuditEvent, Precaution, TouchConsentChange, Trigger
from clients.views.intake import section_context
from clients.vocabulary import Clearance, Condition, SetBy, TouchConsent, TriggerCategory
from practice.fields import decrypt
from tests.factories import ClientFactory, PrecautionFactory, TriggerFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
BLOCKS = ["precautions", "triggers", "preferences", "touch-consent", "clearance"]
Action = AuditEvent.Action
SECRET_NOTE = "Surgeon's rule: no bending past a right angle until the twelve-week review."
SECRET_HELP = "Mat facing the door; say out loud when moving around the room."


class _CheckedInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.checked: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "input" and "checked" in attributes:
            self.checked.append((attributes["name"], attributes.get("value", "on")))


def _checked(html: str, name: str) -> list[str]:
    """The values of the ticked checkboxes or radio buttons called `name`."""
    parser = _CheckedInputs()
    parser.feed(html)
    return [value for field, value in parser.checked if field == name]


@pytest.fixture
def client_record(world):
    return ClientFactory(studio=world.studio, preferred_name="Maya", props="A thick bolster")


@pytest.fixture
def precaution(client_record):
    return PrecautionFactory(client=client_record, note=SECRET_NOTE)


@pytest.fixture
def trigger(client_record):
    return TriggerFactory(client=client_record, what_helps=SECRET_HELP)


def _url(name, client, *extra):
    return reverse(name, args=[client.studio.code, client.code, *extra])


def _events(client, action=None):
    events = AuditEvent.objects.filter(client=client)
    if action:
        events = events.filter(action=action)
    return list(events.values_list("action", "record_type", "summary"))


def _precaution_data(**overrides):
    data = {
        "condition": Condition.KNEE_INJURY,
        "condition_other": "",
        "side": "right",
        "restricted_movements": ["deep_knee_flexion", "kneeling_load"],
        "start_date": "2025-03-01",
        "until_cleared": "on",
        "end_date": "",
        "set_by": SetBy.PHYSIOTHERAPIST,
        "note": "Meniscus repair; the physio wants no deep squats for now.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Precautions -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_teachers_open_the_add_form_in_place_with_htmx(world, client_record, who):
    response = world.client_for(getattr(world, who)).get(
        _url("precaution_add", client_record), headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="precaution-new-form"')
    assert "<html" not in response.text
    assert 'name="restricted_movements"' in response.text


def test_without_javascript_the_add_form_is_a_whole_page(world, client_record):
    response = world.client_for(world.bob).get(_url("precaution_add", client_record))
    assert response.status_code == 200
    assert "<html" in response.text
    assert "Add a precaution" in response.text
    # Even an empty form shows whose record it is (name, breadcrumb): it is a read.
    assert _events(client_record) == [("view", "precaution", "precaution form opened")]


def test_adding_a_precaution_over_htmx_returns_the_refreshed_block(world, client_record):
    response = world.client_for(world.bob).post(
        _url("precaution_add", client_record), _precaution_data(), headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="precautions"')
    assert "Knee injury or meniscus" in response.text
    assert "Precaution added." in response.text
    precaution = client_record.precautions.get()
    assert precaution.restricted_movements == ["deep_knee_flexion", "kneeling_load"]
    assert precaution.end_date is None
    assert precaution.side == "right"
    assert precaution.note == "Meniscus repair; the physio wants no deep squats for now."
    assert _events(client_record) == [("create", "precaution", "precaution added")]
    event = AuditEvent.objects.get(client=client_record)
    assert event.record_code == precaution.code
    assert event.actor == world.bob.user


def test_adding_without_javascript_redirects_to_the_block_on_the_client_page(world, client_record):
    response = world.client_for(world.bob).post(
        _url("precaution_add", client_record), _precaution_data()
    )
    assert response.status_code == 302
    assert response["Location"] == client_record.get_absolute_url() + "#precautions"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"condition": Condition.OTHER}, "condition_other", "Please name the condition."),
        (
            {"until_cleared": None, "end_date": "2025-02-01"},
            "end_date",
            "The end date should come after the start date.",
        ),
        ({"until_cleared": None}, "end_date", "Add an end date, or tick"),
        ({"condition": "broken_everything"}, "condition", "Select a valid choice"),
        ({"restricted_movements": ["flying"]}, "restricted_movements", "Select a valid choice"),
    ],
)
def test_a_precaution_with_mistakes_comes_back_422_with_everything_typed(
    world, client_record, overrides, field, message
):
    data = _precaution_data(**overrides)
    response = world.client_for(world.bob).post(
        _url("precaution_add", client_record), data, headers=HTMX
    )
    assert response.status_code == 422
    assert message in response.text
    assert "Meniscus repair; the physio wants no deep squats for now." in response.text
    # Only the form is replaced, so nothing else on the page moves.
    assert response["HX-Retarget"] == "#precaution-new-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert f'id="precaution-new-{field}' in response.text
    assert not client_record.precautions.exists()
    assert _events(client_record) == []


def test_a_precaution_with_mistakes_without_javascript_is_a_whole_page(world, client_record):
    response = world.client_for(world.bob).post(
        _url("precaution_add", client_record), _precaution_data(condition=Condition.OTHER)
    )
    assert response.status_code == 422
    assert "<html" in response.text
    assert "Please name the condition." in response.text


def test_an_other_condition_is_shown_by_its_name(world, client_record):
    world.client_for(world.bob).post(
        _url("precaution_add", client_record),
        _precaution_data(condition=Condition.OTHER, condition_other="Ankle fusion"),
    )
    assert client_record.precautions.get().condition_label == "Ankle fusion"


def test_a_name_typed_for_other_is_dropped_when_a_listed_condition_is_chosen(world, client_record):
    world.client_for(world.bob).post(
        _url("precaution_add", client_record), _precaution_data(condition_other="Stray words")
    )
    assert client_record.precautions.get().condition_other == ""


def test_picking_a_condition_ticks_the_movements_it_usually_restricts(world, client_record):
    response = world.client_for(world.bob).get(
        _url("precaution_add", client_record),
        {"condition": Condition.HIP_REPLACEMENT_POSTERIOR},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<fieldset id="precaution-new-movements"')
    assert _checked(response.text, "restricted_movements") == [
        "hip_flexion_past_90",
        "hip_adduction_past_midline",
        "hip_internal_rotation",
    ]


def test_picking_another_condition_replaces_an_untouched_suggestion(world, client_record):
    response = world.client_for(world.bob).get(
        _url("precaution_add", client_record),
        {
            "condition": Condition.KNEE_INJURY,
            # What the posterior hip replacement suggested, left as it was.
            "restricted_movements": [
                "hip_flexion_past_90",
                "hip_adduction_past_midline",
                "hip_internal_rotation",
            ],
        },
        headers=HTMX,
    )
    assert _checked(response.text, "restricted_movements") == [
        "deep_knee_flexion",
        "kneeling_load",
        "knee_rotation",
    ]


def test_picking_a_condition_keeps_movements_the_teacher_chose(world, client_record):
    response = world.client_for(world.bob).get(
        _url("precaution_add", client_record),
        {"condition": Condition.KNEE_INJURY, "restricted_movements": ["twist"]},
        headers=HTMX,
    )
    assert _checked(response.text, "restricted_movements") == ["twist"]


def test_the_edit_form_shows_the_precaution_and_records_the_view(world, precaution):
    client = precaution.client
    response = world.client_for(world.bob).get(
        _url("precaution_edit", client, precaution.code), headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div id="precaution-{precaution.code}-form"')
    assert "no bending past a right angle" in response.text
    assert _checked(response.text, "restricted_movements") == [
        "hip_flexion_past_90",
        "hip_adduction_past_midline",
        "hip_internal_rotation",
    ]
    assert _events(client) == [("view", "precaution", "precaution opened")]


def test_editing_a_precaution_saves_it_and_records_the_change(world, precaution):
    client = precaution.client
    response = world.client_for(world.alice).post(
        _url("precaution_edit", client, precaution.code),
        _precaution_data(
            condition=Condition.HIP_REPLACEMENT_POSTERIOR,
            restricted_movements=["hip_flexion_past_90"],
            until_cleared=None,
            end_date="2025-06-01",
            note="Cleared for 90 degrees from June.",
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Precaution saved." in response.text
    precaution.refresh_from_db()
    assert precaution.end_date == date(2025, 6, 1)
    assert precaution.restricted_movements == ["hip_flexion_past_90"]
    assert precaution.note == "Cleared for 90 degrees from June."
    assert _events(client) == [("change", "precaution", "precaution changed")]


def test_a_surgeons_own_hip_flexion_limit_is_saved_encrypted_audited_and_shown(world, precaution):
    client = precaution.client
    response = world.client_for(world.alice).post(
        _url("precaution_edit", client, precaution.code),
        _precaution_data(
            condition=Condition.HIP_REPLACEMENT_POSTERIOR,
            restricted_movements=["hip_flexion_past_90"],
            hip_flexion_limit="45",
            set_by="surgeon",
            note="Surgeon's letter, 3 Dec",
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Own hip flexion limit: 45°, set by: surgeon" in response.text
    precaution.refresh_from_db()
    assert precaution.own_hip_flexion_limit == 45
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hip_flexion_limit FROM clients_precaution WHERE id = %s", [precaution.pk]
        )
        (stored,) = cursor.fetchone()
    # Ciphertext, like the note (its random base64 may itself hold the digits "45").
    assert stored.startswith("fernet:") and decrypt(stored) == "45"
    assert _events(client) == [("change", "precaution", "precaution changed")]
    assert "45" not in AuditEvent.objects.get(client=client).summary


def test_an_own_limit_out_of_range_keeps_what_was_typed(world, precaution):
    response = world.client_for(world.alice).post(
        _url("precaution_edit", precaution.client, precaution.code),
        _precaution_data(hip_flexion_limit="400", note="kept as typed"),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "kept as typed" in response.text
    assert 'value="400"' in response.text


def test_an_edit_with_mistakes_replaces_only_that_form(world, precaution):
    response = world.client_for(world.bob).post(
        _url("precaution_edit", precaution.client, precaution.code),
        _precaution_data(until_cleared=None, end_date="2024-01-01"),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#precaution-{precaution.code}-form"
    precaution.refresh_from_db()
    assert precaution.condition == Condition.HIP_REPLACEMENT_POSTERIOR


def test_the_until_cleared_box_is_ticked_for_a_precaution_without_an_end_date(world, precaution):
    response = world.client_for(world.bob).get(
        _url("precaution_edit", precaution.client, precaution.code), headers=HTMX
    )
    assert _checked(response.text, "until_cleared") == ["on"]
    precaution.end_date = date(2030, 1, 1)
    precaution.save()
    response = world.client_for(world.bob).get(
        _url("precaution_edit", precaution.client, precaution.code), headers=HTMX
    )
    assert _checked(response.text, "until_cleared") == []
    assert 'value="2030-01-01"' in response.text


def test_removing_a_precaution_over_htmx(world, precaution):
    client = precaution.client
    response = world.client_for(world.bob).post(
        _url("precaution_delete", client, precaution.code), headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="precautions"')
    assert "Precaution removed." in response.text
    assert "No precautions recorded." in response.text
    assert not Precaution.objects.filter(pk=precaution.pk).exists()
    event = AuditEvent.objects.get(client=client)
    assert (event.action, event.summary) == ("delete", "precaution removed")
    assert event.record_code == precaution.code


def test_without_javascript_remove_asks_first_on_a_page_of_its_own(world, precaution):
    client = precaution.client
    url = _url("precaution_delete", client, precaution.code)
    response = world.client_for(world.bob).get(url)
    assert response.status_code == 200
    assert "Remove this precaution?" in response.text
    assert f'action="{url}"' in response.text
    assert Precaution.objects.filter(pk=precaution.pk).exists()
    assert _events(client) == [("view", "precaution", "precaution opened")]
    response = world.client_for(world.bob).post(url)
    assert response["Location"] == client.get_absolute_url() + "#precautions"
    assert not Precaution.objects.filter(pk=precaution.pk).exists()


def test_the_remove_link_asks_for_confirmation_with_htmx(world, precaution):
    html = _block(world, precaution.client, "precautions")
    assert "hx-confirm=" in html
    assert f'hx-post="{_url("precaution_delete", precaution.client, precaution.code)}"' in html


def test_past_precautions_stay_on_record_after_the_current_ones(world, client_record):
    today = timezone.localdate()
    PrecautionFactory(
        client=client_record,
        condition=Condition.LOW_BACK_PAIN,
        start_date=today - timedelta(days=300),
        end_date=today - timedelta(days=30),
    )
    PrecautionFactory(client=client_record, condition=Condition.KNEE_INJURY, start_date=today)
    PrecautionFactory(
        client=client_record,
        condition=Condition.PREGNANCY,
        start_date=today - timedelta(days=10),
        end_date=today,  # ends today: still current until tomorrow
    )
    html = _block(world, client_record, "precautions")
    knee, pregnancy, back = (
        html.index("Knee injury"),
        html.index("Pregnancy"),
        html.index("Lower-back pain"),
    )
    assert knee < back and pregnancy < back
    assert html.count("Past</span>") == 1
    assert html.index("Past</span>") > back


# --- Triggers --------------------------------------------------------------------------------


def test_adding_a_trigger_with_what_helps(world, client_record):
    response = world.client_for(world.bob).post(
        _url("trigger_add", client_record),
        {
            "category": TriggerCategory.LYING_ON_BACK,
            "note": "Feels exposed on the back.",
            "what_helps": "Offer a seated version first.",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="triggers"')
    assert "Offer a seated version first." in response.text
    trigger = client_record.triggers.get()
    assert trigger.category == TriggerCategory.LYING_ON_BACK
    assert _events(client_record) == [("create", "trigger", "trigger added")]


def test_a_trigger_without_a_category_comes_back_422(world, client_record):
    response = world.client_for(world.bob).post(
        _url("trigger_add", client_record),
        {"category": "", "what_helps": "Offer a seated version first."},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#trigger-new-form"
    assert "Offer a seated version first." in response.text
    assert not client_record.triggers.exists()


def test_editing_a_trigger(world, trigger):
    client = trigger.client
    url = _url("trigger_edit", client, trigger.code)
    bob = world.client_for(world.bob)
    form = bob.get(url, headers=HTMX)
    assert SECRET_HELP in form.text
    response = bob.post(
        url,
        {"category": TriggerCategory.SOUNDS, "note": "", "what_helps": "No music."},
        headers=HTMX,
    )
    assert response.status_code == 200
    trigger.refresh_from_db()
    assert (trigger.category, trigger.what_helps) == (TriggerCategory.SOUNDS, "No music.")
    assert _events(client) == [
        ("change", "trigger", "trigger changed"),
        ("view", "trigger", "trigger opened"),
    ]


def test_removing_a_trigger(world, trigger):
    client = trigger.client
    response = world.client_for(world.alice).post(
        _url("trigger_delete", client, trigger.code), headers=HTMX
    )
    assert "No triggers recorded." in response.text
    assert not Trigger.objects.filter(pk=trigger.pk).exists()
    assert _events(client) == [("delete", "trigger", "trigger removed")]


# --- Preferences, touch consent, medical clearance --------------------------------------------


def test_editing_preferences(world, client_record):
    url = _url("preferences_edit", client_record)
    bob = world.client_for(world.bob)
    form = bob.get(url, headers=HTMX)
    assert form.text.lstrip().startswith('<div id="preferences-form"')
    assert "A thick bolster" in form.text
    response = bob.post(
        url,
        {
            "room_wishes": ["nobody_behind", "eyes_open"],
            "props": "Two blocks",
            "lighting": "soft",
            "music": "none",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="preferences"')
    assert "Eyes open · Nobody behind them" in response.text
    client_record.refresh_from_db()
    # Kept in the list's order; the two the safety checker reads follow the wishes.
    assert client_record.room_wishes == ["eyes_open", "nobody_behind"]
    assert client_record.prefers_eyes_open is True
    assert client_record.prefers_near_door is False
    assert (client_record.props, client_record.lighting, client_record.music) == (
        "Two blocks",
        "soft",
        "none",
    )
    assert _events(client_record) == [
        ("change", "preferences", "preferences changed"),
        ("view", "preferences", "preferences opened"),
    ]


def test_saving_preferences_leaves_the_contact_details_alone(world, client_record):
    """A teammate's change to the contact details meanwhile is not overwritten."""
    bob = world.client_for(world.bob)
    type(client_record).objects.filter(pk=client_record.pk).update(pronouns="they/them")
    bob.post(_url("preferences_edit", client_record), {"props": "A strap"})
    client_record.refresh_from_db()
    assert client_record.pronouns == "they/them"
    assert client_record.props == "A strap"


def test_changing_touch_consent_keeps_a_dated_history(world, client_record):
    url = _url("touch_consent_edit", client_record)
    world.client_for(world.alice).post(url, {"touch_consent": TouchConsent.NO}, headers=HTMX)
    response = world.client_for(world.bob).post(
        url, {"touch_consent": TouchConsent.YES}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="touch-consent"')
    client_record.refresh_from_db()
    assert client_record.touch_consent == TouchConsent.YES
    history = list(client_record.touch_history.values_list("value", "recorded_by"))
    assert history == [("yes", world.bob.user.pk), ("no", world.alice.user.pk)]
    assert "History of changes (2)" in response.text
    assert "recorded by Bob Teacher" in response.text
    assert "recorded by Alice Owner" in response.text
    assert (
        _events(client_record, Action.CHANGE)
        == [("change", "touch consent", "touch consent changed")] * 2
    )


def test_saving_the_same_touch_consent_adds_no_history(world, client_record):
    response = world.client_for(world.bob).post(
        _url("touch_consent_edit", client_record), {"touch_consent": client_record.touch_consent}
    )
    assert response.status_code == 302
    assert not TouchConsentChange.objects.exists()


def test_touch_consent_must_be_one_of_the_three(world, client_record):
    response = world.client_for(world.bob).post(
        _url("touch_consent_edit", client_record), {"touch_consent": "maybe"}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#touch-form"


def test_received_clearance_needs_a_date(world, client_record):
    response = world.client_for(world.bob).post(
        _url("clearance_edit", client_record),
        {"medical_clearance": Clearance.RECEIVED, "clearance_date": ""},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Add the date it was received." in response.text
    assert _checked(response.text, "medical_clearance") == ["received"]
    client_record.refresh_from_db()
    assert client_record.medical_clearance == Clearance.NOT_NEEDED


def test_recording_received_clearance(world, client_record):
    response = world.client_for(world.bob).post(
        _url("clearance_edit", client_record),
        {"medical_clearance": Clearance.RECEIVED, "clearance_date": "2025-04-02"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "on 2 Apr 2025" in response.text
    client_record.refresh_from_db()
    assert client_record.clearance_date == date(2025, 4, 2)
    assert _events(client_record) == [("change", "medical clearance", "medical clearance changed")]


def test_clearance_not_needed_forgets_an_old_date(world, client_record):
    client_record.medical_clearance = Clearance.REQUESTED
    client_record.clearance_date = date(2025, 1, 5)
    client_record.save()
    world.client_for(world.bob).post(
        _url("clearance_edit", client_record),
        {"medical_clearance": Clearance.NOT_NEEDED, "clearance_date": "2025-01-05"},
    )
    client_record.refresh_from_db()
    assert client_record.clearance_date is None


# --- The section and Cancel --------------------------------------------------------------------


def _block(world, client, block):
    response = world.client_for(world.bob).get(
        _url("intake_section", client), {"block": block}, headers=HTMX
    )
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize(
    "block", ["precautions", "triggers", "preferences", "touch-consent", "clearance"]
)
def test_cancel_brings_back_the_block_and_records_the_view(world, client_record, block):
    html = _block(world, client_record, block)
    assert html.lstrip().startswith(f'<section id="{block}"')
    assert _events(client_record) == [("view", "intake", "intake opened")]


def test_the_section_url_without_htmx_goes_to_the_client_page(world, client_record):
    response = world.client_for(world.bob).get(
        _url("intake_section", client_record), {"block": "triggers"}
    )
    assert response["Location"] == client_record.get_absolute_url() + "#triggers"
    response = world.client_for(world.bob).get(
        _url("intake_section", client_record), {"block": "nonsense"}, headers=HTMX
    )
    assert response["Location"] == client_record.get_absolute_url() + "#intake"


def test_the_whole_section_renders_every_block(world, precaution, trigger, rf):
    from django.template.loader import render_to_string

    client = precaution.client
    request = rf.get("/")
    request.user = world.bob.user
    request.studio, request.membership = world.studio, world.bob
    context = {"client": client, "studio": world.studio, "can_edit": True}
    context.update(section_context(request, client))
    html = render_to_string("clients/_intake.html", context, request=request)
    for block in BLOCKS:
        assert f'<section id="{block}"' in html
    assert SECRET_NOTE.replace("'", "&#x27;") in html
    assert SECRET_HELP in html
    # The forms are fetched on demand, never rendered with the section.
    assert "<form" not in html


def test_the_section_costs_three_queries_however_long_the_record(
    world, client_record, rf, django_assert_num_queries
):
    for _ in range(4):
        PrecautionFactory(client=client_record)
        TriggerFactory(client=client_record)
    for value in ["no", "yes", "ask"]:
        TouchConsentChange.objects.create(
            client=client_record, value=value, recorded_by=world.bob.user
        )
    request = rf.get("/")
    # 1 precautions, 2 triggers, 3 touch history with who recorded each change
    with django_assert_num_queries(3):
        context = section_context(request, client_record)
        for change in context["touch_history"]:
            change.recorded_by.get_full_name()
    assert len(context["active_precautions"]) == 4
    assert len(context["triggers"]) == 4


def test_refreshing_a_block_costs_a_fixed_number_of_queries(
    world, client_record, django_assert_num_queries
):
    client = world.client_for(world.bob)
    url = _url("intake_section", client_record)

    def count() -> int:
        from django.db import connection

        with CaptureQueriesContext(connection) as context:
            client.get(url, {"block": "precautions"}, headers=HTMX)
        return len(context)

    PrecautionFactory(client=client_record)
    count()  # the first visit stores the studio in the session
    first = count()
    for _ in range(5):
        PrecautionFactory(client=client_record)
    # 1 session, 2 user, 3 client, 4 audit insert, 5-7 the section (precautions, triggers,
    # touch history); no session save when nothing in it changed, and no memberships: they are
    # kept from her first page (practice/memberships.py)
    with django_assert_num_queries(first):
        client.get(url, {"block": "precautions"}, headers=HTMX)
    assert first == 7


@pytest.mark.parametrize(
    "name",
    ["precaution_add", "trigger_add", "preferences_edit", "touch_consent_edit", "clearance_edit"],
)
def test_every_form_field_description_is_on_the_fragment(world, client_record, name):
    html = world.client_for(world.bob).get(_url(name, client_record), headers=HTMX).text
    ids = set(re.findall(r'id="([^"]+)"', html))
    described_by = {
        ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()
    }
    assert described_by <= ids


# --- Access -----------------------------------------------------------------------------------

INTAKE_URLS = [
    ("intake_section", None),
    ("precaution_add", None),
    ("precaution_edit", "precaution"),
    ("precaution_delete", "precaution"),
    ("trigger_add", None),
    ("trigger_edit", "trigger"),
    ("trigger_delete", "trigger"),
    ("preferences_edit", None),
    ("touch_consent_edit", None),
    ("clearance_edit", None),
]


def _intake_url(name, kind, precaution, trigger):
    extra = {"precaution": [precaution.code], "trigger": [trigger.code], None: []}[kind]
    return _url(name, precaution.client, *extra)


@pytest.mark.parametrize(("name", "kind"), INTAKE_URLS)
def test_assistants_get_403_and_never_the_fragment(world, precaution, trigger, name, kind):
    url = _intake_url(name, kind, precaution, trigger)
    ada = world.client_for(world.ada)
    responses = [
        ada.get(url),
        ada.get(url, {"block": "precautions"}, headers=HTMX),
        ada.get(url, {"condition": Condition.KNEE_INJURY}, headers=HTMX),
        ada.post(url, _precaution_data(), headers=HTMX),
        ada.post(url, {"touch_consent": "yes", "category": "touch"}),
    ]
    for response in responses:
        assert response.status_code == 403
        for secret in ["right angle", "twelve-week", "facing the door", "bolster", "Surgeon"]:
            assert secret not in response.text
    assert Precaution.objects.filter(pk=precaution.pk).exists()
    assert Trigger.objects.filter(pk=trigger.pk).exists()
    assert client_record_unchanged(precaution.client)
    assert not AuditEvent.objects.filter(actor=world.ada.user).exists()


def client_record_unchanged(client) -> bool:
    client.refresh_from_db()
    return client.touch_consent == TouchConsent.ASK and not client.touch_history.exists()


@pytest.mark.parametrize(("name", "kind"), INTAKE_URLS)
def test_outsiders_get_404(world, precaution, trigger, name, kind):
    url = _intake_url(name, kind, precaution, trigger)
    charlie = world.client_for(world.charlie)
    assert charlie.get(url, headers=HTMX).status_code == 404
    assert charlie.post(url, headers=HTMX).status_code == 404


@pytest.mark.parametrize(("name", "kind"), INTAKE_URLS)
def test_another_studios_client_inside_your_own_studio_is_404(
    world, precaution, trigger, name, kind
):
    url = _intake_url(name, kind, precaution, trigger).replace(
        str(world.studio.code), str(world.other_studio.code)
    )
    charlie = world.client_for(world.charlie)
    assert charlie.get(url, headers=HTMX).status_code == 404
    assert charlie.post(url, _precaution_data(), headers=HTMX).status_code == 404


@pytest.mark.parametrize("name", ["precaution_edit", "precaution_delete"])
def test_a_precaution_of_another_client_is_404(world, precaution, name):
    other_client = ClientFactory(studio=world.studio)
    url = _url(name, other_client, precaution.code)
    bob = world.client_for(world.bob)
    assert bob.get(url, headers=HTMX).status_code == 404
    assert bob.post(url, _precaution_data(), headers=HTMX).status_code == 404
    assert Precaution.objects.filter(pk=precaution.pk, client=precaution.client).exists()


@pytest.mark.parametrize("name", ["trigger_edit", "trigger_delete"])
def test_a_trigger_of_another_studios_client_is_404(world, name):
    theirs = TriggerFactory(client=ClientFactory(studio=world.other_studio))
    ours = ClientFactory(studio=world.studio)
    url = _url(name, ours, theirs.code)
    assert world.client_for(world.alice).post(url, headers=HTMX).status_code == 404
    assert Trigger.objects.filter(pk=theirs.pk).exists()


def test_an_erased_clients_intake_is_gone(world, client_record):
    client_record.status = type(client_record).Status.ERASED
    client_record.save()
    response = world.client_for(world.alice).get(
        _url("precaution_add", client_record), headers=HTMX
    )
    assert response.status_code == 404


def test_audit_summaries_never_hold_what_was_typed(world, client_record):
    bob = world.client_for(world.bob)
    bob.post(
        _url("precaution_add", client_record),
        _precaution_data(condition=Condition.OTHER, condition_other="Secret condition"),
    )
    bob.post(
        _url("trigger_add", client_record),
        {"category": "other", "note": "Secret story", "what_helps": "Secret help"},
    )
    bob.post(_url("preferences_edit", client_record), {"props": "Secret props"})
    for event in AuditEvent.objects.all():
        assert "Secret" not in event.summary
        assert "Meniscus" not in event.summary
