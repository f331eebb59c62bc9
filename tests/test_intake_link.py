"""The intake link: the token's rules, privacy of the public page, ciphertext at rest, and the
teacher's review, through which alone the answers join the record."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clients import intake_link_services as services
from clients.export import client_record
from clients.forms.intake_link import review_form
from clients.intake_links import LINK_DAYS, IntakeInvitation, canonical_code
from clients.models import AuditEvent, ConsentSignature, Precaution, Trigger
from clients.safety_rules import USUAL_RESTRICTIONS
from clients.services import client_erase
from clients.views import intake_link as views
from clients.vocabulary import (
    CLIENT_TRIGGER_WORDS,
    Condition,
    SetBy,
    TouchConsent,
    TriggerCategory,
)
from practice.once import FIELD as ONCE_FIELD
from practice.public_links import hash_token
from routines.builder.advisories import routine_safety
from routines.paper.handouts import PrintOptions, handout_html
from tests.factories import (
    ClientFactory,
    ConsentDocumentFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
    library_pose,
)

pytestmark = pytest.mark.django_db

# Her free words: each must be ciphertext in the database and absent from the audit trail.
WORDS = {
    "emergency_contact": "Juniper Vale 0161 555 0199",
    "room_wishes_note": "A window I can see from the mat",
    "precaution_1_since": "Since the March operation",
    "precaution_1_clinician": "Surgeon Okafor said no deep bends yet",
    "trigger_1_note": "Footsteps behind me in a quiet room",
    "trigger_1_helps": "Hearing where the teacher is",
}
ANSWERS = {
    "preferred_name": "Sunny",
    "pronouns": "she/her",
    "email": "sunny@example.org",
    "phone": "0161 555 0123",
    "room_wishes": ["near_door", "nobody_behind"],
    "precaution_1_condition": Condition.HIP_REPLACEMENT_POSTERIOR,
    "precaution_1_side": "right",
    "trigger_1_category": TriggerCategory.SOMEONE_BEHIND,
    "touch_consent": TouchConsent.NO,
    "signed_name": "Sunita Rao",
    **WORDS,
}
PUBLIC_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture
def client_record_row(world):
    return ClientFactory(studio=world.studio, preferred_name="Sun", full_name="Sunita Rao")


@pytest.fixture
def document(world):
    return ConsentDocumentFactory(studio=world.studio, version=1, text="Every pose is optional.")


@pytest.fixture
def sent(world, client_record_row, document):
    invitation, token = services.intake_link_send(client=client_record_row, by=world.bob.user)
    return invitation, token


def _url(token: str) -> str:
    return reverse("intake_link_form", args=[token])


def _post(client, token: str, **answers):
    data = {**ANSWERS, "consent_version": 1, **answers}
    return client.post(_url(token), data)


def _assert_private(response) -> None:
    for header, value in PUBLIC_HEADERS.items():
        assert response[header] == value
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies, response.cookies


# --- The token -------------------------------------------------------------------------------


def test_only_the_tokens_hash_is_stored(sent):
    invitation, token = sent
    assert canonical_code(token) == token and len(token) == 16
    row = IntakeInvitation.objects.values().get(pk=invitation.pk)
    assert row["token_hash"] == hash_token(token)
    assert not any(token in str(value) for value in row.values())
    assert (
        invitation.expires_at - invitation.created_at
        == timedelta(days=LINK_DAYS)
        == timedelta(days=14)
    )


def test_the_token_is_compared_in_constant_time(sent):
    _, token = sent
    with mock.patch(
        "clients.intake_links.hmac.compare_digest", wraps=__import__("hmac").compare_digest
    ) as compare:
        assert IntakeInvitation.find(token) is not None
    compare.assert_called_once_with(hash_token(token), hash_token(token))


def test_a_typed_code_is_forgiven_case_dashes_and_lookalikes(client, sent):
    _, token = sent
    typed = "-".join(token[i : i + 4] for i in range(0, 16, 4)).lower()
    assert client.get(_url(typed)).status_code == 200


@pytest.mark.parametrize("why", ["wrong", "revoked", "expired", "archived"])
def test_every_closed_link_reads_the_same_404(client, world, sent, why):
    invitation, token = sent
    if why == "wrong":
        token = "A" * 16
    elif why == "revoked":
        services.intake_link_revoke(invitation=invitation, by=world.bob.user)
    elif why == "expired":
        IntakeInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    else:
        invitation.client.status = invitation.client.Status.ARCHIVED
        invitation.client.save()
    for response in (client.get(_url(token)), _post(client, token)):
        assert response.status_code == 404
        assert "This link is not open" in response.text
        _assert_private(response)
    assert not IntakeInvitation.objects.get(pk=invitation.pk).submitted_at


def test_one_submission_only(client, sent):
    invitation, token = sent
    first = _post(client, token)
    assert first.status_code == 200 and "Your answers have arrived" in first.text
    stored = IntakeInvitation.objects.get(pk=invitation.pk).answers
    second = _post(client, token, preferred_name="Someone else")
    assert second.status_code == 409 and "nothing was sent a second time" in second.text
    assert IntakeInvitation.objects.get(pk=invitation.pk).answers == stored
    _assert_private(second)
    # Opened again, the link thanks her rather than showing the form.
    again = client.get(_url(token))
    assert again.status_code == 200 and "<form" not in again.text


def test_two_submissions_at_once_keep_the_first(sent):
    invitation, _ = sent
    services.intake_link_submit(invitation=invitation, answers={"about": {}}, address=None)
    with pytest.raises(services.AlreadyAnswered):
        services.intake_link_submit(invitation=invitation, answers={"touch": "no"}, address=None)


def test_the_link_is_rate_limited_per_address(client, sent):
    _, token = sent
    with mock.patch.object(views, "REQUESTS_PER_IP", 3):
        statuses = [client.get(_url(token)).status_code for _ in range(4)]
        slow = client.get(_url(token))
    assert statuses == [200, 200, 200, 429]
    assert slow["Retry-After"] and "A short pause" in slow.text
    _assert_private(slow)


def test_every_public_answer_is_private_and_sets_no_cookie(client, sent):
    _, token = sent
    for response in (
        client.get(_url(token)),
        _post(client, token, email="not an address"),
        _post(client, token),
    ):
        _assert_private(response)
    assert 'name="csrfmiddlewaretoken"' not in client.get(_url(token)).text


def test_a_new_link_turns_the_old_one_off(client, world, sent):
    invitation, token = sent
    services.intake_link_send(client=invitation.client, by=world.bob.user)
    assert client.get(_url(token)).status_code == 404


# --- The client's form -----------------------------------------------------------------------


def test_only_a_name_is_needed(client, sent):
    invitation, token = sent
    response = client.post(_url(token), {"preferred_name": "Sunny", "consent_version": 1})
    assert response.status_code == 200
    assert IntakeInvitation.objects.get(pk=invitation.pk).answers == {
        "about": {"preferred_name": "Sunny"}
    }


def test_bad_input_keeps_what_was_typed(client, sent):
    invitation, token = sent
    response = _post(client, token, preferred_name="", email="sunny@")
    assert response.status_code == 400
    assert "Please tell us what to call you" in response.text
    assert "This email address looks incomplete" in response.text
    for value in (WORDS["precaution_1_clinician"], WORDS["trigger_1_helps"], "sunny@"):
        assert value in response.text
    assert 'value="Sunita Rao"' in response.text
    assert IntakeInvitation.objects.get(pk=invitation.pk).submitted_at is None


def test_a_newer_consent_text_must_be_read_before_it_is_signed(client, world, sent):
    _, token = sent
    ConsentDocumentFactory(studio=world.studio, version=2, text="A second version.")
    response = _post(client, token)  # she read version 1
    assert response.status_code == 400
    assert "updated its consent text" in response.text and "A second version." in response.text
    assert 'value="Sunita Rao"' in response.text


def test_the_page_shows_the_studio_and_its_consent_text_and_nothing_of_the_record(client, sent):
    invitation, token = sent
    page = client.get(_url(token)).text
    assert invitation.client.studio.name in page and "Every pose is optional." in page
    assert "Sunita Rao" not in page and "Sun<" not in page
    assert all(label in page for label in CLIENT_TRIGGER_WORDS.values())


def test_the_client_words_cover_every_trigger_category():
    assert set(CLIENT_TRIGGER_WORDS) == set(TriggerCategory)


# --- At rest ---------------------------------------------------------------------------------


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_every_answer_is_ciphertext_at_rest(client, sent):
    invitation, token = sent
    _post(client, token)
    raw = _raw("clients_intakeinvitation", "answers_data", invitation.pk)
    assert raw.startswith("fernet:")
    for value in [*WORDS.values(), ANSWERS["email"], ANSWERS["signed_name"], "Sunny"]:
        assert value not in raw
    assert (
        IntakeInvitation.objects.get(pk=invitation.pk).answers["room"]["note"]
        == (WORDS["room_wishes_note"])
    )


# --- Nothing joins the record until a teacher accepts it -------------------------------------


def _as_posted(part: str, invitation: IntakeInvitation) -> dict:
    """The review form of `part` as the teacher's browser sends it untouched."""
    form = review_form(part, invitation.answers[part], invitation.client)
    if form is None:
        return {}
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def _accept(world, invitation, part: str, **data):
    page = reverse(
        "intake_link_decide",
        args=[world.studio.code, invitation.client.code, invitation.code, part],
    )
    posted = {**_as_posted(part, invitation), **data, "decision": "accept"}
    return world.client_for(world.bob).post(page, posted)


