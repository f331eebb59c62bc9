import pytest
from django.urls import reverse

from routines.models import Routine
from tests.factories import PoseFactory, RoutineFactory, RoutineStepFactory, library_pose

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def routine(world):
    routine = RoutineFactory(studio=world.studio, title="Gentle hips")
    for position, slug in enumerate(["belly-breathing", "butterfly", "constructive-rest"], 1):
        RoutineStepFactory(routine=routine, position=position, pose=library_pose(slug))
    return routine


def _url(name, routine, *extra):
    return reverse(name, args=[routine.studio.code, routine.code, *extra])


def _order(routine):
    return list(routine.steps.values_list("pose__slug", flat=True))


def test_instructors_get_the_builder_and_assistants_a_read_only_view(world, routine):
    builder = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert "Add a pose" in builder
    assert "data-sortable" in builder
    read_only = world.client_for(world.ada).get(routine.get_absolute_url()).text
    assert "Butterfly" in read_only
    assert "Add a pose" not in read_only
    assert "Save step" not in read_only


def test_the_builder_costs_the_same_queries_for_any_number_of_steps(
    world, routine, django_assert_num_queries
):
    client = world.client_for(world.bob)
    client.get(routine.get_absolute_url())

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get(routine.get_absolute_url()).status_code == 200
        return len(context)

    three_steps = count()
    for position in range(4, 13):
        RoutineStepFactory(routine=routine, position=position, pose=library_pose("lizard"))
    with django_assert_num_queries(three_steps):
        client.get(routine.get_absolute_url())
    # 1 session, 2 user, 3 routine and its client, 4 steps with poses and chosen modifications
    # (her memberships are kept from her first page: practice/memberships.py). Each step's editor
    # (its modifications and alternatives) is loaded only when opened, and the picker's results
    # once the page is shown; the "tailored for" chooser lists no clients (and this routine has
    # none to look up); the session is not saved when nothing in it changed.
    assert three_steps == 4


