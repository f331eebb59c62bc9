"""The shipped pose library: valid against its schema, kind in its words, safely re-loadable."""

import copy
import re

import pytest

from practice.gentle_words import gentle_notes
from routines.library.loader import (
    LibraryError,
    library_figures,
    library_problems,
    read_library,
    sync_library,
)
from routines.models import Modification, Pose
from tests.factories import RoutineStepFactory, library_pose

DATA = read_library()
POSES = DATA["poses"]
FIGURES = library_figures(DATA)
MODIFICATIONS = [(pose, modification) for pose in POSES for modification in pose["modifications"]]
MODIFICATION_IDS = [f"{pose['slug']}/{version['slug']}" for pose, version in MODIFICATIONS]
PROP_WORDS = re.compile(
    r"\b(bolster|blanket|block|strap|chair|wall|pillow|cushion|towel)s?\b", re.IGNORECASE
)
# The figure draws seven kinds of prop; a pillow is drawn as a cushion or a bolster, and a towel
# as the strap it is looped like or the blanket or cushion it is folded like.
DRAWN_AS = {"pillow": {"cushion", "bolster"}, "towel": {"strap", "blanket", "cushion"}}
# A version's last line tells the client, alone at home, how to come out of it or stop.
WAY_OUT = re.compile(
    r"\b(come (out|up|back|down)|press (up|back)|sit up|stand up|step (your feet )?(back|down|away"
    r"|together)|(set|bring|lower|walk|slide) (it|them|your|both|one|the)\b.* (down|back|aside"
    r"|together|in)|roll (to|onto)|go back|let (it|the|them|your)\b.* go|stop|straighten|uncross"
    r"|rest (both|your)|return to)\b",
    re.IGNORECASE,
)


def _texts(pose: dict):
    yield pose["summary"]
    yield pose["breath_cue"]
    yield from pose["steps"]
    for modification in pose["modifications"]:
        yield modification["name"]
        yield modification["instructions"]


def test_the_library_file_matches_its_schema():
    assert library_problems(DATA) == []


def test_the_library_is_rich_enough():
    assert len(POSES) >= 30
    slugs = {pose["slug"] for pose in POSES}
    from_the_domain_brief = {
        "childs-pose",
        "happy-baby",
        "reclined-figure-four",
        "butterfly",
        "pigeon-prep",
        "warrior-ii",
        "belly-breathing",
        "alternate-nostril-breathing",
        "knees-to-chest",
        "supported-bridge",
        "lizard",
        "low-lunge",
        "reclined-twist",
        "legs-up-the-wall",
        "constructive-rest",
        "chair-figure-four",
    }
    assert from_the_domain_brief <= slugs
    assert all(len(pose["modifications"]) >= 2 for pose in POSES)


@pytest.mark.parametrize("pose", POSES, ids=lambda pose: pose["slug"])
def test_client_facing_words_are_invitational(pose):
    for text in _texts(pose):
        # The same word list as the gentle notes beside teachers' fields (practice/gentle_words.py).
        assert gentle_notes(text) == [], f"{pose['slug']}: {text}"


@pytest.mark.parametrize(("pose", "modification"), MODIFICATIONS, ids=MODIFICATION_IDS)
def test_every_version_has_its_own_steps_ending_with_a_way_out(pose, modification):
    steps = modification.get("steps", [])
    assert 3 <= len(steps) <= 6, f"{len(steps)} steps"
    assert WAY_OUT.search(steps[-1]), f"the last step gives no way out: {steps[-1]}"
    for step in steps:
        assert gentle_notes(step) == [], step


@pytest.mark.parametrize(("pose", "modification"), MODIFICATIONS, ids=MODIFICATION_IDS)
def test_every_prop_a_version_names_is_listed_and_drawn(pose, modification):
    figure = FIGURES[(pose["slug"], modification["slug"])]
    shapes = [figure, figure.get("end") or {}]
    drawn = {prop["kind"] for shape in shapes for prop in shape.get("props", [])}
    for step in [modification["name"], *modification.get("steps", [])]:
        for word in {match.lower() for match in PROP_WORDS.findall(step)}:
            assert word in modification["props"], f"{word} is not in what you'll need: {step}"
            assert ({word} | DRAWN_AS.get(word, set())) & drawn, f"{word} is not drawn: {step}"


