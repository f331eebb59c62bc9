"""The safety engine (routines/builder/safety.py) and its data (clients/safety_rules.py),
table-driven.

Library poses come from routines/library/data/poses.yaml; precautions are built in memory, since the
engine reads only what it is handed.
"""

import re
from datetime import date, timedelta

import pytest

from clients.models import Precaution
from clients.safety_rules import (
    MEASURE_WORDS,
    PREFERENCE_SHAPES,
    RULES,
    TRIGGER_SHAPES,
    TRIGGER_WORDS,
    USUAL_RESTRICTIONS,
)
from clients.vocabulary import BodySide, Condition, TouchConsent, TriggerCategory
from practice.vocabulary import Movement
from routines.builder.body import angle_tag_disagreements, step_shapes
from routines.builder.safety import Intake, Level, Summary, check_pose, check_step, suits
from routines.library.vocabulary import Position, Sides
from tests.clinical_library import LIBRARY, modification_named, options_of, pose_named
from tests.factories import ModificationFactory, PoseFactory, library_pose

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 5)


def _precaution(condition=Condition.HIP_REPLACEMENT_POSTERIOR, side=BodySide.BOTH, **fields):
    fields.setdefault("restricted_movements", USUAL_RESTRICTIONS[condition])
    fields.setdefault("start_date", TODAY - timedelta(days=40))
    return Precaution(condition=condition, side=side, **fields)


def _intake(*precautions, triggers=(), touch=TouchConsent.YES, preferences=()):
    return Intake(
        name="Rosa",
        precautions=tuple(p for p in precautions if p.is_active(TODAY)),
        triggers=tuple(triggers),
        touch_consent=touch,
        preferences=tuple(preferences),
        today=TODAY,
    )


def _step(intake, slug, modification="", sides=None, with_options=False):
    pose = pose_named(slug)
    chosen = modification_named(pose, modification)
    options = options_of(pose) if with_options else {}
    return check_step(
        intake,
        pose=pose,
        modification=chosen,
        sides=sides or (Sides.BOTH if pose.both_sides else Sides.NOT_APPLICABLE),
        **options,
    )


# --- Each condition, a few shapes (the full table is tests/test_safety_clinical.py) -----------