def test_adding_a_step_over_htmx_returns_the_refreshed_builder(world, routine):
    response = world.client_for(world.bob).post(
        _url("step_add", routine), {"pose": library_pose("lizard").code}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="builder"')
    assert _order(routine)[-1] == "lizard"
    assert "4 steps" in response.text


def test_adding_without_javascript_redirects_back(world, routine):
    response = world.client_for(world.bob).post(
        _url("step_add", routine), {"pose": library_pose("lizard").code}
    )
    assert response.status_code == 302
    assert response["Location"] == routine.get_absolute_url()


def test_another_studios_pose_cannot_be_added_by_a_hand_made_post(world, routine):
    foreign = PoseFactory(studio=world.other_studio)
    response = world.client_for(world.bob).post(_url("step_add", routine), {"pose": foreign.code})
    assert response.status_code == 400
    assert "not in your library" in response.text
    assert len(_order(routine)) == 3


def test_step_editors_are_rendered_only_when_opened(world, routine):
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    # No step's form and no modification select on the page itself: each is fetched on opening.
    assert 'name="cue"' not in page and "The pose as it is" not in page
    for step in routine.steps.all():
        editor = _url("step_edit", routine, step.code)
        assert f'hx-get="{editor}?version={routine.version}"' in page
        # Without JavaScript the same editor opens on the builder page.
        assert f'href="{routine.get_absolute_url()}?edit={step.code}#edit-{step.code}"' in page


def test_an_opened_step_editor_carries_the_version_of_its_page(world, routine):
    step = routine.steps.get(pose__slug="butterfly")
    page_version = routine.version
    Routine.objects.filter(pk=routine.pk).update(version=page_version + 1)  # a teammate's change
    client = world.client_for(world.bob)
    editor = client.get(
        _url("step_edit", routine, step.code), {"version": page_version}, headers=HTMX
    ).text
    # The page's version, not the newest: saving it must meet the teammate's change.
    assert f'name="version" value="{page_version}" id="step-version-{step.code}"' in editor
    swap = editor.split('action="' + _url("step_swap", routine, step.code))[1]
    assert f'name="version" value="{page_version}"' in swap
    for modification in step.pose.modifications.all():
        assert f">{modification.name}</option>" in editor
    assert "Swap for an alternative" in editor
    assert "<html" not in editor  # a fragment for htmx
    mangled = client.get(_url("step_edit", routine, step.code), {"version": "x"}, headers=HTMX)
    assert f'value="{page_version + 1}"' in mangled.text


def test_without_javascript_a_step_editor_opens_on_the_builder_page(world, routine):
    step = routine.steps.get(pose__slug="butterfly")
    client = world.client_for(world.bob)
    response = client.get(_url("step_edit", routine, step.code))
    assert response.status_code == 302
    assert response["Location"] == (
        f"{routine.get_absolute_url()}?edit={step.code}#edit-{step.code}"
    )
    page = client.get(response["Location"]).text
    assert page.count('name="cue"') == 1  # that step's form only
    assert f'<details id="edit-{step.code}" class="step-edit" open>' in page
    assert f'name="version" value="{routine.version}" id="step-version-{step.code}"' in page


def test_editing_a_step_saves_cue_note_hold_and_modification(world, routine):
    step = routine.steps.get(position=2)
    modification = step.pose.modifications.first()
    response = world.client_for(world.bob).post(
        _url("step_edit", routine, step.code),
        {
            "version": routine.version,
            "modification": modification.code,
            "hold_breaths": "",
            "hold_seconds": "90",
            "sides": "na",
            "cue": "You might let your knees rest on the blocks.",
            "teacher_note": "Check in about the left knee. " * 40,
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    step.refresh_from_db()
    assert step.modification == modification
    assert step.hold_seconds == 90
    assert len(step.teacher_note) > 1000  # notes of practical length


def test_a_bad_step_edit_keeps_what_was_typed(world, routine):
    step = routine.steps.get(position=1)
    response = world.client_for(world.bob).post(
        _url("step_edit", routine, step.code),
        {
            "version": routine.version,
            "hold_breaths": "5",
            "hold_seconds": "30",
            "sides": "na",
            "cue": "My careful words",
        },
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "not both" in response.text
    assert "My careful words" in response.text


def test_a_modification_of_another_pose_is_not_a_valid_choice(world, routine):
    step = routine.steps.get(position=2)
    other = library_pose("childs-pose").modifications.first()
    response = world.client_for(world.bob).post(
        _url("step_edit", routine, step.code),
        {"version": routine.version, "modification": other.code, "sides": "na"},
    )
    assert response.status_code == 400
    step.refresh_from_db()
    assert step.modification is None


def test_the_second_of_two_concurrent_edits_gets_a_clear_message(world, routine):
    step = routine.steps.get(position=1)
    page_version = routine.version
    bob, alice = world.client_for(world.bob), world.client_for(world.alice)
    data = {"version": page_version, "sides": "na", "cue": "Bob's words"}
    assert bob.post(_url("step_edit", routine, step.code), data, headers=HTMX).status_code == 200
    data["cue"] = "Alice's words"
    response = alice.post(_url("step_edit", routine, step.code), data, headers=HTMX)
    assert response.status_code == 409
    assert "Someone else changed this routine" in response.text
    assert "Reload the routine" in response.text
    assert response["HX-Retarget"] == "#builder-alert"
    step.refresh_from_db()
    assert step.cue == "Bob's words"


def test_a_conflict_without_javascript_keeps_the_typed_text(world, routine):
    step = routine.steps.get(position=1)
    data = {"version": routine.version - 1 or 99, "sides": "na", "cue": "Unsaved words"}
    client = world.client_for(world.alice)
    response = client.post(_url("step_edit", routine, step.code), data)
    assert response.status_code == 303  # post/redirect/get: a reload resubmits nothing
    page = client.get(response["Location"])
    assert page.status_code == 409
    assert "Unsaved words" in page.text
    assert "Someone else changed this routine" in page.text


def test_reorder_saves_the_dragged_order(world, routine):
    codes = list(routine.steps.order_by("-position").values_list("code", flat=True))
    response = world.client_for(world.bob).post(
        _url("steps_reorder", routine),
        {"version": routine.version, "step": [str(c) for c in codes]},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert _order(routine) == ["constructive-rest", "butterfly", "belly-breathing"]


def test_move_buttons_work_without_javascript(world, routine):
    step = routine.steps.get(position=3)
    response = world.client_for(world.bob).post(
        _url("step_move", routine, step.code), {"version": routine.version, "direction": "up"}
    )
    assert response.status_code == 302
    assert _order(routine) == ["belly-breathing", "constructive-rest", "butterfly"]


def test_remove_and_swap(world, routine):
    client = world.client_for(world.bob)
    first = routine.steps.get(position=1)
    client.post(_url("step_remove", routine, first.code), {"version": routine.version})
    routine.refresh_from_db()
    assert _order(routine) == ["butterfly", "constructive-rest"]
    butterfly = routine.steps.get(position=1)
    alternative = butterfly.pose.alternatives.first()
    client.post(
        _url("step_swap", routine, butterfly.code),
        {"version": routine.version, "pose": alternative.code},
    )
    butterfly.refresh_from_db()
    assert butterfly.pose == alternative


def test_swapping_for_a_pose_that_is_not_an_alternative_is_refused(world, routine):
    step = routine.steps.get(position=2)
    response = world.client_for(world.bob).post(
        _url("step_swap", routine, step.code),
        {"version": routine.version, "pose": library_pose("warrior-ii").code},
    )
    assert response.status_code == 400
    step.refresh_from_db()
    assert step.pose.slug == "butterfly"


def test_the_picker_searches_any_name(world, routine):
    response = world.client_for(world.bob).get(
        _url("step_picker", routine), {"q": "baddha"}, headers=HTMX
    )
    assert "Butterfly" in response.text
    assert "<html" not in response.text


def test_the_picker_fills_in_after_the_page_and_searches_without_javascript(world, routine):
    client = world.client_for(world.bob)
    picker_url = _url("step_picker", routine)
    page = client.get(routine.get_absolute_url()).text
    # The steps come first; htmx fetches the library as soon as the page is shown.
    assert f'hx-get="{picker_url}" hx-trigger="load"' in page
    assert 'Add<span class="visually-hidden"> Lizard' not in page
    library = client.get(picker_url, headers=HTMX).text
    assert 'Add<span class="visually-hidden"> Lizard' in library
    # Without JavaScript the search form comes back to the page, which then lists what matches,
    # an empty search the whole library.
    searched = client.get(routine.get_absolute_url(), {"q": ""}).text
    assert 'Add<span class="visually-hidden"> Lizard' in searched
    assert 'hx-trigger="load"' not in searched


def test_duplicate_archive_restore(world, routine):
    client = world.client_for(world.bob)
    response = client.post(_url("routine_duplicate", routine))
    copy = Routine.objects.exclude(pk=routine.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert _order(copy) == _order(routine)
    client.post(_url("routine_archive", routine))
    listing = client.get(reverse("routine_list", args=[world.studio.code])).text
    assert "Gentle hips (copy)" in listing
    assert ">Gentle hips<" not in listing
    assert (
        "Gentle hips<"
        in client.get(reverse("routine_list", args=[world.studio.code]), {"show": "archived"}).text
    )
    client.post(_url("routine_restore", routine))
    routine.refresh_from_db()
    assert routine.status == Routine.Status.DRAFT


def test_start_from_a_studio_template(world, routine):
    routine.is_template = True
    routine.save()
    url = reverse("routine_create", args=[world.studio.code])
    page = world.client_for(world.bob).get(url, {"template": routine.code}).text
    assert f'value="{routine.code}" selected' in page
    response = world.client_for(world.bob).post(
        url, {"title": "For Tuesday group", "template": routine.code}
    )
    new = Routine.objects.get(title="For Tuesday group")
    assert response["Location"] == new.get_absolute_url()
    assert _order(new) == _order(routine)
    assert not new.is_template


def test_another_studios_template_cannot_be_used(world):
    foreign = RoutineFactory(studio=world.other_studio, is_template=True)
    response = world.client_for(world.bob).post(
        reverse("routine_create", args=[world.studio.code]),
        {"title": "Sneaky", "template": foreign.code},
    )
    assert response.status_code == 400
    assert not Routine.objects.filter(title="Sneaky").exists()


def test_editing_routine_details(world, routine):
    response = world.client_for(world.bob).post(
        _url("routine_edit", routine),
        {
            "version": routine.version,
            "title": "Gentle hips for Ana",
            "intention": "Ease",
            "notes": "",
            "status": "ready",
            "is_template": "",
        },
    )
    assert response.status_code == 302
    routine.refresh_from_db()
    assert (routine.title, routine.status, routine.updated_by) == (
        "Gentle hips for Ana",
        "ready",
        world.bob.user,
    )


def test_the_routine_list_has_a_fixed_query_count(world, routine, django_assert_num_queries):
    client = world.client_for(world.ada)
    url = reverse("routine_list", args=[world.studio.code])
    client.get(url)
    RoutineFactory.create_batch(8, studio=world.studio)
    # 1 session, 2 user, 3 count, 4 one page of routines with authors, 5 the step counts of that
    # page (no session save: nothing changed; her memberships are kept from her first page)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_the_routine_list_searches_over_htmx(world, routine):
    RoutineFactory(studio=world.studio, title="Shoulders")
    response = world.client_for(world.ada).get(
        reverse("routine_list", args=[world.studio.code]), {"q": "gentle"}, headers=HTMX
    )
    assert "Gentle hips" in response.text
    assert "Shoulders" not in response.text
    assert "<html" not in response.text


def test_the_builder_points_out_a_repeated_step_and_offers_to_remove_it(world, routine):
    butterfly = routine.steps.get(position=2)
    repeat = RoutineStepFactory(routine=routine, position=4, pose=butterfly.pose)
    client = world.client_for(world.bob)
    page = client.get(routine.get_absolute_url()).text
    assert page.count("The same as step") == 1
    assert "The same as step 2: Butterfly. The handout would show it twice" in page
    assert "Remove step 4" in page
    assert f'action="{_url("step_remove", routine, repeat.code)}"' in page

    client.post(_url("step_remove", routine, repeat.code), {"version": routine.version})
    assert _order(routine) == ["belly-breathing", "butterfly", "constructive-rest"]
    assert "The same as step" not in client.get(routine.get_absolute_url()).text


def test_the_same_pose_with_another_modification_is_not_a_repeat(world, routine):
    butterfly = routine.steps.get(position=2)
    modification = butterfly.pose.modifications.first()
    RoutineStepFactory(routine=routine, position=4, pose=butterfly.pose, modification=modification)
    assert modification is not None
    page = world.client_for(world.bob).get(routine.get_absolute_url()).text
    assert "The same as step" not in page


def test_an_assistant_sees_a_repeated_step_but_no_remove_button(world, routine):
    RoutineStepFactory(routine=routine, position=4, pose=routine.steps.get(position=2).pose)
    page = world.client_for(world.ada).get(routine.get_absolute_url()).text
    assert "The same as step 2: Butterfly. The handout would show it twice." in page
    assert "Remove step 4" not in page
