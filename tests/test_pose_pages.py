import pytest
from django.urls import reverse

from routines.library.vocabulary import BodyArea, Category, Movement, Position, Prop
from routines.models import Modification, Pose

pytestmark = pytest.mark.django_db


def _library(slug: str) -> Pose:
    return Pose.objects.get(studio=None, slug=slug)


def _studio_pose(studio, name: str = "Rocking on the back", **fields) -> Pose:
    values = {
        "category": Category.WARM_UP,
        "position": Position.SUPINE,
        "steps": ["If you like, lie down.", "You might rock gently.", "Rest when you like."],
        "hold_breaths": 6,
        "attributes": [Movement.SUPINE],
        "body_areas": [BodyArea.LOW_BACK],
        "summary": "A small, soothing rock from side to side.",
        **fields,
    }
    return Pose.objects.create(studio=studio, name=name, **values)


def _studio_modification(studio, pose: Pose, name: str = "Feet on a wall") -> Modification:
    return Modification.objects.create(
        studio=studio, pose=pose, name=name, instructions="If you like, rest your feet on a wall."
    )


def _url(name: str, studio, *codes) -> str:
    return reverse(name, args=[studio.code, *codes])


def _names_listed(response) -> list[str]:
    return [pose.name for pose in response.context["poses"]]


def _pose_data(**changes) -> dict:
    data = {
        "name": "Side-lying rest",
        "other_names": "Lateral rest, Side rest",
        "category": Category.REST,
        "position": Position.SUPINE,
        "summary": "Lying on your side with support between the knees.",
        # A blank line and a trailing newline, as people type them: neither becomes a step.
        "steps": "If you like, lie on your side.\n\nYou might rest a cushion between your knees.\n",
        "breath_cue": "Let your breath find its own pace.",
        "hold_breaths": "10",
        "hold_seconds": "",
        "body_areas": [BodyArea.HIPS, BodyArea.LOW_BACK],
        "attributes": [Movement.HIP_FLEXION_PAST_90],
        "teacher_notes": "Useful late in pregnancy.",
    }
    data.update(changes)
    return data


# --- Library list -----------------------------------------------------------------------------


def test_every_member_can_browse_the_library(world):
    for membership in (world.alice, world.bob, world.ada):
        response = world.client_for(membership).get(_url("pose_list", world.studio))
        assert response.status_code == 200
        assert "Butterfly" in response.text
        assert len(response.context["poses"]) == Pose.objects.filter(studio=None).count()


def test_a_member_of_another_studio_gets_404(world):
    response = world.client_for(world.charlie).get(_url("pose_list", world.studio))
    assert response.status_code == 404


def test_the_list_shows_own_studio_poses_with_a_badge_and_never_another_studios(world):
    _studio_pose(world.studio, "Willow rocking")
    _studio_pose(world.other_studio, "Harbour rocking")
    response = world.client_for(world.ada).get(_url("pose_list", world.studio))
    assert "Willow rocking" in _names_listed(response)
    assert "Harbour rocking" not in response.text
    assert response.text.count('<span class="badge">Studio</span>') == 1


def test_searching_a_sanskrit_name_finds_the_pose(world):
    response = world.client_for(world.bob).get(
        _url("pose_list", world.studio), {"q": "Baddha Konasana"}
    )
    names = _names_listed(response)
    assert "Butterfly" in names
    assert "Child's pose" not in names


def test_searching_another_name_finds_the_pose(world):
    response = world.client_for(world.bob).get(_url("pose_list", world.studio), {"q": "cobbler"})
    assert "Butterfly" in _names_listed(response)
    assert "match your choices" in response.text or "matches your choices" in response.text


def test_filtering_by_position_shows_only_that_position(world):
    response = world.client_for(world.bob).get(
        _url("pose_list", world.studio), {"position": Position.CHAIR}
    )
    names = _names_listed(response)
    assert "Seated figure four on a chair" in names
    assert "Butterfly" not in names
    assert {pose.position for pose in response.context["poses"]} == {Position.CHAIR}