def _letters(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower()).strip()


@pytest.mark.parametrize(("pose", "modification"), MODIFICATIONS, ids=MODIFICATION_IDS)
def test_a_version_repeats_no_line_of_its_poses_steps(pose, modification):
    # The version is printed instead of the pose's steps: a client whose precautions ruled out
    # the pose's movement must not meet one of its lines, even inside a longer sentence.
    version = [_letters(step) for step in modification["steps"]]
    for line in pose["steps"]:
        assert not any(_letters(line) in step for step in version), line


def test_no_library_practice_asks_anyone_to_hold_the_breath():
    assert not any("breath_retention" in pose["attributes"] for pose in POSES)


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda d: d["poses"][0].update(category="yoga"), "is not one of"),
        (lambda d: d["poses"][0].update(attributes=["flying"]), "is not one of"),
        (lambda d: d["poses"][0].update(hold={"breaths": 5, "seconds": 30}), "hold"),
        (lambda d: d["poses"][0].update(modifications=d["poses"][0]["modifications"][:1]), "short"),
        (lambda d: d["poses"][0].update(alternatives=["no-such-pose"]), "not another pose"),
        (lambda d: d["poses"][0]["modifications"][0].pop("steps"), "'steps' is a required"),
        (lambda d: d["poses"][0]["modifications"][0].update(steps=["Only one."]), "short"),
        (lambda d: d["poses"][1].update(slug=d["poses"][0]["slug"]), "duplicate pose slug"),
        (
            lambda d: d["poses"][0]["modifications"][0].update(removes=["inversion"]),
            "does not have",
        ),
    ],
)
def test_the_schema_catches_mistakes(break_it, expected):
    data = copy.deepcopy(DATA)
    break_it(data)
    problems = library_problems(data)
    assert any(expected in problem for problem in problems), problems


def test_a_broken_file_is_refused_whole(db):
    data = copy.deepcopy(DATA)
    data["poses"][0]["category"] = "yoga"
    with pytest.raises(LibraryError):
        sync_library(data)


def test_migrate_loaded_the_whole_library(db):
    assert Pose.objects.filter(studio=None, retired=False).count() == len(POSES)
    butterfly = library_pose("butterfly")
    assert "baddha konasana" in butterfly.search_text
    assert butterfly.alternatives.exists()


def test_reloading_updates_in_place_without_duplicating_or_breaking_routines(db):
    step = RoutineStepFactory(pose=library_pose("childs-pose"))
    counts = (Pose.objects.count(), Modification.objects.count())
    data = copy.deepcopy(DATA)
    data["poses"][0]["summary"] = "A new summary."
    report = sync_library(data)
    assert (Pose.objects.count(), Modification.objects.count()) == counts
    assert report.created == []
    step.refresh_from_db()
    assert step.pose.summary == "A new summary."


def test_a_pose_dropped_from_the_file_is_retired_not_deleted(db):
    step = RoutineStepFactory(pose=library_pose("childs-pose"))
    data = copy.deepcopy(DATA)
    data["poses"] = [p for p in data["poses"] if p["slug"] != "childs-pose"]
    for pose in data["poses"]:
        pose["alternatives"] = [s for s in pose["alternatives"] if s != "childs-pose"] or [
            data["poses"][0]["slug"] if pose is not data["poses"][0] else data["poses"][1]["slug"]
        ]
    report = sync_library(data)
    assert report.retired == ["childs-pose"]
    step.refresh_from_db()
    assert step.pose.retired
    studio = step.routine.studio
    assert not Pose.objects.visible_to(studio).filter(slug="childs-pose").exists()
    sync_library()  # back in the file: back in the library, same row
    assert Pose.objects.get(pk=step.pose_id).retired is False
