"""The safety checker in the builder, the picker, the library, the print page and on paper."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.models import AuditEvent, Precaution
from clients.vocabulary import BodySide, Condition, TriggerCategory
from routines.builder.advisories import routine_safety
from routines.models import Routine
from tests.factories import (
    ClientFactory,
    ModificationFactory,
    PoseFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    TriggerFactory,
    library_pose,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
REASON = "Cleared by her physio on 3 Dec"


@pytest.fixture
def rosa(world):
    client = ClientFactory(studio=world.studio, preferred_name="Rosa", full_name="Rosa Delgado")
    PrecautionFactory(
        client=client,
        side=BodySide.LEFT,
        end_date=timezone.localdate() + timedelta(weeks=6),
        note="Surgeon: nothing past ninety degrees",
    )
    return client


@pytest.fixture
def routine(world, rosa):
    routine = RoutineFactory(studio=world.studio, client=rosa, title="Steady hips")
    for position, slug in enumerate(["happy-baby", "knees-to-chest", "childs-pose"], start=1):
        RoutineStepFactory(routine=routine, position=position, pose=library_pose(slug))
    return routine


def _url(name, routine, *extra):
    return reverse(name, args=[routine.studio.code, routine.code, *extra])


def _step(routine, slug):
    return routine.steps.get(pose__slug=slug)


def _fix(world, routine, step, pose_slug, modification_slug="", membership=None, version=None):
    pose = library_pose(pose_slug)
    modification = pose.modifications.get(slug=modification_slug) if modification_slug else None
    return world.client_for(membership or world.bob).post(
        _url("step_fix", routine, step.code),
        {
            "version": version or routine.version,
            "pose": pose.code,
            "modification": modification.code if modification else "",
        },
        headers=HTMX,
    )


def _keep(world, routine, step, reason=REASON, membership=None, version=None):
    return world.client_for(membership or world.bob).post(
        _url("step_keep", routine, step.code),
        {"version": version or routine.version, "reason": reason},
        headers=HTMX,
    )


def _summary(routine):
    routine = Routine.objects.select_related("client").get(pk=routine.pk)
    return routine_safety(routine, list(routine.steps.select_related("pose", "modification")))


# --- Builder ------------------------------------------------------------------------------


def test_the_builder_flags_the_three_poses_with_reason_badge_and_summary(world, routine):
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert "Safety check for Rosa:</strong> 3 conflicts, 0 heads-ups." in page
    assert page.count("safety-badge safety-conflict") == 3
    assert "1 conflict</span>" in page  # the badge says it in words, not only in colour
    # The reason names the joint, its angle from the figure and the client's limit.
    assert (
        "Happy baby bends the left hip to about 150°; Rosa&#x27;s limit is 90° of flexion" in page
    )
    # The client's own precaution note is shown beside the advisory it explains.
    assert "Surgeon: nothing past ninety degrees" in page
    assert "Eannucci" in page  # the rule's source, behind "Source"
    assert "Choose “Calves resting on a chair”" in page
    assert "Keep as it is" in page
    # The page's one view of the record covers the advisories on it.
    event = AuditEvent.objects.get(record_type="routine", record_code=routine.code)
    assert event.client == routine.client
    assert "Surgeon" not in event.summary


def test_a_routine_for_nobody_says_why_it_shows_no_advisories(world, routine):
    Routine.objects.filter(pk=routine.pk).update(client=None)
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert "not tailored for anyone" in page
    assert "safety-badge" not in page


def test_assistants_never_see_advisories(world, routine):
    page = world.client_for(world.ada).get(routine.get_absolute_url()).text
    assert "Happy baby" in page
    assert "hip replacement" not in page
    assert "Safety check" not in page
    assert "safety-badge" not in page


def test_one_click_applies_a_modification_and_the_badge_goes(world, routine):
    step = _step(routine, "knees-to-chest")
    response = _fix(world, routine, step, "knees-to-chest", "calves-on-chair")
    assert response.status_code == 200
    step.refresh_from_db()
    assert step.modification.slug == "calves-on-chair"
    assert "Safety check for Rosa:</strong> 2 conflicts" in response.text
    routine.refresh_from_db()
    assert routine.version == 2


def test_one_click_swaps_for_an_alternative_with_its_modification(world, routine):
    step = _step(routine, "happy-baby")
    response = _fix(world, routine, step, "knees-to-chest", "calves-on-chair")
    assert response.status_code == 200
    step.refresh_from_db()
    assert (step.pose.slug, step.modification.slug) == ("knees-to-chest", "calves-on-chair")
    assert _summary(routine).summary.unresolved == 2


def test_a_fix_from_an_old_page_is_refused_with_the_conflict_message(world, routine):
    step = _step(routine, "knees-to-chest")
    _fix(world, routine, _step(routine, "childs-pose"), "constructive-rest")
    response = _fix(world, routine, step, "knees-to-chest", "calves-on-chair", version=1)
    assert response.status_code == 409
    assert "Someone else changed this routine" in response.text
    step.refresh_from_db()
    assert step.modification is None


def test_a_fix_cannot_name_another_pose_or_another_studios_modification(world, routine):
    step = _step(routine, "knees-to-chest")
    assert _fix(world, routine, step, "mountain-pose").status_code == 400
    foreign = ModificationFactory(pose=library_pose("knees-to-chest"), studio=world.other_studio)
    response = world.client_for(world.bob).post(
        _url("step_fix", routine, step.code),
        {"version": routine.version, "pose": step.pose.code, "modification": foreign.code},
    )
    assert response.status_code == 400
    step.refresh_from_db()
    assert step.modification is None


def test_keep_as_it_is_stores_the_reason_and_audits_without_it(world, routine):
    step = _step(routine, "childs-pose")
    response = _keep(world, routine, step)
    assert response.status_code == 200
    assert "Kept with a reason" in response.text
    assert "Safety check for Rosa:</strong> 2 conflicts, 0 heads-ups, 1 kept" in response.text
    step.refresh_from_db()
    assert step.kept_reason == REASON
    assert step.kept_by == world.bob.user
    event = AuditEvent.objects.get(record_type="routine step")
    assert (event.action, event.client, event.record_code) == ("change", routine.client, step.code)
    assert "physio" not in event.summary
    with connection.cursor() as cursor:  # encrypted at rest like every health detail
        cursor.execute("select kept_reason from routines_routinestep where id = %s", [step.pk])
        assert "physio" not in cursor.fetchone()[0]


def test_keep_needs_a_reason_and_the_current_version(world, routine):
    step = _step(routine, "childs-pose")
    empty = _keep(world, routine, step, reason="   ")
    assert empty.status_code == 400
    assert "Please say in a few words why" in empty.text
    _fix(world, routine, _step(routine, "knees-to-chest"), "knees-to-chest", "calves-on-chair")
    stale = _keep(world, routine, step, version=1)
    assert stale.status_code == 409
    step.refresh_from_db()
    assert step.kept_reason == ""


@pytest.mark.parametrize("name", ["step_keep", "step_fix"])
def test_assistants_get_403_and_other_studios_404(world, routine, name):
    step = _step(routine, "childs-pose")
    url = _url(name, routine, step.code)
    data = {"version": routine.version, "reason": REASON, "pose": step.pose.code}
    assert world.client_for(world.ada).post(url, data).status_code == 403
    assert world.client_for(world.charlie).post(url, data).status_code == 404
    step.refresh_from_db()
    assert step.kept_reason == ""


def test_a_swap_forgets_the_reason_given_for_the_old_pose(world, routine):
    step = _step(routine, "childs-pose")
    _keep(world, routine, step)
    routine.refresh_from_db()
    world.client_for(world.bob).post(
        _url("step_swap", routine, step.code),
        {"version": routine.version, "pose": library_pose("knees-to-chest").code},
    )
    step.refresh_from_db()
    assert (step.kept_reason, step.kept_conflicts) == ("", [])


def test_a_new_precaution_raises_a_new_conflict_on_a_kept_step(world, routine):
    step = _step(routine, "childs-pose")
    _keep(world, routine, step)
    PrecautionFactory(
        client=routine.client,
        condition=Condition.KNEE_INJURY,
        restricted_movements=["kneeling_load"],
    )
    check = _summary(routine).for_step(step)
    assert len(check.kept) == 1
    assert [a.movement for a in check.unresolved] == ["kneeling_load"]


def test_advisories_follow_the_client_the_routine_is_tailored_for(world, routine):
    mei = ClientFactory(studio=world.studio, preferred_name="Mei")
    TriggerFactory(client=mei, category=TriggerCategory.LYING_ON_BACK)
    Routine.objects.filter(pk=routine.pk).update(client=mei)
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert "Safety check for Mei:</strong> 0 conflicts, 2 heads-ups." in page
    assert "Mei&#x27;s trigger, lying on the back" in page


def test_the_builder_with_advisories_costs_the_same_for_more_steps_and_precautions(
    world, routine, django_assert_num_queries
):
    client = world.client_for(world.bob)
    client.get(routine.get_absolute_url())

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(routine.get_absolute_url()).status_code == 200
        return len(context)

    three_steps = count()
    for position in range(4, 13):
        RoutineStepFactory(routine=routine, position=position, pose=library_pose("lizard"))
    PrecautionFactory(client=routine.client, condition=Condition.KNEE_INJURY)
    PrecautionFactory(client=routine.client, condition=Condition.PREGNANCY)
    TriggerFactory(client=routine.client, category=TriggerCategory.SOMEONE_BEHIND)
    with django_assert_num_queries(three_steps):
        client.get(routine.get_absolute_url())
    # The 4 of the builder without a client (tests/test_builder.py), plus: the client's
    # precautions and triggers, the poses' modifications, their alternatives and the
    # alternatives' modifications for the fixes, the audit entry of this view of the client's
    # record, and the "tailored for" chooser's current client (its name, without the
    # encrypted columns). The picker's results come in a request of their own.
    assert three_steps == 11


# --- Picker and library ---------------------------------------------------------------------


def test_the_picker_hides_poses_that_do_not_suit_and_can_show_them(world, routine):
    client = world.client_for(world.bob)
    hidden = client.get(_url("step_picker", routine), {"q": "knees"}, headers=HTMX).text
    assert 'Add<span class="visually-hidden"> Knees to chest' not in hidden
    page = client.get(routine.get_absolute_url()).text
    assert 'aria-describedby="picker-suits-help" checked' in page  # on by default
    assert "Suits Rosa" in page
    shown = client.get(
        _url("step_picker", routine), {"q": "knees", "picker": "1"}, headers=HTMX
    ).text
    assert "Knees to chest" in shown
    assert "Conflicts for Rosa: hip flexion past 90°" in shown
    assert "suits with “Calves resting on a chair”" in shown
    assert (
        "✓</span> Suits Rosa"
        in client.get(_url("step_picker", routine), {"q": "constructive"}, headers=HTMX).text
    )


def test_the_picker_says_what_it_hid_and_why_with_a_link_that_shows_it(world, routine):
    client = world.client_for(world.bob)
    answer = client.get(_url("step_picker", routine), {"q": "happy baby"}, headers=HTMX).text
    assert "No poses match" not in answer
    assert "Happy baby is hidden: it conflicts with Rosa's precautions." in answer
    no_javascript = f"{routine.get_absolute_url()}?q=happy%20baby&amp;picker=1#picker"
    assert f'<a href="{no_javascript}"' in answer
    page = client.get(no_javascript.replace("&amp;", "&")).text
    assert 'Add<span class="visually-hidden"> Happy baby</span>' in page
    assert "is hidden" not in page
    assert 'aria-describedby="picker-suits-help" checked' not in page


def test_showing_what_the_picker_hid_turns_its_filter_off(world, routine):
    revealed = world.client_for(world.bob).get(
        _url("step_picker", routine),
        {"q": "happy baby", "picker": "1", "reveal": "1"},
        headers=HTMX,
    )
    assert 'Add<span class="visually-hidden"> Happy baby</span>' in revealed.text
    assert '<div id="picker-filter" hx-swap-oob="true">' in revealed.text
    assert 'id="picker-suits"' in revealed.text
    assert 'aria-describedby="picker-suits-help" checked' not in revealed.text


def test_the_picker_names_several_hidden_poses_and_keeps_what_suits(world, routine):
    answer = (
        world.client_for(world.bob)
        .get(_url("step_picker", routine), {"q": "twist"}, headers=HTMX)
        .text
    )
    # Butterfly, drawn with the hips at about 90°, is only a heads-up for a 90° limit now, so
    # the search is for twists: Reclined twist lays the left leg across on one side, Thread the
    # needle sits the hips back past 90°; the chair twist suits.
    assert 'Add<span class="visually-hidden"> Seated chair twist</span>' in answer
    assert (
        "2 matching poses are hidden (Reclined twist, Thread the needle): they conflict with "
        "Rosa's precautions." in answer
    )
    assert "Show them" in answer


def test_a_search_that_matches_nothing_still_says_so(world, routine):
    answer = (
        world.client_for(world.bob)
        .get(_url("step_picker", routine), {"q": "zzzz"}, headers=HTMX)
        .text
    )
    assert "No poses match “zzzz”" in answer
    assert "hidden" not in answer


def test_a_routine_for_no_client_hides_nothing_and_names_nothing(world, routine):
    answer = (
        world.client_for(world.alice)
        .get(_url("step_picker", routine), {"q": "happy baby"}, headers=HTMX)
        .text
    )
    assert "Happy baby is hidden" in answer  # the owner is told, for Rosa
    routine.client = None
    routine.save()
    untailored = (
        world.client_for(world.alice)
        .get(_url("step_picker", routine), {"q": "happy baby"}, headers=HTMX)
        .text
    )
    assert "is hidden" not in untailored


def test_the_library_leaves_out_several_movements(world):
    url = reverse("pose_list", args=[world.studio.code])
    response = world.client_for(world.ada).get(url, {"without": ["hip_flexion_past_90", "supine"]})
    poses = response.context["poses"]
    assert poses
    assert not any({"hip_flexion_past_90", "supine"} & set(p.attributes) for p in poses)
    assert "Mountain pose" in {p.name for p in poses}


def test_the_library_shows_what_suits_a_client_and_audits_it(world, routine):
    url = reverse("pose_list", args=[world.studio.code])
    response = world.client_for(world.bob).get(url, {"suits": str(routine.client.code)})
    names = {p.name for p in response.context["poses"]}
    assert "Constructive rest" in names
    assert not {"Happy baby", "Knees to chest", "Child's pose"} & names
    assert AuditEvent.objects.filter(record_type="safety check", client=routine.client).exists()
    # The choice stays chosen in the filter's client chooser, by code.
    assert f'name="suits" value="{routine.client.code}" checked' in response.text
    assistant = world.client_for(world.ada).get(url, {"suits": str(routine.client.code)})
    assert "Suits client" not in assistant.text
    assert "Happy baby" in {p.name for p in assistant.context["poses"]}


# --- Print page, handout and teacher sheet ---------------------------------------------------


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_print_page_summarises_and_the_handout_asks_first(world, routine):
    page = world.client_for(world.bob).get(_url("routine_print", routine)).text
    assert "Safety check for Rosa" in page
    assert "3 conflicts, 0 heads-ups" in page
    assert "Happy baby bends the left hip to about 150°" in page
    assistant_page = world.client_for(world.ada).get(_url("routine_print", routine)).text
    assert "3 conflicts" in assistant_page
    assert "hip replacement" not in assistant_page
    question = world.client_for(world.ada).get(_url("routine_handout", routine))
    assert question["Content-Type"].startswith("text/html")
    assert "Print the client handout anyway?" in question.text
    assert not AuditEvent.objects.filter(action="print").exists()
    printed = world.client_for(world.ada).get(_url("routine_handout", routine), {"confirmed": "1"})
    assert printed["Content-Type"] == "application/pdf"


def test_a_routine_whose_conflicts_are_resolved_prints_straight_away(world, routine):
    for step in routine.steps.all():
        _keep(world, routine, step)
        routine.refresh_from_db()
    response = world.client_for(world.bob).get(_url("routine_handout", routine))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    for private in (REASON, "hip replacement", "past 90", "Eannucci", "Conflict"):
        assert private.lower() not in text.lower(), private


def test_the_teacher_sheet_lists_advisories_fixes_kept_notes_and_is_marked(world, routine):
    TriggerFactory(client=routine.client, category=TriggerCategory.SOMEONE_BEHIND)
    _keep(world, routine, _step(routine, "happy-baby"))
    response = world.client_for(world.bob).get(_url("routine_teacher_sheet", routine))
    reader = PdfReader(io.BytesIO(response.content))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(pages)
    for phrase in (
        "Conflict, kept: Happy baby bends the left hip to about 150°",
        f"Kept as it is: “{REASON}”",
        "Conflict: Knees to chest bends the left hip to about 115°",
        "What might help: Choose “Calves resting on a chair”",
        "Heads-up: Child's pose folds forward on the knees, with the back to the room: Rosa's "
        "trigger, someone behind them",
        "Source: Eannucci",
        "About this pose: Hip flexion goes well past 90 degrees",
    ):
        assert phrase in text, phrase
    assert all("CONFIDENTIAL · teacher sheet for Rosa" in page for page in pages)
    assert all("never in a client's hands" in page for page in pages)


# --- Demo -------------------------------------------------------------------------------


def test_the_demo_shows_a_fix_a_kept_conflict_and_heads_ups():
    call_command("seed_demo")
    rosas = Routine.objects.get(title="Steady hips, week six")
    safety = _summary(rosas)
    assert (safety.summary.unresolved, safety.summary.kept) == (0, 1)
    assert safety.summary.heads_ups >= 1
    fixed = rosas.steps.get(pose__slug="knees-to-chest")
    assert fixed.modification.slug == "calves-on-chair"
    hip = Precaution.objects.get(client=rosas.client, condition=Condition.HIP_REPLACEMENT_POSTERIOR)
    assert hip.restricted_movements  # the fix answers a real restriction
    meis = _summary(Routine.objects.get(title="Evening ease for Mei"))
    assert meis.summary.unresolved == 0
    assert meis.summary.heads_ups >= 2


def test_a_studio_pose_marked_with_hands_on_help_raises_a_heads_up_for_no_touch(world, routine):
    pose = PoseFactory(
        studio=world.studio, name="Assisted rest", attributes=["hands_on_help"], teacher_notes=""
    )
    RoutineStepFactory(routine=routine, position=4, pose=pose)
    client = routine.client
    client.touch_consent = "no"
    client.save()
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert "The teacher offers hands-on help in Assisted rest: Rosa has said no to touch" in page


def test_naming_what_the_picker_hid_costs_one_query_however_much_it_hid(world, routine):
    client = world.client_for(world.bob)

    def count(query: str, **filter_off) -> int:
        with CaptureQueriesContext(connection) as context:
            client.get(_url("step_picker", routine), {"q": query, **filter_off}, headers=HTMX)
        return len(context)

    several = client.get(_url("step_picker", routine), {"q": "hip"}, headers=HTMX).text
    assert "matching poses are hidden" in several
    one_hidden, several_hidden = count("happy baby"), count("hip")
    assert one_hidden == several_hidden
    # With the filter off nothing is hidden, and the hidden names are not looked up.
    assert count("hip", picker="1") == several_hidden - 1


def test_words_in_teacher_notes_never_raise_a_touch_heads_up(world, routine):
    pose = PoseFactory(
        studio=world.studio,
        name="Belly rest",
        attributes=[],
        teacher_notes="Hands on the belly, a hands-on assist if asked",
    )
    RoutineStepFactory(routine=routine, position=4, pose=pose)
    client = routine.client
    client.touch_consent = "no"
    client.save()
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert "hands-on help in Belly rest" not in page


def test_a_fix_that_would_repeat_another_steps_version_says_so(world, routine):
    calves = library_pose("knees-to-chest").modifications.get(slug="calves-on-chair")
    RoutineStepFactory(
        routine=routine, position=4, pose=library_pose("knees-to-chest"), modification=calves
    )
    step = routine.steps.get(pose__slug="knees-to-chest", modification=None)
    check = _summary(routine).for_step(step)
    repeated = [fix for fix in check.fixes if fix.modification == calves]
    assert repeated and repeated[0].same_as_step == 4
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert "Step 4 already is this version" in page