def _tailored_routine(world, client):
    routine = RoutineFactory(studio=world.studio, client=client)
    RoutineStepFactory(routine=routine, pose=library_pose("knees-to-chest"))
    return routine


def test_the_draft_changes_nothing_in_the_checker_or_the_handout(client, world, sent):
    invitation, token = sent
    routine = _tailored_routine(world, invitation.client)
    steps = list(routine.steps.all())
    before_safety = routine_safety(routine, steps).summary.text
    before_handout = handout_html(routine, PrintOptions(), world.bob.user)
    _post(client, token)
    routine.refresh_from_db()
    routine.client.refresh_from_db()
    assert routine_safety(routine, steps).summary.text == before_safety
    assert routine_safety(routine, steps).summary.unresolved == 0
    assert handout_html(routine, PrintOptions(), world.bob.user) == before_handout
    assert not Precaution.objects.filter(client=invitation.client).exists()

    invitation.refresh_from_db()
    assert _accept(world, invitation, "precaution-1").status_code == 302
    assert _accept(world, invitation, "about").status_code == 302
    routine = type(routine).objects.get(pk=routine.pk)
    assert routine_safety(routine, list(routine.steps.all())).summary.unresolved > 0
    assert "Sunny" in handout_html(routine, PrintOptions(), world.bob.user)


