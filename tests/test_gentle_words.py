"""Gentle notes beside client-facing text: what they find, and where teachers see them."""

import logging

import pytest
from django.urls import reverse

from clients.models import AuditEvent
from practice.gentle_words import CHECKED_LENGTH, gentle_notes
from routines.models import HandoutSettings, Modification, RoutineStep
from tests.factories import (
    ClientFactory,
    ModificationFactory,
    NoteFactory,
    PoseFactory,
    RoutineStepFactory,
    SessionFactory,
)
from tests.wording_cues import DIRECTIVE_CUES, INVITATIONAL_CUES

HTMX = {"HTTP_HX_REQUEST": "true"}
NOTE = "may read as an instruction"


# --- The check ------------------------------------------------------------------------------


def test_the_labelled_sets_are_large_enough():
    assert len(DIRECTIVE_CUES) >= 100
    assert len(INVITATIONAL_CUES) >= 100
    assert not set(DIRECTIVE_CUES) & set(INVITATIONAL_CUES)


def test_nine_in_ten_directive_cues_get_a_note():
    missed = [cue for cue in DIRECTIVE_CUES if not gentle_notes(cue)]
    assert len(missed) <= 0.10 * len(DIRECTIVE_CUES), missed


def test_at_most_one_in_twenty_invitational_cues_gets_a_note():
    flagged = {cue: gentle_notes(cue) for cue in INVITATIONAL_CUES if gentle_notes(cue)}
    assert len(flagged) <= 0.05 * len(INVITATIONAL_CUES), flagged


@pytest.mark.parametrize(
    "cue",
    [
        "You might notice the urge to push, and let it go.",
        "No need to hold your breath.",
        "If you like, stay here.",
    ],
)
def test_the_tricky_invitations_the_issue_names_get_no_note(cue):
    assert cue in INVITATIONAL_CUES
    assert gentle_notes(cue) == []


def test_a_note_names_the_words_found_and_offers_a_kinder_wording():
    (note,) = gentle_notes("Relax your shoulders.")
    assert note.words == "Relax your shoulders"
    assert note.suggestion == "perhaps “you might let your shoulders soften, if you like”"


def test_notes_come_in_the_order_of_the_text_and_keep_the_teachers_apostrophes():
    notes = gentle_notes("You must breathe. Don\u2019t lock your knees. Relax!")
    assert [note.words for note in notes] == ["You must", "Don\u2019t lock", "Relax!"]


