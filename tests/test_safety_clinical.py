"""The clinical table (tests/clinical_table.py) against the engine, row by row.

One row per profile x library pose x version x side; each row's verdict comes from the
profile's clinical statements. The engine must agree with every row.
"""

from datetime import date, timedelta
from fnmatch import fnmatchcase

import pytest

from clients.models import Precaution
from clients.safety_rules import USUAL_RESTRICTIONS
from routines.builder.safety import Intake, check_step
from tests.clinical_library import LIBRARY, options_of
from tests.clinical_table import CONFLICT, HEADS_UP, OK, PROFILES, Profile

TODAY = date(2026, 12, 3)


def _precaution(spec: dict) -> Precaution:
    days_left = spec.get("days_left")
    return Precaution(
        condition=spec["condition"],
        side=spec["side"],
        restricted_movements=USUAL_RESTRICTIONS[spec["condition"]],
        start_date=TODAY - timedelta(days=30),
        end_date=TODAY + timedelta(days=days_left) if days_left is not None else None,
        set_by="surgeon",
        hip_flexion_limit=str(spec["own"]) if "own" in spec else "",
        note="Surgeon's letter, 3 Dec" if "own" in spec else "",
    )


def intake_of(profile: Profile) -> Intake:
    precautions = [_precaution(spec) for spec in profile.precautions]
    return Intake(
        name="Rosa",
        precautions=tuple(p for p in precautions if p.is_active(TODAY)),
        triggers=profile.triggers,
        touch_consent=profile.touch,
        preferences=profile.preferences,
        today=TODAY,
    )


def rows(profile: Profile):
    """(pose, modification, side, expected verdict, reason) for every shape."""
    for pose in LIBRARY:
        for modification in [None, *pose.library_modifications]:
            version = modification.slug if modification else ""
            for side in ("right", "left") if pose.both_sides else ("na",):
                name = f"{pose.slug}:{version}@{side}"
                verdict, reason = OK, profile.fine
                for level, patterns, why in profile.statements:
                    if any(_matches(name, pattern) for pattern in patterns):
                        verdict, reason = level, why
                        break
                yield pose, modification, side, verdict, reason


def _matches(name: str, pattern: str) -> bool:
    if "@" not in pattern:
        pattern += "@*"
    pose_version, side = pattern.rsplit("@", 1)
    if ":" not in pose_version:
        pose_version += ":*"
    return fnmatchcase(name, f"{pose_version}@{side}")


def verdict_of(check) -> str:
    if check.conflicts:
        return CONFLICT
    return HEADS_UP if check.advisories else OK


@pytest.mark.parametrize("profile", PROFILES, ids=[p.name for p in PROFILES])
def test_the_engine_agrees_with_every_row_of_the_clinical_table(profile):
    intake = intake_of(profile)
    disagreements = []
    for pose, modification, side, expected, reason in rows(profile):
        check = check_step(intake, pose=pose, modification=modification, sides=side)
        if verdict_of(check) != expected:
            version = modification.slug if modification else ""
            said = "; ".join(a.reason for a in check.advisories) or "nothing"
            disagreements.append(
                f"{pose.slug}:{version}@{side}: expected {expected} ({reason}); engine said {said}"
            )
    assert not disagreements, "\n".join(disagreements)


def test_the_table_has_fifteen_profiles_and_covers_every_shape_and_side():
    assert len(PROFILES) >= 15
    shapes = sum(
        (1 + len(pose.library_modifications)) * (2 if pose.both_sides else 1) for pose in LIBRARY
    )
    assert shapes > 177
    assert all(len(list(rows(profile))) == shapes for profile in PROFILES)


def test_every_statement_names_shapes_that_exist():
    names = [
        f"{pose.slug}:{m.slug if m else ''}@{side}"
        for pose in LIBRARY
        for m in [None, *pose.library_modifications]
        for side in (("right", "left") if pose.both_sides else ("na",))
    ]
    for profile in PROFILES:
        for _, patterns, _ in profile.statements:
            for pattern in patterns:
                assert any(_matches(name, pattern) for name in names), (profile.name, pattern)


def _sides_done(pose, step_side: str, swap: bool) -> list[str]:
    """The sides a fix is done on: the step's own for a version of its pose; each side for a
    pose swapped in (the teacher sets its sides afresh)."""
    if not pose.both_sides:
        return ["na"]
    return ["right", "left"] if swap else [step_side]


@pytest.mark.parametrize("profile", PROFILES, ids=[p.name for p in PROFILES])
def test_no_fix_offered_for_any_row_breaks_a_limit_or_brings_a_trigger(profile):
    """A property of every conflict in the table: each fix offered, checked on its own shape
    and each side it would be done on, has no conflict and no trigger the step did not have."""
    intake = intake_of(profile)
    broken, offered = [], 0
    for pose, modification, side, expected, _ in rows(profile):
        if expected != CONFLICT:
            continue
        check = check_step(
            intake, pose=pose, modification=modification, sides=side, **options_of(pose)
        )
        triggers = {a.key for a in check.advisories if a.key.startswith("trigger:")}
        for fix in check.fixes:
            offered += 1
            for fix_side in _sides_done(fix.pose, side, fix.swap):
                after = check_step(
                    intake, pose=fix.pose, modification=fix.modification, sides=fix_side
                )
                brought = {a.key for a in after.advisories if a.key.startswith("trigger:")}
                if after.conflicts or brought - triggers:
                    said = "; ".join(a.reason for a in after.conflicts) or ", ".join(brought)
                    broken.append(f"{pose.slug}:{side} -> {fix.label} on {fix_side}: {said}")
    assert not broken, "\n".join(broken)
    # Each profile with conflicts is offered fixes to check (none offered would pass vacuously).
    if any(row[3] == CONFLICT for row in rows(profile)) and profile.precautions:
        assert offered