def test_filtering_by_category_and_body_area(world):
    response = world.client_for(world.bob).get(
        _url("pose_list", world.studio),
        {"category": Category.BREATH, "body_area": BodyArea.WHOLE_BODY},
    )
    poses = response.context["poses"]
    assert poses
    assert all(pose.category == Category.BREATH for pose in poses)
    assert all(BodyArea.WHOLE_BODY in pose.body_areas for pose in poses)


def test_poses_without_a_movement_leave_out_childs_pose(world):
    url = _url("pose_list", world.studio)
    client = world.client_for(world.bob)
    without = client.get(url, {"without": Movement.HIP_FLEXION_PAST_90})
    assert "Child's pose" not in _names_listed(without)
    assert all(Movement.HIP_FLEXION_PAST_90 not in p.attributes for p in without.context["poses"])
    assert "Mountain pose" in _names_listed(without)
    having = client.get(url, {"attribute": Movement.HIP_FLEXION_PAST_90})
    assert "Child's pose" in _names_listed(having)
    assert all(Movement.HIP_FLEXION_PAST_90 in p.attributes for p in having.context["poses"])


def test_an_unknown_filter_value_is_ignored(world):
    response = world.client_for(world.bob).get(
        _url("pose_list", world.studio), {"position": "upside-down", "attribute": "x"}
    )
    assert response.status_code == 200
    assert len(response.context["poses"]) == Pose.objects.filter(studio=None).count()


def test_retired_poses_never_show(world):
    retired = _library("butterfly")
    retired.retired = True
    retired.save()
    client = world.client_for(world.alice)
    assert "Butterfly" not in _names_listed(client.get(_url("pose_list", world.studio)))
    assert client.get(retired.url_in(world.studio)).status_code == 404


def test_without_javascript_the_whole_page_comes_back(world):
    response = world.client_for(world.bob).get(_url("pose_list", world.studio), {"q": "pigeon"})
    assert "<html" in response.text
    assert "<search" in response.text
    assert 'value="pigeon"' in response.text
    assert 'aria-live="polite"' in response.text