# (condition, [(pose slug, modification slug or "")] in conflict, [...] not in conflict)
CONDITION_CASES = [
    (
        Condition.HIP_REPLACEMENT_POSTERIOR,
        [
            ("happy-baby", ""),
            ("happy-baby", "hold-backs-of-thighs"),  # gentler, yet still about 120°
            ("knees-to-chest", ""),
            ("childs-pose", ""),
            ("childs-pose", "knees-to-chest-lying-down"),
            ("chair-figure-four", ""),  # the crossed hip bends to about 100°
            ("reclined-twist", ""),  # the top leg crosses and turns in
            ("windshield-wiper-legs", ""),  # one hip turns in
        ],
        [
            ("knees-to-chest", "calves-on-chair"),
            ("side-lying-clamshell", "pillow-between-knees"),
            ("constructive-rest", ""),
            ("mountain-pose", ""),
            ("warrior-ii", ""),
            ("seated-chair-twist", ""),
            ("chair-hip-march", "heel-lifts"),
            ("side-lying-clamshell", ""),  # about 45° and opening out: no posterior limit
        ],
    ),
    (
        Condition.HIP_REPLACEMENT_ANTERIOR,
        [("low-lunge", ""), ("lizard", ""), ("low-lunge", "standing-lunge")],
        [
            ("supported-bridge", ""),  # the hips come to neutral, not past it
            ("half-frog", ""),  # lying on the front: a protocol question, a heads-up
            ("half-frog", "side-lying"),
            ("butterfly", ""),  # turned out with the hip bent: not the risk
            ("chair-hip-march", ""),
        ],
    ),
    (
        Condition.HIP_REPLACEMENT_LATERAL,
        [("side-lying-clamshell", ""), ("happy-baby", "")],
        # Legs apart with the feet down or the knees resting open is passive abduction.
        [
            ("mountain-pose", ""),
            ("seated-chair-twist", ""),
            ("warrior-ii", ""),
            ("goddess-pose", ""),
        ],
    ),
    (
        Condition.KNEE_INJURY,
        [("childs-pose", ""), ("pigeon-prep", ""), ("garland-on-block", ""), ("cat-cow", "")],
        [
            ("cat-cow", "chair-cat-cow"),
            ("knees-to-chest", "calves-on-chair"),
            ("standing-hip-circles", ""),
            ("chair-figure-four", ""),
        ],
    ),
    (
        Condition.SI_JOINT,
        [("butterfly", ""), ("reclined-twist", ""), ("warrior-ii", ""), ("low-lunge", "")],
        # Knees-to-chest is a common relief shape.
        [("mountain-pose", ""), ("constructive-rest", ""), ("knees-to-chest", "")],
    ),
    (
        Condition.LUMBAR_DISC,
        [("reclined-twist", ""), ("cat-cow", ""), ("chair-forward-hinge", "rounded-rest")],
        # Hinging from the hips with a long spine is the advice, not a conflict.
        [("chair-forward-hinge", ""), ("mountain-pose", ""), ("supported-bridge", "")],
    ),
    (
        Condition.OSTEOPOROSIS,
        [("chair-forward-hinge", "rounded-rest"), ("cat-cow", "")],
        # Gentle twists were tolerated in the large study; a supported fish is a mild backbend.
        [("seated-chair-twist", ""), ("mountain-pose", ""), ("supported-fish", "lower-support")],
    ),
    (
        Condition.PREGNANCY,
        [("half-frog", ""), ("reclined-twist", ""), ("pigeon-prep", "")],
        [
            ("side-lying-clamshell", ""),
            ("mountain-pose", ""),
            ("constructive-rest", ""),  # lying on the back: "check with the care provider"
            ("legs-up-the-wall", "calves-on-chair"),
            ("half-frog", "side-lying"),
        ],
    ),
    (
        Condition.HYPERMOBILITY,
        [("lying-hamstring-stretch", ""), ("frog-pose", ""), ("pigeon-prep", ""), ("lizard", "")],
        [("lying-hamstring-stretch", "bent-knee-towel"), ("mountain-pose", ""), ("butterfly", "")],
    ),
]


@pytest.mark.parametrize(
    ("condition", "slug", "modification", "flagged"),
    [
        (condition, slug, modification, flagged)
        for condition, yes, no in CONDITION_CASES
        for flagged, cases in ((True, yes), (False, no))
        for slug, modification in cases
    ],
)
def test_each_condition_flags_the_poses_it_should(condition, slug, modification, flagged):
    check = _step(_intake(_precaution(condition)), slug, modification)
    assert bool(check.conflicts) is flagged, [a.reason for a in check.advisories]


def test_the_reason_names_version_side_joint_angle_limit_who_set_it_and_the_date():
    precaution = _precaution(side=BodySide.LEFT, end_date=date(2026, 1, 17), set_by="surgeon")
    check = _step(_intake(precaution), "reclined-figure-four", "strap-behind-thigh", Sides.RIGHT)
    assert [a.reason for a in check.conflicts] == [
        "On the right side, Reclined figure four, “Strap behind the thigh”, bends the left hip "
        "to about 95°; Rosa's limit is 90° of flexion, left hip, set by the surgeon (Rosa's "
        "total hip replacement, posterior approach, left, until 17 Jan (ends in 12 days))"
    ]
    conflict = check.conflicts[0]
    assert "Eannucci" in conflict.source and "2019" in conflict.source
    assert "45°" in conflict.note  # the rule's note explains flexion limits


