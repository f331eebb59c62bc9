"""Every position, every library pose and every library version prints and plays: the print
page, the handout PDF, the teacher sheet, batch printing and the player, with no error; and a
chosen version is printed as itself, never as the pose it varies."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from clients.demo import seed_clients
from practice.models import BackgroundJob
from routines.demo import DEMO_ROUTINES, TAILORED_ROUTINES, seed_routines, seed_tailored_routines
from routines.library.loader import read_library
from routines.library.vocabulary import Position
from routines.models import Modification, Pose, Routine
from routines.paper import handouts
from routines.paper.handouts import POSITION_WORDS, PrintOptions
from routines.paper.player import player_steps
from tests.conftest import run_task_worker
from tests.factories import PoseFactory, RoutineFactory, RoutineStepFactory

pytestmark = pytest.mark.django_db


def _library():
    """(pose slug, version slug) pairs read from the library file, so parametrising needs no
    database at collection time."""
    entries = read_library()["poses"]
    poses = [entry["slug"] for entry in entries]
    versions = [(entry["slug"], m["slug"]) for entry in entries for m in entry["modifications"]]
    return poses, versions


POSE_SLUGS, VERSION_SLUGS = _library()


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _squash(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _one_step_routine(world, pose: Pose, modification: Modification | None = None) -> Routine:
    routine = RoutineFactory(studio=world.studio, created_by=world.bob.user)
    RoutineStepFactory(routine=routine, position=1, pose=pose, modification=modification)
    return routine


def _pages_answer(world, routine: Routine, *, every_pdf: bool = True) -> str:
    """The print page, the handout PDF, the teacher sheet and the player answer 200; returns
    the handout's text. Each PDF costs a render, so the many one-step routines print the
    handout only and check the teacher sheet as HTML (its PDF is printed for all poses at
    once in the command test below)."""
    client = world.client_for(world.bob)
    args = [world.studio.code, routine.code]
    pages = [("routine_print", {}), ("routine_player", {})]
    if every_pdf:
        pages += [
            ("routine_handout", {"confirmed": "1", "large": "1"}),
            ("routine_teacher_sheet", {}),
        ]
    else:
        assert routine.title in handouts.teacher_sheet_html(routine, PrintOptions(), None)
    for name, params in pages:
        response = client.get(reverse(name, args=args), params)
        assert response.status_code == 200, (name, params)
    handout = client.get(reverse("routine_handout", args=args), {"confirmed": "1"})
    assert handout.status_code == 200
    return _text(handout.content)


def _library_pose(slug: str) -> Pose:
    return Pose.objects.get(studio=None, slug=slug)


@pytest.mark.parametrize("position", Position.values)
def test_every_position_prints_plays_and_batch_prints(world, position):
    # A studio pose in this position, drawn with the figure of a library pose in it.
    drawn = Pose.objects.filter(studio=None, position=position).first()
    pose = PoseFactory(studio=world.studio, position=position, figure=drawn.figure if drawn else {})
    routine = _one_step_routine(world, pose)
    _pages_answer(world, routine)
    html = handouts.handout_html(routine, PrintOptions(), None)
    assert f"Step 1: {POSITION_WORDS[position]}" in _squash(html)
    response = world.client_for(world.bob).post(
        reverse("routine_batch_print", args=[world.studio.code]), {"routine": [str(routine.code)]}
    )
    assert response.status_code == 302
    run_task_worker()
    job = BackgroundJob.objects.get(studio=world.studio)
    assert job.status == BackgroundJob.Status.DONE
    download = world.client_for(world.bob).get(
        reverse("job_download", args=[world.studio.code, job.code])
    )
    assert len(zipfile.ZipFile(io.BytesIO(download.content)).namelist()) == 1


@pytest.mark.parametrize("slug", POSE_SLUGS)
def test_every_library_pose_prints_and_plays(world, slug):
    pose = _library_pose(slug)
    routine = _one_step_routine(world, pose)
    _pages_answer(world, routine)
    text = _text(
        handouts.render_pdf(handouts.handout_html(routine, PrintOptions(), None), world.studio)
    )
    assert pose.name in text


@pytest.mark.parametrize(("slug", "version_slug"), VERSION_SLUGS)
def test_every_library_version_prints_as_itself(world, slug, version_slug):
    pose = _library_pose(slug)
    version = pose.modifications.get(slug=version_slug)
    routine = _one_step_routine(world, pose, version)
    text = _pages_answer(world, routine, every_pdf=False)
    html = handouts.handout_html(routine, PrintOptions(), None)
    assert " ".join(version.name.split()) in text
    assert f"A version of {pose.name}" in text
    # Not one numbered line of the pose's own is given for its version.
    page = _squash(html)
    for line in pose.steps:
        if line not in (version.steps or [version.instructions]):
            assert line not in page, line
    played = player_steps(routine, figure_url=lambda step: "", for_teacher=False)
    assert played[0].name == version.name
    assert not set(pose.steps) & set(played[0].instructions) - set(version.steps)


def test_every_library_pose_in_one_routine_batch_prints_with_the_command(world, tmp_path):
    routine = RoutineFactory(studio=world.studio, created_by=world.bob.user)
    for number, slug in enumerate(POSE_SLUGS, start=1):
        RoutineStepFactory(routine=routine, position=number, pose=_library_pose(slug))
    call_command("handouts", str(routine.code), "--out", str(tmp_path))
    call_command("handouts", str(routine.code), "--out", str(tmp_path / "t"), "--teacher-sheet")
    assert len(list(tmp_path.glob("*.pdf"))) == 1
    assert len(list((tmp_path / "t").glob("*.pdf"))) == 1


def _demo_routines(world) -> list[Routine]:
    seed_clients(world.studio, world.alice, world.bob)
    seed_routines(world.studio, world.bob.user)
    seed_tailored_routines(world.studio, world.bob.user)
    titles = [entry[0] for entry in DEMO_ROUTINES] + [entry[1] for entry in TAILORED_ROUTINES]
    return list(Routine.objects.filter(studio=world.studio, title__in=titles))


def test_no_demo_routine_prints_or_plays_a_line_of_a_pose_it_varies(world):
    routines = [routine for routine in _demo_routines(world) if routine.client_id]
    assert len(routines) == len(TAILORED_ROUTINES)
    client = world.client_for(world.bob)
    for routine in routines:
        pdf = client.get(
            reverse("routine_handout", args=[world.studio.code, routine.code]), {"confirmed": "1"}
        ).content
        text = _text(pdf)
        played = " ".join(
            line
            for step in player_steps(routine, figure_url=lambda step: "", for_teacher=False)
            for line in step.instructions
        )
        for step in routine.steps.select_related("pose", "modification"):
            if step.modification is None:
                continue
            for line in step.pose.steps:
                assert " ".join(line.split()) not in text, line
                assert line not in played, line


def test_rosas_handout_holds_none_of_the_base_lines_of_her_changed_poses(world):
    rosa = next(r for r in _demo_routines(world) if r.client and r.client.preferred_name == "Rosa")
    text = _text(
        handouts.render_pdf(handouts.handout_html(rosa, PrintOptions(), None), world.studio)
    )
    for slug in ("knees-to-chest", "chair-figure-four"):
        for line in _library_pose(slug).steps:
            assert " ".join(line.split()) not in text, line
    assert "A version of Knees to chest" in text


def test_the_chair_routine_sends_no_one_to_the_floor_and_lists_no_mat(world):
    chair = next(r for r in _demo_routines(world) if r.title == "Chair-based hip care")
    html = handouts.handout_html(chair, PrintOptions(), None)
    page = _squash(html)
    assert "sitting on a chair" in page
    assert "on the floor:" not in page and "sitting on the floor" not in page
    assert "lying on your" not in page
    assert " mat" not in page.lower()
    text = _text(handouts.render_pdf(html, world.studio))
    assert "Steps 1\u20136: sitting on a chair" in text