def test_an_htmx_request_gets_only_the_results(world):
    url = _url("pose_list", world.studio)
    response = world.client_for(world.bob).get(
        url, {"q": "pigeon", "position": ""}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<search" not in response.text
    assert "Pigeon (prep)" in response.text
    assert "HX-Request" in response["Vary"]
    # The address bar keeps only the filters in use.
    assert response["HX-Push-Url"] == f"{url}?q=pigeon"


def test_the_list_queries_do_not_grow_with_the_library(world, django_assert_num_queries):
    client = world.client_for(world.ada)
    url = _url("pose_list", world.studio)
    client.get(url)  # warm the session
    for number in range(10):
        _studio_pose(world.studio, f"Studio pose {number}")
    # 1 session, 2 user, 3 the poses (no session save when nothing in it changed; her
    # memberships are kept from her first page: practice/memberships.py).
    with django_assert_num_queries(3):
        response = client.get(url, {"position": Position.SUPINE, "without": Movement.PRONE})
    assert "Studio pose 9" in response.text


# --- Pose detail ------------------------------------------------------------------------------


def test_every_member_sees_a_library_pose_with_its_details(world):
    pose = _library("childs-pose")
    for membership in (world.alice, world.bob, world.ada):
        response = world.client_for(membership).get(pose.url_in(world.studio))
        assert response.status_code == 200
        assert pose.steps[0].replace("'", "&#x27;") in response.text
        assert "Hip flexion past 90°" in response.text
        assert "Bolster under the torso" in response.text
        assert "Bolster, Pillow" in response.text
        assert "Softens:" in response.text
        knees = _library("knees-to-chest")
        assert knees.url_in(world.studio) in response.text


def test_a_studio_pose_is_404_inside_another_studio(world):
    theirs = _studio_pose(world.other_studio, "Harbour rocking")
    response = world.client_for(world.alice).get(_url("pose_detail", world.studio, theirs.code))
    assert response.status_code == 404
    outsider = world.client_for(world.charlie)
    mine = _studio_pose(world.studio)
    assert outsider.get(_url("pose_detail", world.studio, mine.code)).status_code == 404
    assert outsider.get(_url("pose_detail", world.other_studio, mine.code)).status_code == 404


def test_managers_see_copy_and_add_buttons_but_edit_only_on_studio_poses(world):
    library_pose = _library("butterfly")
    own = _studio_pose(world.studio)
    owner = world.client_for(world.alice)
    library_page = owner.get(library_pose.url_in(world.studio)).text
    assert "Copy to adapt" in library_page
    assert "Add a modification" in library_page
    assert _url("pose_edit", world.studio, library_pose.code) not in library_page
    own_page = world.client_for(world.bob).get(own.url_in(world.studio)).text
    assert _url("pose_edit", world.studio, own.code) in own_page
    assistant_page = world.client_for(world.ada).get(own.url_in(world.studio)).text
    assert "Copy to adapt" not in assistant_page
    assert "Add a modification" not in assistant_page


def test_only_visible_alternatives_are_linked(world):
    own = _studio_pose(world.studio)
    theirs = _studio_pose(world.other_studio, "Harbour rocking")
    own.alternatives.set([theirs, _library("knees-to-chest")])
    page = world.client_for(world.alice).get(own.url_in(world.studio)).text
    assert "Knees to chest" in page
    assert "Harbour rocking" not in page


def test_a_studio_modification_on_a_library_pose_stays_in_its_studio(world):
    pose = _library("happy-baby")
    _studio_modification(world.studio, pose, "Willow's wall version")
    _studio_modification(world.other_studio, pose, "Harbour's strap version")
    page_a = world.client_for(world.ada).get(pose.url_in(world.studio)).text
    assert "Willow&#x27;s wall version" in page_a
    assert "Harbour" not in page_a
    page_b = world.client_for(world.charlie).get(pose.url_in(world.other_studio)).text
    assert "Harbour&#x27;s strap version" in page_b
    assert "Willow" not in page_b


# --- Creating and editing poses ---------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 200), ("ada", 403)])
def test_owners_and_instructors_may_add_poses(world, who, status):
    client = world.client_for(getattr(world, who))
    assert client.get(_url("pose_create", world.studio)).status_code == status


def test_an_outsider_cannot_open_the_new_pose_page(world):
    response = world.client_for(world.charlie).get(_url("pose_create", world.studio))
    assert response.status_code == 404


def test_an_assistant_cannot_post_a_new_pose(world):
    response = world.client_for(world.ada).post(_url("pose_create", world.studio), _pose_data())
    assert response.status_code == 403
    assert not Pose.objects.filter(studio=world.studio).exists()


def test_an_instructor_adds_a_studio_pose(world):
    alternative = _library("knees-to-chest")
    data = _pose_data(alternatives=[str(alternative.code)])
    response = world.client_for(world.bob).post(_url("pose_create", world.studio), data)
    pose = Pose.objects.get(studio=world.studio)
    assert response.status_code == 302
    assert response["Location"] == pose.url_in(world.studio)
    assert pose.other_names == ["Lateral rest", "Side rest"]
    assert pose.steps == [
        "If you like, lie on your side.",
        "You might rest a cushion between your knees.",
    ]
    assert pose.hold_breaths == 10
    assert pose.hold_seconds is None
    assert pose.attributes == [Movement.HIP_FLEXION_PAST_90]
    assert list(pose.alternatives.all()) == [alternative]
    # The new pose can be found by its other names straight away.
    found = world.client_for(world.ada).get(_url("pose_list", world.studio), {"q": "lateral"})
    assert _names_listed(found) == ["Side-lying rest"]


def test_a_pose_with_mistakes_is_shown_again_with_everything_typed(world):
    data = _pose_data(name="", hold_breaths="4", hold_seconds="30")
    response = world.client_for(world.alice).post(_url("pose_create", world.studio), data)
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "in breaths or in seconds, not both" in response.text
    assert 'value="Lateral rest, Side rest"' in response.text
    assert "You might rest a cushion between your knees." in response.text
    assert 'value="hip_flexion_past_90" id="id_attributes_0" checked' in response.text
    assert not Pose.objects.filter(studio=world.studio).exists()


def test_a_pose_needs_a_hold(world):
    data = _pose_data(hold_breaths="", hold_seconds="")
    response = world.client_for(world.alice).post(_url("pose_create", world.studio), data)
    assert response.status_code == 400
    assert "Give a hold, in breaths or in seconds." in response.text


def test_another_studios_pose_cannot_be_made_an_alternative(world):
    theirs = _studio_pose(world.other_studio, "Harbour rocking")
    data = _pose_data(alternatives=[str(theirs.code)])
    response = world.client_for(world.alice).post(_url("pose_create", world.studio), data)
    assert response.status_code == 400
    assert "not one of the available choices" in response.text
    assert not Pose.objects.filter(studio=world.studio).exists()


def test_the_edit_form_shows_the_pose_as_typed(world):
    pose = _studio_pose(world.studio, other_names=["Rock and roll", "Gentle rock"])
    response = world.client_for(world.bob).get(_url("pose_edit", world.studio, pose.code))
    assert response.status_code == 200
    assert 'value="Rock and roll, Gentle rock"' in response.text
    assert "If you like, lie down.\nYou might rock gently." in response.text


def test_a_studio_pose_is_edited(world):
    pose = _studio_pose(world.studio)
    data = _pose_data(name="Rocking, renamed", hold_breaths="", hold_seconds="45")
    response = world.client_for(world.alice).post(_url("pose_edit", world.studio, pose.code), data)
    assert response.status_code == 302
    pose.refresh_from_db()
    assert pose.name == "Rocking, renamed"
    assert pose.hold_seconds == 45
    assert "rocking, renamed" in pose.search_text


def test_library_poses_are_read_only(world):
    pose = _library("butterfly")
    client = world.client_for(world.alice)
    url = _url("pose_edit", world.studio, pose.code)
    assert client.get(url).status_code == 403
    assert client.post(url, _pose_data(name="Renamed")).status_code == 403
    pose.refresh_from_db()
    assert pose.name == "Butterfly"


def test_editing_poses_answers_403_to_assistants_and_404_to_outsiders(world):
    pose = _studio_pose(world.studio)
    url = _url("pose_edit", world.studio, pose.code)
    assert world.client_for(world.ada).get(url).status_code == 403
    assert world.client_for(world.charlie).get(url).status_code == 404
    inside_b = _url("pose_edit", world.other_studio, pose.code)
    assert world.client_for(world.charlie).post(inside_b, _pose_data()).status_code == 404


# --- Copying ----------------------------------------------------------------------------------


def test_copying_a_library_pose_makes_an_editable_studio_pose(world):
    pose = _library("childs-pose")
    _studio_modification(world.studio, pose, "Willow's own")
    _studio_modification(world.other_studio, pose, "Harbour's own")
    response = world.client_for(world.bob).post(_url("pose_copy", world.studio, pose.code))
    copy = Pose.objects.get(studio=world.studio)
    assert response.status_code == 302
    assert response["Location"] == _url("pose_edit", world.studio, copy.code)
    assert copy.based_on == pose
    assert copy.steps == pose.steps
    names = set(copy.modifications.values_list("name", flat=True))
    library_names = set(pose.modifications.filter(studio=None).values_list("name", flat=True))
    assert names == library_names | {"Willow's own"}
    assert set(copy.modifications.values_list("studio", flat=True)) == {world.studio.pk}
    detail = world.client_for(world.bob).get(copy.url_in(world.studio)).text
    assert "Adapted from" in detail


def test_copying_is_for_managers_and_by_post_only(world):
    pose = _library("butterfly")
    url = _url("pose_copy", world.studio, pose.code)
    assert world.client_for(world.alice).get(url).status_code == 405
    assert world.client_for(world.ada).post(url).status_code == 403
    assert world.client_for(world.charlie).post(url).status_code == 404
    theirs = _studio_pose(world.other_studio)
    assert (
        world.client_for(world.alice).post(_url("pose_copy", world.studio, theirs.code)).status_code
        == 404
    )
    assert not Pose.objects.filter(studio=world.studio).exists()


# --- Modifications ----------------------------------------------------------------------------


def _modification_data(**changes) -> dict:
    data = {
        "name": "Willow knees together",
        "instructions": "If you like, keep your knees together and rock gently.",
        # A blank line and a trailing newline, as people type them: neither becomes a step.
        "steps": (
            "If you like, lie on your back with a blanket under your head.\n\n"
            "You might hug your knees together and rock gently.\n"
            "Whenever you like, set one foot down and then the other.\n"
        ),
        "props": [Prop.BLANKET],
        "reduces": [Movement.HIP_FLEXION_PAST_90],
    }
    data.update(changes)
    return data


def test_an_instructor_adds_a_modification_to_a_library_pose(world):
    pose = _library("happy-baby")
    url = _url("modification_create", world.studio, pose.code)
    client = world.client_for(world.bob)
    assert client.get(url).status_code == 200
    response = client.post(url, _modification_data())
    assert response.status_code == 302
    assert response["Location"] == pose.url_in(world.studio)
    modification = Modification.objects.get(studio=world.studio)
    assert modification.pose == pose
    assert modification.steps == [
        "If you like, lie on your back with a blanket under your head.",
        "You might hug your knees together and rock gently.",
        "Whenever you like, set one foot down and then the other.",
    ]
    assert modification.props == [Prop.BLANKET]
    assert modification.reduces == [Movement.HIP_FLEXION_PAST_90]
    assert "Willow knees together" in client.get(pose.url_in(world.studio)).text
    other = world.client_for(world.charlie).get(pose.url_in(world.other_studio)).text
    assert "Willow knees together" not in other


def test_a_modification_only_changes_movements_the_pose_has(world):
    pose = _library("happy-baby")
    assert Movement.KNEELING_LOAD not in pose.attributes
    data = _modification_data(removes=[Movement.KNEELING_LOAD], adds=[Movement.SUPINE])
    response = world.client_for(world.bob).post(
        _url("modification_create", world.studio, pose.code), data
    )
    assert response.status_code == 400
    assert 'value="Willow knees together"' in response.text
    assert not Modification.objects.filter(studio=world.studio).exists()


def test_adding_modifications_is_for_managers(world):
    pose = _library("happy-baby")
    url = _url("modification_create", world.studio, pose.code)
    assert world.client_for(world.ada).post(url, _modification_data()).status_code == 403
    assert world.client_for(world.charlie).post(url, _modification_data()).status_code == 404
    theirs = _studio_pose(world.other_studio)
    other = _url("modification_create", world.studio, theirs.code)
    assert world.client_for(world.alice).post(other, _modification_data()).status_code == 404
    assert not Modification.objects.filter(studio__isnull=False).exists()


def test_a_studio_modification_is_edited(world):
    pose = _library("happy-baby")
    modification = _studio_modification(world.studio, pose)
    url = _url("modification_edit", world.studio, pose.code, modification.code)
    client = world.client_for(world.alice)
    assert client.get(url).status_code == 200
    response = client.post(url, _modification_data(name="Feet on the wall, knees together"))
    assert response.status_code == 302
    modification.refresh_from_db()
    assert modification.name == "Feet on the wall, knees together"


def test_the_owner_writes_the_steps_of_a_studio_modification(world):
    pose = _library("happy-baby")
    modification = _studio_modification(world.studio, pose)
    url = _url("modification_edit", world.studio, pose.code, modification.code)
    client = world.client_for(world.alice)
    lines = [
        "If you like, lie down near a wall.",
        "You might rest your feet on it.",
        "Whenever you like, slide them down.",
    ]
    response = client.post(url, _modification_data(steps="\u202e" + "\n".join(lines)))
    assert response.status_code == 302
    modification.refresh_from_db()
    assert modification.steps == lines  # the bidi control is gone
    page = client.get(url).text
    assert "You might rest your feet on it." in page
    assert "You might rest your feet on it." in client.get(pose.url_in(world.studio)).text


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ("\n  \n", "Write at least one step, one per line."),
        ("\n".join(f"Step {n}, if you like." for n in range(1, 9)), "Up to 7 steps"),
    ],
    ids=["none", "eight"],
)
def test_a_modification_needs_one_to_seven_steps_and_keeps_what_was_typed(world, steps, message):
    pose = _library("happy-baby")
    modification = _studio_modification(world.studio, pose)
    url = _url("modification_edit", world.studio, pose.code, modification.code)
    response = world.client_for(world.bob).post(url, _modification_data(steps=steps))
    assert response.status_code == 400
    assert message in response.text
    assert 'value="Willow knees together"' in response.text
    if steps.strip():
        assert "Step 8, if you like." in response.text
    modification.refresh_from_db()
    assert modification.steps == []