def test_accepting_each_part_records_it_through_the_usual_services(client, world, sent):
    invitation, token = sent
    _post(client, token)
    invitation.refresh_from_db()
    record = invitation.client
    for part in services.pending_parts(invitation):
        response = _accept(world, invitation, part)
        assert response.status_code == 302, (part, response.text[:2000])
    record.refresh_from_db()
    assert (record.preferred_name, record.pronouns, record.email) == (
        "Sunny",
        "she/her",
        "sunny@example.org",
    )
    assert record.emergency_contact == WORDS["emergency_contact"]
    assert record.room_wishes == ["near_door", "nobody_behind"]
    assert record.room_wishes_note == WORDS["room_wishes_note"]
    precaution = Precaution.objects.get(client=record)
    assert precaution.condition == Condition.HIP_REPLACEMENT_POSTERIOR
    assert precaution.side == "right" and precaution.set_by == SetBy.SELF_REPORTED
    assert precaution.restricted_movements == [
        str(m) for m in USUAL_RESTRICTIONS[Condition.HIP_REPLACEMENT_POSTERIOR]
    ]
    assert WORDS["precaution_1_clinician"] in precaution.note and precaution.end_date is None
    trigger = Trigger.objects.get(client=record)
    assert trigger.category == TriggerCategory.SOMEONE_BEHIND
    assert (trigger.note, trigger.what_helps) == (WORDS["trigger_1_note"], WORDS["trigger_1_helps"])
    assert record.touch_consent == TouchConsent.NO
    assert record.touch_history.get().value == TouchConsent.NO
    signature = ConsentSignature.objects.get(client=record)
    assert signature.document.version == 1 and signature.signed_name == "Sunita Rao"
    assert signature.signed_at is not None and signature.signed_from == "127.0.0.1"
    assert signature.witnessed_by is None
    invitation.refresh_from_db()
    assert invitation.reviewed_at is not None and invitation.status == "reviewed"
    # Ciphertext at rest once accepted, too.
    assert _raw("clients_precaution", "note", precaution.pk).startswith("fernet:")
    assert _raw("clients_client", "room_wishes_note", record.pk).startswith("fernet:")


def test_the_teacher_may_edit_a_part_before_accepting_it(client, world, sent):
    invitation, token = sent
    _post(client, token)
    invitation.refresh_from_db()
    response = _accept(
        world,
        invitation,
        "precaution-1",
        **{"precaution-1-restricted_movements": ["twist"]},
    )
    assert response.status_code == 302
    assert Precaution.objects.get(client=invitation.client).restricted_movements == ["twist"]


def test_a_bad_edit_comes_back_with_what_was_typed(client, world, sent):
    invitation, token = sent
    _post(client, token)
    invitation.refresh_from_db()
    response = _accept(
        world,
        invitation,
        "precaution-1",
        **{"precaution-1-condition": "", "precaution-1-note": "kept"},
    )
    assert response.status_code == 400 and "kept" in response.text
    assert "precaution-1" not in IntakeInvitation.objects.get(pk=invitation.pk).decisions