def test_a_surgeons_own_limit_replaces_the_usual_one_and_is_shown_beside_the_advisory():
    precaution = _precaution(
        side=BodySide.LEFT, hip_flexion_limit="45", set_by="surgeon", note="Surgeon's letter"
    )
    intake = _intake(precaution)
    chair = _step(intake, "mountain-pose", "seated-mountain")
    assert [a.level for a in chair.advisories] == [Level.CONFLICT]
    assert "Rosa's own limit is 45° of flexion, left hip, set by the surgeon" in (
        chair.advisories[0].reason
    )
    assert chair.advisories[0].own_limit == "45° of hip flexion, set by the surgeon"
    assert chair.advisories[0].client_note == "Surgeon's letter"
    hook_lying = _step(intake, "constructive-rest")
    assert [a.level for a in hook_lying.advisories] == [Level.HEADS_UP]  # about 45°: at it
    assert _step(intake, "mountain-pose").advisories == []


def test_the_usual_90_degrees_passes_a_chair_with_a_heads_up_only():
    check = _step(_intake(_precaution()), "mountain-pose", "seated-mountain")
    assert [a.level for a in check.advisories] == [Level.HEADS_UP]
    assert "bends the left hip to about 90°, close to Rosa's limit: 90° of flexion" in (
        check.advisories[0].reason
    )


# --- Dates and sides ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "raises", "says"),
    [
        (-40, -1, False, ""),  # expired: stays on record, raises nothing
        (3, None, False, ""),  # not started yet
        (-40, None, True, "until cleared)"),
        (-40, 0, True, "(ends today))"),
        (-40, 14, True, "(ends in 14 days))"),
        (-40, 15, True, "until 20 Jan)"),
        (-40, 400, True, "until 9 Feb 2027)"),
    ],
)
def test_dates(start, end, raises, says):
    precaution = _precaution(
        start_date=TODAY + timedelta(days=start),
        end_date=TODAY + timedelta(days=end) if end is not None else None,
    )
    check = _step(_intake(precaution), "knees-to-chest")
    assert bool(check.conflicts) is raises
    if raises:
        assert check.conflicts[0].reason.endswith(says)
        assert ("(ends" in check.conflicts[0].reason) is ("ends" in says)


# Which hip a one-sided step puts at risk, joint by joint (domain brief: "which hip does what").
@pytest.mark.parametrize(
    ("slug", "precaution_side", "step_sides", "level"),
    [
        # Figure four on the right draws the LEFT hip in past 90°; the right hip crosses at 90°.
        ("reclined-figure-four", BodySide.LEFT, Sides.RIGHT, Level.CONFLICT),
        ("reclined-figure-four", BodySide.LEFT, Sides.LEFT, Level.HEADS_UP),
        ("reclined-figure-four", BodySide.RIGHT, Sides.LEFT, Level.CONFLICT),
        # A twist to the right lays the LEFT leg on top, across and turned in.
        ("reclined-twist", BodySide.LEFT, Sides.RIGHT, Level.CONFLICT),
        ("reclined-twist", BodySide.RIGHT, Sides.LEFT, Level.CONFLICT),
        # Windshield wipers to the right turn the LEFT hip in.
        ("windshield-wiper-legs", BodySide.LEFT, Sides.RIGHT, Level.CONFLICT),
        ("windshield-wiper-legs", BodySide.LEFT, Sides.LEFT, None),
        # A seated figure four on a chair bends the crossed hip past 90°.
        ("chair-figure-four", BodySide.LEFT, Sides.LEFT, Level.CONFLICT),
        ("chair-figure-four", BodySide.LEFT, Sides.RIGHT, Level.HEADS_UP),
        ("chair-figure-four", BodySide.LEFT, Sides.BOTH, Level.CONFLICT),
        ("chair-figure-four", BodySide.BOTH, Sides.RIGHT, Level.CONFLICT),
        ("chair-figure-four", BodySide.NOT_APPLICABLE, Sides.LEFT, Level.CONFLICT),
    ],
)
def test_sides_are_checked_joint_by_joint(slug, precaution_side, step_sides, level):
    check = _step(_intake(_precaution(side=precaution_side)), slug, sides=step_sides)
    worst = Level.CONFLICT if check.conflicts else (Level.HEADS_UP if check.advisories else None)
    assert worst == level, [a.reason for a in check.advisories]