def test_a_very_long_text_is_checked_only_up_to_its_limit():
    text = "You might rest. " * (CHECKED_LENGTH // 16) + "Push harder."
    assert len(text) > CHECKED_LENGTH
    assert gentle_notes(text) == []


# --- The htmx check -------------------------------------------------------------------------


def _check(client, studio, field: str, text: str, **extra):
    url = reverse("wording_note", args=[studio.code]) + f"?field={field}"
    return client.post(url, {field: text}, **HTMX, **extra)


def test_the_check_answers_the_note_for_the_typed_text(world):
    response = _check(world.client_for(world.alice), world.studio, "cue", "push deeper")
    assert response.status_code == 200
    assert "“<bdi>push deeper</bdi>” may read as an instruction" in response.text
    assert "you might stay where it feels kind" in response.text


def test_the_check_answers_nothing_for_an_invitation_or_a_missing_field(world):
    client = world.client_for(world.bob)
    assert NOTE not in _check(client, world.studio, "cue", "If you like, stay here.").text
    url = reverse("wording_note", args=[world.studio.code])
    response = client.post(url, {"cue": "Push!"}, **HTMX)
    assert response.status_code == 200
    assert NOTE not in response.text


def test_an_assistant_may_not_use_the_check(world):
    response = _check(world.client_for(world.ada), world.studio, "cue", "Relax!")
    assert response.status_code == 403


def test_another_studios_member_gets_404_from_the_check(world):
    response = _check(world.client_for(world.charlie), world.studio, "cue", "Relax!")
    assert response.status_code == 404


def test_the_check_is_a_post_so_the_text_never_travels_in_an_address(world):
    url = reverse("wording_note", args=[world.studio.code])
    assert world.client_for(world.alice).get(url, {"cue": "Relax!"}).status_code == 405


def test_the_check_audits_and_logs_nothing_of_the_text(world, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Relax your shoulders, Marguerite-Quillon"
    _check(world.client_for(world.alice), world.studio, "try_next", secret)
    assert AuditEvent.objects.count() == 0
    assert "Marguerite-Quillon" not in caplog.text


# --- Beside each field ----------------------------------------------------------------------


def test_a_step_cue_shows_its_note_when_the_editor_opens(world):
    step = RoutineStepFactory(routine__studio=world.studio, cue="Push deeper into the stretch.")
    url = reverse("step_edit", args=[world.studio.code, step.routine.code, step.code])
    page = world.client_for(world.alice).get(url, **HTMX).text
    assert "push deeper" in page.lower() and NOTE in page
    assert 'hx-trigger="input changed delay:500ms"' in page
    assert reverse("wording_note", args=[world.studio.code]) + "?field=cue" in page


def test_a_step_cue_with_such_words_is_saved_and_its_note_shown_after_saving(world):
    step = RoutineStepFactory(routine__studio=world.studio)
    routine = step.routine
    url = reverse("step_edit", args=[world.studio.code, routine.code, step.code])
    data = {"version": routine.version, "hold_breaths": 5, "sides": step.sides}
    client = world.client_for(world.alice)
    response = client.post(url, {**data, "cue": "Go deeper."}, **HTMX)
    assert response.status_code == 200
    assert RoutineStep.objects.get(pk=step.pk).cue == "Go deeper."
    assert NOTE in response.text
    # Without JavaScript the builder opens on the saved step's editor, note and all.
    routine.refresh_from_db()
    response = client.post(url, {**data, "version": routine.version, "cue": "Go deeper!"})
    assert response.status_code == 302
    page = client.get(response.url).text
    assert NOTE in page and "Go deeper!" in page


def test_an_invitational_cue_saves_without_reopening_the_editor(world):
    step = RoutineStepFactory(routine__studio=world.studio)
    routine = step.routine
    url = reverse("step_edit", args=[world.studio.code, routine.code, step.code])
    data = {"version": routine.version, "hold_breaths": 5, "sides": step.sides}
    response = world.client_for(world.bob).post(url, {**data, "cue": "If you like, stay here."})
    assert response.url == routine.get_absolute_url()


def test_an_assistant_cannot_open_a_step_editor(world):
    step = RoutineStepFactory(routine__studio=world.studio, cue="Relax!")
    url = reverse("step_edit", args=[world.studio.code, step.routine.code, step.code])
    assert world.client_for(world.ada).get(url, **HTMX).status_code == 403


def test_a_studio_poses_steps_show_their_note(world):
    pose = PoseFactory(studio=world.studio, steps=["Lie down.", "You must hold it."])
    url = reverse("pose_edit", args=[world.studio.code, pose.code])
    page = world.client_for(world.alice).get(url).text
    assert "You must" in page and NOTE in page
    assert world.client_for(world.ada).get(url).status_code == 403


def test_a_modifications_instructions_and_steps_show_their_notes(world):
    modification = ModificationFactory(
        pose__studio=world.studio,
        instructions="Relax your hips.",
        steps=["If you like, sit on a chair.", "Squeeze your glutes."],
    )
    url = reverse(
        "modification_edit", args=[world.studio.code, modification.pose.code, modification.code]
    )
    page = world.client_for(world.alice).get(url).text
    assert "you might let your hips soften" in page
    assert "Squeeze" in page and page.count(NOTE) == 2
    assert world.client_for(world.ada).get(url).status_code == 403


def test_the_handout_texts_show_their_note_and_saving_keeps_todays_rule(world):
    settings_row = HandoutSettings.for_studio(world.studio)
    settings_row.safety_text += "\nYou should feel a strong stretch."
    settings_row.save()
    url = reverse("handout_settings", args=[world.studio.code])
    page = world.client_for(world.alice).get(url).text
    assert "You should feel" in page and NOTE in page
    assert world.client_for(world.ada).get(url).status_code == 403


def test_the_session_notes_part_for_the_client_shows_its_note(world):
    client_record = ClientFactory(studio=world.studio)
    session = SessionFactory(studio=world.studio, teacher=world.alice, clients=[client_record])
    NoteFactory(
        client=client_record,
        author=world.alice.user,
        session=session,
        try_next="No pain, no gain: hold the lunge longer.",
        privacy="care_team",
    )
    url = reverse("session_note", args=[world.studio.code, session.code, client_record.code])
    page = world.client_for(world.alice).get(url).text
    assert "No pain, no gain" in page and NOTE in page
    assert world.client_for(world.ada).get(url).status_code == 403


def test_a_modification_with_such_words_is_saved_and_its_edit_page_shows_the_note(world):
    pose = PoseFactory(studio=world.studio, attributes=["supine"])
    url = reverse("modification_create", args=[world.studio.code, pose.code])
    data = {
        "name": "Knees hugged in",
        "instructions": "Hold it and go deeper.",
        "steps": "Lie on your back.\nYou must hug your knees.\nWhenever you like, let go.",
        "props": [],
    }
    client = world.client_for(world.bob)
    assert client.post(url, data).status_code == 302  # a note, never a refusal
    modification = Modification.objects.get(studio=world.studio, name="Knees hugged in")
    edit = reverse("modification_edit", args=[world.studio.code, pose.code, modification.code])
    page = client.get(edit).text
    assert "Hold it" in page and "You must" in page and page.count(NOTE) == 3


def _editor_pages(world) -> list[tuple[str, list[str]]]:
    """Every editor of client-facing text the issue lists, with its checked fields."""
    step = RoutineStepFactory(routine__studio=world.studio)
    pose = PoseFactory(studio=world.studio)
    modification = ModificationFactory(pose=pose, studio=world.studio)
    client_record = ClientFactory(studio=world.studio)
    session = SessionFactory(studio=world.studio, teacher=world.alice, clients=[client_record])
    code = world.studio.code
    return [
        (reverse("step_edit", args=[code, step.routine.code, step.code]), ["cue"]),
        (reverse("pose_edit", args=[code, pose.code]), ["steps"]),
        (
            reverse("modification_edit", args=[code, pose.code, modification.code]),
            ["instructions", "steps"],
        ),
        (
            reverse("handout_settings", args=[code]),
            ["safety_text", "choice_text", "card_welcome_text", "card_no_touch_text"],
        ),
        (reverse("session_note", args=[code, session.code, client_record.code]), ["try_next"]),
    ]


def test_every_listed_field_is_checked_as_the_teacher_types(world):
    check = reverse("wording_note", args=[world.studio.code])
    client = world.client_for(world.alice)
    for url, fields in _editor_pages(world):
        page = client.get(url, **HTMX).text
        for name in fields:
            assert f'hx-post="{check}?field={name}"' in page, (url, name)
            assert f'hx-params="{name}"' in page, (url, name)
        assert page.count('hx-trigger="input changed delay:500ms"') == len(fields), url


def test_a_studio_poses_steps_saved_with_such_words_show_their_note_on_return(world):
    pose = PoseFactory(studio=world.studio, steps=["Lie down.", "Rest here."])
    url = reverse("pose_edit", args=[world.studio.code, pose.code])
    client = world.client_for(world.alice)
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("image", "alternatives")
    }
    data["steps"] = "Lie down.\nPush further with every exhale."
    data["category"], data["position"] = pose.category, pose.position
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    pose.refresh_from_db()
    assert pose.steps[1] == "Push further with every exhale."
    page = client.get(url).text
    assert "Push further" in page and NOTE in page
