""" "Other ways to do this": every way offered passes the safety checker for the client, and
is named without ranking."""

import re

import pytest

from clients.demo import seed_clients
from routines.builder.body import step_shapes
from routines.builder.other_ways import (
    MOST_OFFERED,
    ShapeChecks,
    choose,
    every_way,
    version_key,
    version_props,
)
from routines.builder.safety import Intake, check_shape, default_sides
from routines.library.loader import read_library
from tests.clinical_library import LIBRARY, options_of
from tests.clinical_table import PROFILES
from tests.test_safety_clinical import TODAY, intake_of

# Words that rank one way above another: choices are offered side by side, never graded.
RANKING = re.compile(
    r"\b(easier|easy|harder|hard|beginners?|advanced|intermediate|regressions?|progressions?|"
    r"modified|simpler|basic|challeng\w*|level|gentler|stronger|deeper|full|proper|correct)\b",
    re.IGNORECASE,
)


def _steps():
    """Every library pose and modification as a step, on each side it is done on."""
    for pose in LIBRARY:
        for modification in [None, *pose.library_modifications]:
            for sides in {default_sides(pose), *(("left", "right") if pose.both_sides else ())}:
                yield pose, modification, sides


def _offered_with_findings(intake: Intake) -> tuple[int, list[str]]:
    checks = ShapeChecks(intake)
    offered, wrong = 0, []
    for pose, modification, sides in _steps():
        ways = choose(checks, pose=pose, modification=modification, sides=sides, **options_of(pose))
        assert len(ways) <= MOST_OFFERED
        assert version_key(pose, modification) not in {way.key for way in ways}
        for way in ways:
            offered += 1
            # Checked afresh, not through the chooser's cache.
            found = check_shape(
                intake, pose=way.pose, modification=way.modification, sides=way.sides
            )
            if any(a.is_conflict or a.key.startswith(("trigger:", "touch")) for a in found):
                wrong.append(f"{pose.slug} -> {way.pose.slug}: {[a.reason for a in found]}")
            assert not found, (pose.slug, way.pose.slug, [a.reason for a in found])
    return offered, wrong


@pytest.mark.parametrize("profile", PROFILES, ids=[p.name for p in PROFILES])
def test_no_way_offered_to_a_clinical_profile_raises_a_conflict_or_a_heads_up(profile):
    offered, wrong = _offered_with_findings(intake_of(profile))
    assert wrong == []
    # The test would pass vacuously if nothing were ever offered.
    assert offered > len(LIBRARY)


def test_no_way_offered_to_a_demo_client_raises_a_conflict_or_a_heads_up(world):
    seed_clients(world.studio, world.alice, world.bob)
    clients = list(world.studio.clients.all())
    assert len(clients) >= 3
    for client in clients:
        offered, wrong = _offered_with_findings(Intake.of(client, TODAY))
        assert wrong == [], client.preferred_name
        assert offered > 0, client.preferred_name


def test_ways_are_chosen_for_variety_of_place_or_props():
    intake = intake_of(PROFILES[0])
    checks = ShapeChecks(intake)
    pose = next(p for p in LIBRARY if p.slug == "reclined-figure-four")
    ways = choose(checks, pose=pose, modification=None, sides="right", **options_of(pose))
    assert len(ways) == MOST_OFFERED

    def look(p, m, s):
        return step_shapes(p, m, s)[0][1].place, version_props(p, m)

    looks = [look(pose, None, "right")] + [look(w.pose, w.modification, w.sides) for w in ways]
    assert len(set(looks)) == len(looks), looks


def test_a_pinned_way_comes_first_and_a_removed_one_is_never_offered():
    checks = ShapeChecks(intake_of(PROFILES[0]))
    pose = next(p for p in LIBRARY if p.slug == "reclined-figure-four")
    every = every_way(checks, pose=pose, modification=None, sides="right", **options_of(pose))
    assert len(every) > 3
    last = every[-1][0]
    first = every[0][0]
    ways = choose(
        checks,
        pose=pose,
        modification=None,
        sides="right",
        pinned=[last.key],
        removed=[first.key],
        **options_of(pose),
    )
    assert ways[0].key == last.key and ways[0].pinned
    assert first.key not in {way.key for way in ways}


def test_no_library_version_that_may_be_offered_is_named_with_a_ranking_word():
    names = [
        name
        for pose in read_library()["poses"]
        for name in [pose["name"], *(m["name"] for m in pose["modifications"])]
    ]
    assert [name for name in names if RANKING.search(name)] == []