@pytest.mark.parametrize(
    ("slug", "step_sides", "kneels"),
    [
        ("lizard", Sides.LEFT, True),  # the right knee is the back knee, on the floor
        ("lizard", Sides.RIGHT, False),
        ("low-lunge", Sides.LEFT, True),
        ("low-lunge", Sides.RIGHT, False),
    ],
)
def test_the_back_knee_of_a_lunge_is_the_other_side(slug, step_sides, kneels):
    knee = _precaution(Condition.KNEE_INJURY, side=BodySide.RIGHT)
    check = _step(_intake(knee), slug, sides=step_sides)
    assert ("kneeling_load" in {a.movement for a in check.conflicts}) is kneels


def test_an_anterior_hip_may_not_step_back_but_may_lead():
    anterior = _precaution(Condition.HIP_REPLACEMENT_ANTERIOR, side=BodySide.LEFT)
    assert _step(_intake(anterior), "low-lunge", sides=Sides.RIGHT).conflicts
    assert not _step(_intake(anterior), "low-lunge", sides=Sides.LEFT).advisories


# --- Triggers, preferences, touch and "check with the care provider" ---------------------------


@pytest.mark.parametrize(
    ("category", "slug", "modification", "raises"),
    [
        (TriggerCategory.LYING_ON_BACK, "constructive-rest", "", True),
        (TriggerCategory.LYING_ON_BACK, "constructive-rest", "seated-rest", False),
        (TriggerCategory.LYING_ON_BACK, "side-lying-clamshell", "", False),  # side-lying
        (TriggerCategory.LEGS_APART, "butterfly", "", True),
        (TriggerCategory.LEGS_APART, "happy-baby", "knees-together-to-chest", False),
        (TriggerCategory.EYES_CLOSED, "childs-pose", "", True),
        (TriggerCategory.EYES_CLOSED, "resting-stillness", "", False),
        (TriggerCategory.EYES_CLOSED, "resting-stillness", "eyes-closed", True),
        (TriggerCategory.SOMEONE_BEHIND, "half-frog", "", True),
        (TriggerCategory.SOMEONE_BEHIND, "childs-pose", "", True),
        (TriggerCategory.SOMEONE_BEHIND, "cat-cow", "", True),
        (TriggerCategory.SOMEONE_BEHIND, "cat-cow", "chair-cat-cow", False),
        (TriggerCategory.SOMEONE_BEHIND, "mountain-pose", "", False),
        (TriggerCategory.WORDS, "childs-pose", "", False),  # no shape matches words
        (TriggerCategory.SOUNDS, "constructive-rest", "", False),
    ],
)
def test_each_trigger_category(category, slug, modification, raises):
    check = _step(_intake(triggers=[category]), slug, modification)
    assert not check.conflicts
    assert bool(check.heads_ups) is raises
    if raises:
        assert f"Rosa's trigger, {TriggerCategory(category).label.lower()}" in (
            check.heads_ups[0].reason
        )


def test_prefers_eyes_open_flags_forehead_down_shapes():
    intake = _intake(preferences=["prefers_eyes_open"])
    assert [a.reason for a in _step(intake, "childs-pose").heads_ups] == [
        "Child's pose invites closing the eyes or resting the forehead down: Rosa prefers to "
        "keep the eyes open"
    ]
    # A gentler version is credited: the head turns to one side, the eyes can stay open.
    assert _step(intake, "childs-pose", "forehead-on-block-eyes-open").advisories == []
    assert _step(intake, "childs-pose", "knees-to-chest-lying-down").advisories == []