def test_a_discarded_part_never_joins_the_record(client, world, sent):
    invitation, token = sent
    _post(client, token)
    page = reverse(
        "intake_link_decide",
        args=[world.studio.code, invitation.client.code, invitation.code, "trigger-1"],
    )
    response = world.client_for(world.bob).post(page, {"decision": "discard"})
    assert response.status_code == 302
    assert not Trigger.objects.filter(client=invitation.client).exists()
    again = world.client_for(world.bob).post(page, {"decision": "accept"})
    assert again.status_code == 400 and "already reviewed" in again.text


def test_every_step_is_audited_without_her_words(client, world, sent):
    invitation, token = sent
    client.get(_url(token))
    client.get(_url(token))  # the first opening only
    _post(client, token)
    invitation.refresh_from_db()
    _accept(world, invitation, "touch")
    world.client_for(world.bob).post(
        reverse(
            "intake_link_decide",
            args=[world.studio.code, invitation.client.code, invitation.code, "trigger-1"],
        ),
        {"decision": "discard"},
    )
    trail = AuditEvent.objects.filter(record_type="intake link", record_code=invitation.code)
    summaries = list(trail.order_by("at", "pk").values_list("summary", flat=True))
    assert summaries == [
        "intake link sent",
        "intake link opened by the client",
        "intake answers arrived through the link",
        "intake link: touch consent accepted into the record",
        "intake link: trigger and what helps discarded",
    ]
    # Through the link: no person and no address in the trail.
    arrived = trail.get(summary="intake answers arrived through the link")
    assert arrived.actor is None and arrived.ip_address is None
    everything = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert not any(value in everything for value in [*WORDS.values(), "Sunny"])


# --- The teacher's side ----------------------------------------------------------------------


def test_sending_shows_the_link_once_with_a_qr_code(world, client_record_row):
    send = reverse("intake_link_send", args=[world.studio.code, client_record_row.code])
    page = world.client_for(world.bob).post(send)
    assert page.status_code == 200
    address = re.search(r"/i/([A-Z2-7-]{19})/", page.text).group(1)
    assert IntakeInvitation.find(address) is not None
    assert 'class="qr-code"' in page.text and "shown only now" in page.text
    detail = world.client_for(world.bob).get(client_record_row.get_absolute_url()).text
    assert address not in detail and "not opened yet" in detail


def test_a_reloaded_welcome_sheet_keeps_the_link_already_printed(world, client_record_row):
    send = reverse("intake_link_send", args=[world.studio.code, client_record_row.code])
    teacher = world.client_for(world.bob)
    once = {ONCE_FIELD: "a" * 32}
    first = teacher.post(send, once)
    address = re.search(r"/i/([A-Z2-7-]{19})/", first.text).group(1)
    again = teacher.post(send, once)  # the browser's reload sends the form again
    assert again.status_code == 302
    assert IntakeInvitation.find(address) is not None
    assert IntakeInvitation.objects.filter(client=client_record_row).count() == 1


def test_assistants_see_that_answers_arrived_and_nothing_of_them(client, world, sent):
    invitation, token = sent
    _post(client, token)
    page = world.client_for(world.ada).get(invitation.client.get_absolute_url()).text
    assert "Answers to review" in page
    assert "Review the answers" not in page
    for value in [*WORDS.values(), "Sunny", "sunny@example.org"]:
        assert value not in page


def test_the_to_do_list_names_answers_waiting_for_review(client, world, sent):
    invitation, token = sent
    invitation.client.care_team.add(world.bob)
    SessionFactory(studio=world.studio, teacher=world.bob, clients=[invitation.client])
    _post(client, token)
    dashboard = reverse("studio_dashboard", args=[world.studio.code])
    page = world.client_for(world.bob).get(dashboard).text
    review = reverse(
        "intake_link_review", args=[world.studio.code, invitation.client.code, invitation.code]
    )
    assert "Intake answers to review" in page and review in page
    assert "Intake answers to review" not in world.client_for(world.ada).get(dashboard).text


def test_export_and_erasure_include_the_draft(client, world, sent):
    invitation, token = sent
    _post(client, token)
    exported = client_record(invitation.client, world.alice)["intake_links"]
    answers = {line["answer"] for part in exported[0]["parts"] for line in part["answers"]}
    assert WORDS["trigger_1_helps"] in answers and exported[0]["status"] == "submitted"
    client_erase(client=invitation.client, by=world.alice.user)
    assert not IntakeInvitation.objects.filter(pk=invitation.pk).exists()