def test_lower_roles_and_outsiders_cannot_write_a_modifications_steps(world):
    pose = _library("happy-baby")
    modification = _studio_modification(world.studio, pose)
    url = _url("modification_edit", world.studio, pose.code, modification.code)
    assert world.client_for(world.ada).get(url).status_code == 403
    assert world.client_for(world.ada).post(url, _modification_data()).status_code == 403
    assert world.client_for(world.charlie).post(url, _modification_data()).status_code == 404
    modification.refresh_from_db()
    assert modification.steps == []


def test_library_modifications_are_read_only(world):
    pose = _library("happy-baby")
    modification = pose.modifications.filter(studio=None).first()
    client = world.client_for(world.alice)
    edit = _url("modification_edit", world.studio, pose.code, modification.code)
    delete = _url("modification_delete", world.studio, pose.code, modification.code)
    assert client.get(edit).status_code == 403
    assert client.post(delete).status_code == 403
    assert Modification.objects.filter(pk=modification.pk).exists()


def test_another_studios_modification_is_404(world):
    pose = _library("happy-baby")
    theirs = _studio_modification(world.other_studio, pose)
    client = world.client_for(world.alice)
    assert (
        client.get(_url("modification_edit", world.studio, pose.code, theirs.code)).status_code
        == 404
    )
    assert (
        client.post(_url("modification_delete", world.studio, pose.code, theirs.code)).status_code
        == 404
    )
    assert Modification.objects.filter(pk=theirs.pk).exists()


def test_a_modification_is_only_found_under_its_own_pose(world):
    modification = _studio_modification(world.studio, _library("happy-baby"))
    elsewhere = _library("butterfly")
    url = _url("modification_edit", world.studio, elsewhere.code, modification.code)
    assert world.client_for(world.alice).get(url).status_code == 404


def test_a_studio_modification_is_removed(world):
    pose = _library("happy-baby")
    modification = _studio_modification(world.studio, pose)
    url = _url("modification_delete", world.studio, pose.code, modification.code)
    assert world.client_for(world.ada).post(url).status_code == 403
    assert world.client_for(world.bob).get(url).status_code == 405
    response = world.client_for(world.bob).post(url)
    assert response.status_code == 302
    assert not Modification.objects.filter(pk=modification.pk).exists()