@pytest.mark.parametrize(
    ("touch", "triggers", "raises"),
    [
        (TouchConsent.NO, [], True),
        (TouchConsent.ASK, [], True),
        (TouchConsent.YES, [], False),
        (TouchConsent.YES, [TriggerCategory.TOUCH], True),
    ],
)
def test_touch_consent_and_the_hands_on_help_mark(world, touch, triggers, raises):
    hands_on = PoseFactory(studio=world.studio, attributes=["hands_on_help"], teacher_notes="")
    # Words in the notes are never read as an offer of touch.
    words_only = PoseFactory(
        studio=world.studio,
        attributes=[],
        teacher_notes="Hands on the belly; a light hands-on assist at the sacrum helps some.",
    )
    intake = _intake(touch=touch, triggers=triggers)
    assert bool(check_pose(intake, hands_on)) is raises
    assert check_pose(intake, words_only) == []


def test_pregnancy_and_lying_on_the_back_is_a_check_with_the_care_provider():
    check = _step(_intake(_precaution(Condition.PREGNANCY)), "constructive-rest")
    assert not check.conflicts
    assert "check with Rosa's care provider" in check.heads_ups[0].reason
    assert "Polis" in check.heads_ups[0].source


def test_a_teacher_changed_list_overrides_the_usual_rule():
    cleared = _precaution(restricted_movements=[Movement.HIP_INTERNAL_ROTATION])
    assert not _step(_intake(cleared), "knees-to-chest").conflicts
    assert _step(_intake(cleared), "windshield-wiper-legs").conflicts


# --- Fixes ---------------------------------------------------------------------------------


def test_the_nearest_version_that_passes_is_the_first_fix():
    check = _step(_intake(_precaution()), "knees-to-chest", with_options=True)
    assert check.fixes[0].label == "Choose “Calves resting on a chair”"
    assert not check.fixes[0].swap
    # Holding behind the thighs is gentler, but still about 105°: never offered.
    assert "Choose “Hands behind the thighs”" not in [fix.label for fix in check.fixes]


def test_fixes_for_posterior_hip_never_conflict_themselves():
    intake = _intake(
        _precaution(side=BodySide.LEFT, hip_flexion_limit="60"),
        _precaution(Condition.KNEE_INJURY, side=BodySide.RIGHT),
        triggers=[TriggerCategory.LYING_ON_BACK],
    )
    for slug in ("happy-baby", "childs-pose", "knees-to-chest", "reclined-figure-four", "lizard"):
        check = _step(intake, slug, with_options=True)
        triggers = {a.key for a in check.advisories if a.key.startswith("trigger:")}
        for fix in check.fixes:
            after = check_step(
                intake,
                pose=fix.pose,
                modification=fix.modification,
                sides=Sides.BOTH if fix.pose.both_sides else Sides.NOT_APPLICABLE,
            )
            assert not after.conflicts, (slug, fix.label)
            assert {a.key for a in after.advisories if a.key.startswith("trigger:")} <= triggers


def test_fixes_are_ranked_by_closeness_and_bring_no_new_trigger():
    intake = _intake(_precaution(), triggers=[TriggerCategory.LYING_ON_BACK])
    happy = _step(intake, "happy-baby", with_options=True).fixes
    assert happy[0].label == "Swap for Knees to chest, with “Calves resting on a chair”"
    assert [fix.distance for fix in happy] == sorted(fix.distance for fix in happy)
    # Child's pose is not on the back: a lying-down fix would bring the trigger's shape.
    childs = [fix.label for fix in _step(intake, "childs-pose", with_options=True).fixes]
    assert childs == ["Swap for Constructive rest, with “Seated rest”"]


