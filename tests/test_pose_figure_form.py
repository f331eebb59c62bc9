"""A studio pose takes a figure: a library pose's figure to start from, named joints moved on
sliders, previewed live; or the uploaded picture instead."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from routines import services
from routines.library.figures.adjust import SLIDERS, adjusted, joint_values
from routines.library.figures.body import pose_body
from routines.library.figures.schema import figure_problems
from routines.library.forms import PoseFigureForm
from routines.models import Pose
from tests.factories import PoseFactory, RoutineFactory, RoutineStepFactory, library_pose

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _pose_data(**changes) -> dict:
    data = {
        "name": "Wide-knee rest",
        "other_names": "",
        "category": "hip_opener",
        "position": "seated",
        "summary": "Sitting with the soles of the feet together.",
        "steps": "If you like, sit down.\nYou might let your knees fall open.",
        "breath_cue": "",
        "hold_breaths": "6",
        "hold_seconds": "",
        "body_areas": ["hips"],
        "attributes": ["hip_external_rotation"],
        "teacher_notes": "",
    }
    data.update(changes)
    return data


def _figure_data(start: Pose, **changes) -> dict:
    """The figure fields as the form first shows them for `start`, with `changes`."""
    values = {**joint_values(start.figure), **changes}
    data = {
        "figure-drawing": "draw",
        "figure-start": str(start.code),
        "figure-view": start.figure["view"],
    }
    data.update({f"figure-{name}": str(value) for name, value in values.items()})
    return data


def _flat(points: dict) -> list[float]:
    return [value for name in sorted(points) for value in points[name]]


def _svg_in(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert match, "no SVG in the answer"
    return ET.fromstring(match.group(0))  # noqa: S314 (our own output, not untrusted input)


def _preview_url(world, pose=None) -> str:
    if pose is None:
        return reverse("pose_figure_preview", args=[world.studio.code])
    return reverse("pose_edit_figure_preview", args=[world.studio.code, pose.code])


# --- The figure data --------------------------------------------------------------------------


def test_unchanged_sliders_draw_the_same_figure():
    figure = library_pose("reclined-figure-four").figure
    same = adjusted(figure, figure["view"], joint_values(figure))
    assert _flat(pose_body(same).points) == pytest.approx(_flat(pose_body(figure).points))


def test_a_limb_that_reaches_shows_its_solved_angles_and_lets_go_when_moved():
    figure = library_pose("happy-baby").figure
    assert "right_foot" in figure.get("reach", {}) or "right_hand" in figure.get("reach", {})
    values = joint_values(figure)
    values["right_knee_flex"] = max(0, values["right_knee_flex"] - 30)
    values["right_shoulder_flex"] = min(210, values["right_shoulder_flex"] + 20)
    moved = adjusted(figure, "side", values)
    assert "right_hand" not in moved.get("reach", {})
    assert joint_values(moved)["right_knee_flex"] == values["right_knee_flex"]
    assert figure_problems(moved) == []


def test_each_slider_moves_the_figure():
    figure = library_pose("mountain-pose").figure
    before = pose_body(figure).points
    for slider in SLIDERS:
        values = joint_values(figure)
        values[slider.name] = slider.maximum if values[slider.name] < 45 else slider.minimum
        after = pose_body(adjusted(figure, figure["view"], values)).points
        assert _flat(after) != pytest.approx(_flat(before)), slider.name


def test_every_library_figure_fits_the_sliders_and_the_schema():
    for pose in Pose.objects.filter(studio=None):
        figure = adjusted(pose.figure, pose.figure["view"], joint_values(pose.figure))
        assert figure_problems(figure) == [], pose.slug


# --- The form ---------------------------------------------------------------------------------


def test_a_copy_starts_from_its_own_figure_and_a_new_pose_from_its_position():
    butterfly = library_pose("butterfly")
    copy = services.pose_copy(pose=butterfly, studio=PoseFactory().studio)
    form = PoseFigureForm(pose=copy)
    assert form.initial["start"] == PoseFigureForm.CURRENT
    assert form.initial["drawing"] == "draw"
    copy.figure = {}
    form = PoseFigureForm(pose=copy)
    assert form.initial["start"] == str(butterfly.code)
    # Nothing changes how a pose is shown until the teacher chooses to draw it.
    assert form.initial["drawing"] == "picture"
    chair_pose = PoseFactory(position="chair", category="hip_opener")
    start = Pose.objects.get(code=PoseFigureForm(pose=chair_pose).initial["start"])
    assert (start.position, start.is_library) == ("chair", True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("right_hip_flex", "500", "This goes from -90° to 160°."),
        ("left_knee_flex", "-5", "This goes from 0° to 160°."),
        ("spine_twist", "lots", "Give a whole number of degrees."),
        ("view", "underneath", "Choose one of the views in the list."),
        ("start", "00000000-0000-0000-0000-000000000000", "Choose a pose from the list"),
    ],
)
def test_bad_slider_values_get_a_clear_message(field, value, message):
    data = _figure_data(library_pose("butterfly"))
    data[f"figure-{field}"] = value
    form = PoseFigureForm(data, pose=None)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    assert form[field].value() == value


# --- Pages ------------------------------------------------------------------------------------


def test_a_new_studio_pose_saves_the_figure_drawn_with_the_sliders(world):
    butterfly = library_pose("butterfly")
    data = {**_pose_data(), **_figure_data(butterfly, right_knee_flex=40, spine_flex=30)}
    response = world.client_for(world.bob).post(
        reverse("pose_create", args=[world.studio.code]), data
    )
    assert response.status_code == 302
    pose = Pose.objects.get(studio=world.studio, name="Wide-knee rest")
    assert figure_problems(pose.figure) == []
    assert joint_values(pose.figure)["right_knee_flex"] == 40
    assert joint_values(pose.figure)["spine_flex"] == 30
    assert pose.figure["view"] == butterfly.figure["view"]


def test_bad_values_on_save_keep_what_was_typed(world):
    butterfly = library_pose("butterfly")
    data = {**_pose_data(), **_figure_data(butterfly, left_hip_abduct=400)}
    response = world.client_for(world.bob).post(
        reverse("pose_create", args=[world.studio.code]), data
    )
    assert response.status_code == 400
    assert "This goes from -30° to 90°." in response.text
    assert "you gave “400”" in response.text
    assert 'value="Wide-knee rest"' in response.text
    assert not Pose.objects.filter(name="Wide-knee rest").exists()


def test_choosing_the_picture_clears_the_figure(world):
    pose = services.pose_copy(pose=library_pose("butterfly"), studio=world.studio)
    data = {**_pose_data(), **_figure_data(pose), "figure-drawing": "picture"}
    data["figure-start"] = "current"
    url = reverse("pose_edit", args=[world.studio.code, pose.code])
    assert world.client_for(world.bob).post(url, data).status_code == 302
    pose.refresh_from_db()
    assert pose.figure == {}


def test_preview_without_javascript_saves_nothing_and_keeps_the_text(world):
    pose = PoseFactory(studio=world.studio, name="Old name", figure={})
    start = library_pose("butterfly")
    data = {
        **_pose_data(name="New name, not saved"),
        **_figure_data(start, spine_twist=45),
        "figure-action": "preview",
    }
    url = reverse("pose_edit", args=[world.studio.code, pose.code])
    response = world.client_for(world.bob).post(url, data)
    assert response.status_code == 200
    assert 'value="New name, not saved"' in response.text
    assert "This field is required" not in response.text
    pose.refresh_from_db()
    assert (pose.name, pose.figure) == ("Old name", {})
    expected = adjusted(
        start.figure, start.figure["view"], {**joint_values(start.figure), "spine_twist": 45}
    )
    assert response.context["figure_form"].preview() == expected


def test_start_again_sets_the_sliders_from_the_chosen_pose(world):
    child = library_pose("childs-pose")
    data = {
        **_pose_data(),
        **_figure_data(library_pose("butterfly"), right_knee_flex=5),
        "figure-start": str(child.code),
        "figure-action": "restart",
    }
    response = world.client_for(world.bob).post(
        reverse("pose_create", args=[world.studio.code]), data
    )
    assert response.status_code == 200
    form = response.context["figure_form"]
    assert form["right_knee_flex"].value() == joint_values(child.figure)["right_knee_flex"]
    assert form["view"].value() == child.figure["view"]


def test_the_preview_is_well_formed_svg_without_style_or_class(world):
    query = _figure_data(library_pose("butterfly"), right_hip_abduct=10)
    response = world.client_for(world.bob).get(_preview_url(world), query)
    assert response.status_code == 200
    svg = _svg_in(response.text)
    assert svg.get("width") and svg.get("height")
    assert svg.find(f"{SVG}title").text == "Preview of the figure"
    for element in svg.iter():
        assert "style" not in element.attrib and "class" not in element.attrib
        assert element.tag != f"{SVG}style"


def test_the_preview_follows_the_sliders(world):
    start = library_pose("butterfly")
    client = world.client_for(world.bob)
    first = _svg_in(client.get(_preview_url(world), _figure_data(start)).text)
    second = _svg_in(client.get(_preview_url(world), _figure_data(start, spine_flex=60)).text)
    assert ET.tostring(first) != ET.tostring(second)


def test_a_bad_preview_value_answers_a_message_not_a_figure(world):
    query = _figure_data(library_pose("butterfly"), right_knee_flex=999)
    response = world.client_for(world.bob).get(_preview_url(world), query)
    assert response.status_code == 400
    assert "<svg" not in response.text
    assert "This goes from 0° to 160°." in response.text


def test_the_preview_of_an_own_pose_may_start_from_its_saved_figure(world):
    pose = services.pose_copy(pose=library_pose("butterfly"), studio=world.studio)
    query = {**_figure_data(pose), "figure-start": "current"}
    response = world.client_for(world.bob).get(_preview_url(world, pose), query)
    assert response.status_code == 200
    # Another pose has no saved figure of this one to start from.
    response = world.client_for(world.bob).get(_preview_url(world), query)
    assert response.status_code == 400


def test_the_preview_is_for_teachers_of_the_studio_only(world):
    pose = PoseFactory(studio=world.studio)
    theirs = PoseFactory(studio=world.other_studio)
    assert world.client_for(world.ada).get(_preview_url(world, pose)).status_code == 403
    assert world.client_for(world.ada).get(_preview_url(world)).status_code == 403
    assert world.client_for(world.bob).get(_preview_url(world, theirs)).status_code == 404
    assert world.client_for(world.charlie).get(_preview_url(world, pose)).status_code == 404
    library = _preview_url(world, library_pose("butterfly"))
    assert world.client_for(world.bob).get(library).status_code == 403


def test_the_saved_figure_shows_on_the_pose_page_and_the_handout(world):
    pose = services.pose_copy(pose=library_pose("butterfly"), studio=world.studio)
    data = {**_pose_data(name="Our butterfly"), **_figure_data(pose, spine_flex=35)}
    data["figure-start"] = "current"
    client = world.client_for(world.bob)
    client.post(reverse("pose_edit", args=[world.studio.code, pose.code]), data)
    pose.refresh_from_db()
    page = client.get(reverse("pose_detail", args=[world.studio.code, pose.code]))
    figure_src = re.search(r'src="([^"]*/figure\.svg\?[^"]*)"', page.text).group(1)
    svg = client.get(figure_src.replace("&amp;", "&"))
    assert b"<title>Our butterfly</title>" in svg.content
    assert svg.content == client.get(figure_src.replace("&amp;", "&")).content
    routine = RoutineFactory(studio=world.studio)
    RoutineStepFactory(routine=routine, pose=pose)
    preview = client.get(reverse("routine_print", args=[world.studio.code, routine.code]))
    drawn = [
        svg
        for svg in re.findall(r"<svg\b.*?</svg>", preview.text, re.S)
        if "<title>Our butterfly</title>" in svg
    ]
    assert drawn
    from routines.library.figures import figure_html

    assert figure_html(pose.figure, "Our butterfly") in drawn


def test_a_pose_shown_by_its_picture_has_no_drawn_figure_on_its_page(world):
    pose = PoseFactory(studio=world.studio, figure={}, image="poses/x.png")
    page = world.client_for(world.bob).get(
        reverse("pose_detail", args=[world.studio.code, pose.code])
    )
    assert "figure.svg" not in page.text