def test_no_fix_is_offered_when_no_version_stays_within_the_limit_and_it_says_why(world):
    hug = {"view": "side", "body": {"pitch": -90}, "joints": {"hips": {"flex": 120}}}
    pose = PoseFactory(studio=world.studio, attributes=[], figure=hug)
    smaller = {**hug, "joints": {"hips": {"flex": 105}}}
    ModificationFactory(pose=pose, reduces=["hip_flexion_past_90"], figure=smaller)
    check = check_step(
        _intake(_precaution()),
        pose=pose,
        modification=None,
        sides=Sides.NOT_APPLICABLE,
        modifications=list(pose.modifications.all()),
    )
    assert check.conflicts and check.fixes == []
    assert "keep it with a reason, or remove the step" in check.no_fix


def test_kept_conflicts_are_resolved_and_new_ones_are_not():
    hip = _precaution()
    knee = _precaution(Condition.KNEE_INJURY)
    first = _step(_intake(hip), "childs-pose")
    kept = check_step(
        _intake(hip, knee),
        pose=pose_named("childs-pose"),
        modification=None,
        sides=Sides.NOT_APPLICABLE,
        kept_keys=first.conflict_keys,
        kept_reason="Cleared by her physio",
    )
    assert len(kept.kept) == 1
    assert {a.movement for a in kept.unresolved} == {"deep_knee_flexion", "kneeling_load"}
    assert Summary.of([kept]).text == "2 conflicts, 0 heads-ups, 1 kept with a reason"


def test_the_picker_question_is_the_pose_as_it_is():
    intake = _intake(_precaution())
    assert not suits(intake, pose_named("happy-baby"))
    assert suits(intake, pose_named("constructive-rest"))


# --- The data a teacher reads and extends ----------------------------------------------------


def test_every_limit_has_words_and_every_condition_a_rule_with_a_full_source():
    assert set(RULES) == set(Condition.values)
    for condition, rule in RULES.items():
        if not rule.limits:
            continue  # "Other": whoever set the precaution is its source
        # An author or organisation, a title in quotes and a year a teacher can look up.
        assert re.search(r"“[^”]+”", rule.source), condition
        assert re.search(r"\b(19|20)\d\d\b", rule.source), condition
        assert not set(rule.avoid) & set(rule.check), condition
        assert USUAL_RESTRICTIONS[condition] == list(rule.avoid)
        for limit in rule.limits:
            assert limit.measure in MEASURE_WORDS, limit
        # A note explains only the movements the rule limits.
        assert set(rule.notes) <= {limit.movement for limit in rule.limits}, condition
    shapes = {m for ms in (*TRIGGER_SHAPES.values(), *PREFERENCE_SHAPES.values()) for m in ms}
    assert shapes <= set(TRIGGER_WORDS)


def test_acronyms_keep_their_capitals_in_reasons():
    check = _step(_intake(_precaution(Condition.SI_JOINT)), "reclined-twist", sides=Sides.RIGHT)
    assert "Rosa's SI joint dysfunction" in check.conflicts[0].reason


def test_a_rules_note_is_only_on_the_advisories_it_explains():
    pregnancy = _intake(_precaution(Condition.PREGNANCY))
    prone = _step(pregnancy, "half-frog", sides=Sides.RIGHT)
    assert all("lying on the back" not in a.note for a in prone.advisories)
    supine = _step(pregnancy, "constructive-rest")
    assert "lying on the back" in supine.heads_ups[0].note


def test_the_sources_named_in_the_domain_brief_are_cited():
    cited = {condition: rule.source for condition, rule in RULES.items()}
    assert "10.1007/s11420-019-09708-9" in cited[Condition.HIP_REPLACEMENT_POSTERIOR]
    assert "Duke" in cited[Condition.HIP_REPLACEMENT_ANTERIOR]
    assert "Roger Cole" in cited[Condition.KNEE_INJURY]
    assert "Roger Cole" in cited[Condition.SI_JOINT]
    assert "24016820" in cited[Condition.OSTEOPOROSIS]
    assert "Obstetrics & Gynecology, 2015" in cited[Condition.PREGNANCY]
    assert "hypermobility" in cited[Condition.HYPERMOBILITY].lower()


# The movement tags of the poses the domain brief names (and those the review corrected), now
# agreeing with the figures' angles: a figure four turns the crossed hip out but does not draw
# it across the midline; a seated figure four bends the crossed hip past 90°; pigeon's front hip
# bends past 90° (about 140°: sitting up, the pelvis tips forward over the front leg while the
# back hip extends only about 30°); a cross-legged seat bends the knees deeply.
PINNED_TAGS = {
    "childs-pose": (
        Position.KNEELING,
        {
            "kneeling_load",
            "deep_knee_flexion",
            "hip_flexion_past_90",
            "spinal_flexion",
            "eyes_closed_or_forehead_down",
        },
    ),
    "happy-baby": (Position.SUPINE, {"supine", "hip_flexion_past_90", "hip_abduction"}),
    "reclined-figure-four": (
        Position.SUPINE,
        {"supine", "hip_external_rotation", "hip_flexion_past_90"},
    ),
    "butterfly": (
        Position.SEATED,
        {
            "hip_abduction",
            "hip_external_rotation",
            "hip_flexion_past_90",
            "deep_knee_flexion",
            "spinal_flexion",
        },
    ),
    "pigeon-prep": (
        Position.KNEELING,
        {
            "kneeling_load",
            "deep_knee_flexion",
            "hip_external_rotation",
            "hip_extension",
            "asymmetric_pelvis",
            "weight_bearing",
            "knee_rotation",
            "end_range_stretch",
            "hip_flexion_past_90",
        },
    ),
    "warrior-ii": (
        Position.STANDING,
        {"weight_bearing", "hip_abduction", "hip_external_rotation", "asymmetric_pelvis"},
    ),
    "belly-breathing": (Position.CHAIR, set()),  # its text seats the client on a chair
    "chair-figure-four": (Position.CHAIR, {"hip_external_rotation", "hip_flexion_past_90"}),
    "supported-fish": (Position.SUPINE, {"supine", "spinal_extension"}),
    "side-lying-clamshell": (Position.SIDE_LYING, {"hip_external_rotation", "hip_abduction"}),
}


@pytest.mark.parametrize("slug", sorted(PINNED_TAGS))
def test_the_tags_of_the_poses_the_domain_brief_names(slug):
    pose = library_pose(slug)
    position, movements = PINNED_TAGS[slug]
    assert pose.position == position
    assert set(pose.attributes) == movements
    breathing = {"belly-breathing", "alternate-nostril-breathing", "longer-exhale-breathing"}
    assert not any("breath_retention" in library_pose(s).attributes for s in breathing)


def test_every_library_tag_agrees_with_the_angles_of_its_figure():
    """Movement tags are a view for filters; the figure's angles are the truth."""
    problems = []
    for pose in LIBRARY:
        for modification in [None, *pose.library_modifications]:
            tags = set(pose.attributes)
            if modification is not None:
                tags = (tags - set(modification.removes)) | set(modification.adds)
            sides = Sides.BOTH if pose.both_sides else Sides.NOT_APPLICABLE
            shapes = [shape for _, shape in step_shapes(pose, modification, sides)]
            version = f"{pose.slug}:{modification.slug if modification else ''}"
            problems += [f"{version}: {p}" for p in angle_tag_disagreements(shapes, tags)]
    assert not problems, "\n".join(problems)


def test_a_client_with_no_precautions_or_triggers_gets_no_advisory_on_any_shape():
    intake = _intake(touch=TouchConsent.ASK)
    for pose in LIBRARY:
        for modification in [None, *pose.library_modifications]:
            for sides in (Sides.LEFT, Sides.RIGHT) if pose.both_sides else (Sides.NOT_APPLICABLE,):
                check = check_step(intake, pose=pose, modification=modification, sides=sides)
                assert check.advisories == [], (pose.slug, modification, sides)
