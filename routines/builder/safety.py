"""The safety checker: a routine's steps against its client's precautions, triggers, touch
consent and preferences.

One engine feeds the builder, the picker, the library, the print page, the teacher sheet and
the tests. It is pure: it reads only the objects it is handed (callers prefetch them) and never
queries, renders or writes. What it knows is data in clients/safety_rules.py: each precaution is
a set of limits on joints. What a step does to each joint comes from routines/builder/body.py, which
reads the angles of the very figure the teacher sees, for each side the step is done on.

Two levels: a **conflict** is a joint taken beyond a current precaution's limit; a **heads-up**
is something to think about (within a margin of a limit, a trigger's shape or a preference, a
rule that says "check with the care provider", hands-on help for someone who does not want
touch). A conflict is resolved by a fix (a version whose own shape passes every limit) or by
keeping the step with a reason.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from clients.models import Client, Precaution
from clients.safety_rules import (
    LIMIT_WORDS,
    MEASURE_WORDS,
    PREFERENCE_LABELS,
    PREFERENCE_SHAPES,
    RULES,
    TOUCH_CONSENT_HEADS_UP,
    TRIGGER_SHAPES,
    TRIGGER_WORDS,
    Limit,
)
from clients.vocabulary import BodySide, Condition, SetBy, TriggerCategory
from routines.builder.body import Place, Shape, step_shapes
from routines.library.vocabulary import Movement, Sides
from routines.models import Modification, Pose

M = Movement

# A precaution that ends this soon says so: the teacher may plan the next routine around it.
ENDS_SOON_DAYS = 14
LEGS = ("left", "right")


class Level(StrEnum):
    CONFLICT = "conflict"
    HEADS_UP = "heads_up"


@dataclass(frozen=True)
class Intake:
    """What the checker needs from a client's record, read once for a whole routine."""

    name: str
    precautions: tuple[Precaution, ...]
    triggers: tuple[str, ...]
    touch_consent: str
    preferences: tuple[str, ...]
    today: date

    @classmethod
    def of(cls, client: Client, today: date) -> "Intake":
        """Reads client.precautions and client.triggers: prefetch them for a list of clients."""
        return cls(
            name=client.preferred_name,
            # Expired and not-yet-started precautions stay on record but raise nothing.
            precautions=tuple(p for p in client.precautions.all() if p.is_active(today)),
            triggers=tuple(dict.fromkeys(t.category for t in client.triggers.all())),
            touch_consent=client.touch_consent,
            preferences=tuple(name for name in PREFERENCE_SHAPES if getattr(client, name)),
            today=today,
        )

    @cached_property
    def precaution_texts(self) -> tuple[tuple[str, str], ...]:
        """Each precaution's words and who set it, in the order of `precautions`: built once
        for the many shapes (steps, fixes, the picker's poses) checked against them."""
        return tuple((_precaution_words(self, p), _set_by(p)) for p in self.precautions)

    @cached_property
    def precaution_limits(self) -> tuple[tuple["_Applied", ...], ...]:
        """Each precaution's limits as they apply to this client, worked out once."""
        return tuple(_applied_limits(p) for p in self.precautions)


@dataclass(frozen=True)
class Fix:
    """A way to resolve a step's conflicts: a modification of its pose, or an alternative pose
    (as it is or with one of its modifications), proven by the same check on its own shape."""

    pose: Pose
    modification: Modification | None
    swap: bool
    # Heads-ups the step would still raise after the fix; fewer is better.
    heads_ups: int
    # How far its shape is from the step's (degrees summed over the joints): nearer first.
    distance: float = 0.0
    # Set by the routine's check when another step already is this version.
    same_as_step: int | None = None

    @property
    def label(self) -> str:
        if not self.swap:
            if self.modification is None:
                return "Do the pose as it is, without the modification"
            return f"Choose “{self.modification.name}”"
        if self.modification is None:
            return f"Swap for {self.pose.name}"
        return f"Swap for {self.pose.name}, with “{self.modification.name}”"


@dataclass(frozen=True)
class Advisory:
    level: Level
    # Stable across page loads: a step kept with a reason remembers which conflicts it kept.
    key: str
    movement: str
    reason: str
    source: str
    note: str = ""
    # The client's own limit, when the teacher wrote one: "45° (set by the surgeon)".
    own_limit: str = ""
    # The precaution's note as the teacher wrote it ("Surgeon's letter, 3 Dec"): shown beside.
    client_note: str = ""

    @property
    def is_conflict(self) -> bool:
        return self.level == Level.CONFLICT

    @property
    def movement_label(self) -> str:
        return Movement(self.movement).label if self.movement else "hands-on help"


@dataclass
class StepCheck:
    """Everything the checker says about one step."""

    advisories: list[Advisory] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    kept_keys: frozenset[str] = frozenset()
    kept_reason: str = ""
    # Said when a conflict has no fix: why, and what the teacher can do instead.
    no_fix: str = ""

    @property
    def conflicts(self) -> list[Advisory]:
        return [a for a in self.advisories if a.is_conflict]

    @property
    def unresolved(self) -> list[Advisory]:
        return [a for a in self.conflicts if a.key not in self.kept_keys]

    @property
    def kept(self) -> list[Advisory]:
        return [a for a in self.conflicts if a.key in self.kept_keys]

    @property
    def heads_ups(self) -> list[Advisory]:
        return [a for a in self.advisories if not a.is_conflict]

    @property
    def conflict_keys(self) -> list[str]:
        return [a.key for a in self.conflicts]


@dataclass
class Summary:
    conflicts: int = 0
    unresolved: int = 0
    kept: int = 0
    heads_ups: int = 0

    @classmethod
    def of(cls, checks: Iterable[StepCheck]) -> "Summary":
        summary = cls()
        for check in checks:
            summary.conflicts += len(check.conflicts)
            summary.unresolved += len(check.unresolved)
            summary.kept += len(check.kept)
            summary.heads_ups += len(check.heads_ups)
        return summary

    @property
    def text(self) -> str:
        """ "2 conflicts, 1 heads-up": what a badge or a heading says."""
        parts = [
            f"{self.unresolved} conflict{'s' if self.unresolved != 1 else ''}",
            f"{self.heads_ups} heads-up{'s' if self.heads_ups != 1 else ''}",
        ]
        if self.kept:
            parts.append(f"{self.kept} kept with a reason")
        return ", ".join(parts)


def default_sides(pose: Pose) -> str:
    return Sides.BOTH if pose.both_sides else Sides.NOT_APPLICABLE


def _lower_first(text: str) -> str:
    """Lower-cases a label's first letter for the middle of a sentence, unless the first word
    is an acronym ("SI joint dysfunction" stays as it is)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _day(day: date, today: date) -> str:
    text = f"{day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def _precaution_words(intake: Intake, precaution: Precaution) -> str:
    """ "Rosa's total hip replacement, posterior approach, left, until 17 Jan" """
    words = f"{intake.name}'s {_lower_first(precaution.condition_label)}"
    if precaution.side in (BodySide.LEFT, BodySide.RIGHT):
        words += f", {precaution.side}"
    if precaution.end_date is None:
        return words + ", until cleared"
    words += f", until {_day(precaution.end_date, intake.today)}"
    days_left = (precaution.end_date - intake.today).days
    if days_left <= ENDS_SOON_DAYS:
        words += " (ends today)" if days_left == 0 else f" (ends in {days_left} days)"
    return words


def _set_by(precaution: Precaution) -> str:
    if precaution.set_by == SetBy.SELF_REPORTED:
        return "self-reported"
    return f"set by the {precaution.get_set_by_display().lower()}"


def _rule(precaution: Precaution):
    return RULES.get(precaution.condition, RULES[Condition.OTHER])


# --- Measures: one number per limit, read from the body model -------------------------------

LEG_MEASURES = frozenset(
    {
        "hip_flexion",
        "hip_adduction",
        "hip_internal_rotation",
        "hip_extension",
        "hip_extension_turned_out",
        "hip_active_abduction",
        "stepping_back",
        "knee_flexion",
        "kneeling_load",
        "knee_twist",
    }
)
# A hip turned out by more than this makes extension the anterior approach's classic risk.
TURNED_OUT = 10


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def _leg_measure(shape: Shape, name: str, side: str) -> float:
    leg = shape.legs[side]
    hip, knee = leg.hip, leg.knee
    if name == "hip_flexion":
        return hip.flexion
    if name == "hip_adduction":
        return hip.adduction
    if name == "hip_internal_rotation":
        return hip.internal_rotation
    if name == "hip_extension":
        return hip.extension
    if name == "hip_extension_turned_out":
        return hip.extension if hip.rotation > TURNED_OUT else 0
    if name == "hip_active_abduction":
        return hip.abduction if leg.lifts_out else 0
    if name == "stepping_back":
        # One leg behind the body with weight on it while the other is not: a lunge's back leg.
        return float(leg.behind and knee.bears_weight and not shape.legs[_other(side)].behind)
    if name == "knee_flexion":
        return knee.flexion
    if name == "kneeling_load":
        return float(knee.kneels)
    if name == "knee_twist":
        # Lotus-type load: a deeply bent knee carrying weight while the hip turns out far, so
        # the turn is taken at the knee. At a right angle or less (butterfly with the feet
        # further away, the usual knee-friendly version) the hip carries the turn.
        return float(knee.flexion > 90 and hip.rotation >= 40 and shape.shin_loaded(side))
    raise KeyError(name)


def _body_measure(shape: Shape, name: str) -> float:
    spine = shape.spine
    if name == "wide_legs":
        # Wide-legged shapes (knees fairly straight); a cross-legged seat is not one.
        # On a chair the legs rest apart without load on the pelvis.
        if shape.place == Place.SEATED_CHAIR:
            return 0
        return sum(max(leg.hip.abduction, 0) for leg in shape.legs.values())
    if name == "twist":
        return abs(spine.twist)
    if name == "spine_flexion":
        return max(spine.flexion, 0)
    if name == "loaded_spine_flexion":
        return max(spine.flexion, 0) if spine.loaded else 0
    if name == "spine_extension":
        return max(-spine.flexion, 0)
    if name == "asymmetric_load":
        return float(shape.asymmetric_load)
    if name in ("prone", "supine"):
        return float(shape.place == name)
    if name == "inversion":
        return float(shape.hips_above_heart)
    if name == "legs_apart":
        return float(shape.legs_apart and shape.place not in (Place.STANDING, Place.SEATED_CHAIR))
    if name == "facing_away":
        return float(shape.place == Place.KNEELING and shape.folded_forward)
    if name == "eyes_closed":
        return float(M.EYES_CLOSED_OR_FOREHEAD_DOWN in shape.marks)
    if name == "breath_retention":
        return float(M.BREATH_RETENTION in shape.marks)
    if name == "end_range_stretch":
        return float(M.END_RANGE_STRETCH in shape.marks)
    raise KeyError(name)


def _level(value: float, most: float, margin: float, ask: bool) -> Level | None:
    # Figures are drawn to the whole degree: what is below is drawing noise.
    value = round(value)
    if value < 1 or value <= most - margin:
        return None
    if value > most and not ask:
        return Level.CONFLICT
    return Level.HEADS_UP


@dataclass(frozen=True)
class _Finding:
    level: Level
    limit: Limit
    most: float
    value: float
    step_side: str
    leg: str

    @property
    def rank(self) -> tuple:
        return (self.level == Level.CONFLICT, self.value - self.most)


@dataclass(frozen=True)
class _Applied:
    """One limit of one precaution, as it applies to this client."""

    limit: Limit
    most: float
    legs: tuple[str, ...]
    # Unticked by the teacher: it may still ask ("check with..."), never conflict.
    chosen: bool


def _applied_limits(precaution: Precaution) -> tuple[_Applied, ...]:
    chosen = set(precaution.restricted_movements)
    legs = _hips_of(precaution)
    return tuple(
        _Applied(limit, _most(limit, precaution), legs, limit.movement in chosen)
        for limit in _rule(precaution).limits
        if limit.ask or limit.movement in chosen
    )


def _hips_of(precaution: Precaution) -> tuple[str, ...]:
    return (precaution.side,) if precaution.side in (BodySide.LEFT, BodySide.RIGHT) else LEGS


def _most(limit: Limit, precaution: Precaution) -> float:
    own = precaution.own_hip_flexion_limit if limit.measure == "hip_flexion" else None
    return float(own) if own is not None else limit.most


def _findings(
    applied: tuple[_Applied, ...], shapes: list[tuple[str, Shape]]
) -> dict[str, _Finding]:
    """The worst finding for each restricted movement, over every side the step is done on
    and every joint the precaution covers."""
    worst: dict[str, _Finding] = {}
    for rule_limit in applied:
        limit, most = rule_limit.limit, rule_limit.most
        leg_measure = limit.measure in LEG_MEASURES
        for step_side, shape in shapes:
            if leg_measure:
                measured = [
                    (leg, _leg_measure(shape, limit.measure, leg)) for leg in rule_limit.legs
                ]
            else:
                measured = [("", _body_measure(shape, limit.measure))]
            for leg, value in measured:
                level = _level(value, most, limit.margin, limit.ask)
                # A limit the teacher unticked still asks when sources disagree, never more.
                if level is None or (level == Level.CONFLICT and not rule_limit.chosen):
                    continue
                finding = _Finding(level, limit, most, value, step_side, leg)
                known = worst.get(limit.movement)
                if known is None or finding.rank > known.rank:
                    worst[limit.movement] = finding
    if any(f.level == Level.CONFLICT for f in worst.values()):
        # The conflict already says it: "check with the care provider" would only repeat it.
        worst = {m: f for m, f in worst.items() if not f.limit.ask}
    return worst


def _version(pose: Pose, modification: Modification | None) -> str:
    return f"{pose.name}, “{modification.name}”," if modification else pose.name


def _reason(
    intake: Intake,
    finding: _Finding,
    version: str,
    words: str,
    set_by: str,
    own: bool,
) -> str:
    limit = finding.limit
    where = f"On the {finding.step_side} side, " if finding.step_side else ""
    does = MEASURE_WORDS[limit.measure].format(
        hip=finding.leg, knee=finding.leg, value=round(finding.value)
    )
    text = f"{where}{version} {does}"
    if limit.ask:
        return f"{text}: sources disagree for {words}; check with {intake.name}'s care provider"
    if limit.measure in LIMIT_WORDS:
        bound = LIMIT_WORDS[limit.measure].format(most=round(finding.most), hip=finding.leg)
        whose = f"{intake.name}'s own limit" if own else f"{intake.name}'s limit"
        if finding.level == Level.HEADS_UP:
            return f"{text}, close to {whose}: {bound}, {set_by} ({words})"
        return f"{text}; {whose} is {bound}, {set_by} ({words})"
    return f"{text}; not advised for {words}, {set_by}"


def _precaution_advisories(
    intake: Intake, version: str, shapes: list[tuple[str, Shape]]
) -> list[Advisory]:
    advisories = []
    for precaution, (words, set_by), applied in zip(
        intake.precautions, intake.precaution_texts, intake.precaution_limits, strict=True
    ):
        rule = _rule(precaution)
        for movement, finding in _findings(applied, shapes).items():
            own = (
                finding.limit.measure == "hip_flexion"
                and precaution.own_hip_flexion_limit is not None
            )
            reason = _reason(intake, finding, version, words, set_by, own)
            key = f"{precaution.code}:{'check:' if finding.limit.ask else ''}{movement}"
            advisories.append(
                Advisory(
                    finding.level,
                    key,
                    movement,
                    reason,
                    rule.source,
                    note=rule.notes.get(movement, ""),
                    own_limit=f"{precaution.own_hip_flexion_limit}° of hip flexion, {set_by}"
                    if own
                    else "",
                    client_note=precaution.note,
                )
            )
    return advisories


def _shape_advisories(
    intake: Intake, version: str, shapes: list[tuple[str, Shape]], pose: Pose
) -> list[Advisory]:
    """Triggers, preferences and touch: heads-ups read from the shape, never from words."""
    advisories: list[Advisory] = []
    from_intake = f"What {intake.name} shared at intake"

    def present(measure: str) -> bool:
        return any(_body_measure(shape, measure) > 0 for _, shape in shapes)

    for category in intake.triggers:
        label = _lower_first(TriggerCategory(category).label)
        for measure in TRIGGER_SHAPES.get(category, ()):
            if present(measure):
                reason = f"{version} {TRIGGER_WORDS[measure]}: {intake.name}'s trigger, {label}"
                key = f"trigger:{category}:{measure}"
                advisories.append(Advisory(Level.HEADS_UP, key, "", reason, from_intake))
                break
    for preference in intake.preferences:
        for measure in PREFERENCE_SHAPES[preference]:
            if present(measure):
                prefers = f"{intake.name} {PREFERENCE_LABELS[preference]}"
                reason = f"{version} {TRIGGER_WORDS[measure]}: {prefers}"
                key = f"preference:{preference}:{measure}"
                advisories.append(Advisory(Level.HEADS_UP, key, "", reason, from_intake))
    if any(M.HANDS_ON_HELP in shape.marks for _, shape in shapes):
        advisories.extend(_touch_advisories(intake, version, from_intake))
    return advisories


def _touch_advisories(intake: Intake, version: str, source: str) -> list[Advisory]:
    why = []
    if intake.touch_consent in TOUCH_CONSENT_HEADS_UP:
        why.append(f"{intake.name} {TOUCH_CONSENT_HEADS_UP[intake.touch_consent]}")
    if TriggerCategory.TOUCH in intake.triggers:
        why.append(f"{intake.name}'s trigger, touch")
    if not why:
        return []
    reason = f"The teacher offers hands-on help in {version}: {'; '.join(why)}"
    return [Advisory(Level.HEADS_UP, "touch", "", reason, source)]


def check_shape(
    intake: Intake, *, pose: Pose, modification: Modification | None, sides: str
) -> list[Advisory]:
    """The advisories for one version of a pose, done on `sides`."""
    shapes = step_shapes(pose, modification, sides)
    version = _version(pose, modification)
    return _precaution_advisories(intake, version, shapes) + _shape_advisories(
        intake, version, shapes, pose
    )


def _has_conflict(advisories: list[Advisory]) -> bool:
    return any(a.is_conflict for a in advisories)


def _distance(first: list[tuple[str, Shape]], second: list[tuple[str, Shape]]) -> float:
    """How different two shapes are: joint angles apart, plus a change of position."""
    a, b = first[0][1], second[0][1]
    total = 0.0 if a.place == b.place else 90.0
    for side in LEGS:
        one, other = a.legs[side], b.legs[side]
        total += abs(one.hip.flexion - other.hip.flexion)
        total += abs(one.hip.adduction - other.hip.adduction)
        total += abs(one.hip.rotation - other.hip.rotation)
        total += abs(one.knee.flexion - other.knee.flexion)
    total += abs(a.spine.flexion - b.spine.flexion) + abs(a.spine.twist - b.spine.twist)
    return total


def _fixes(
    intake: Intake,
    *,
    pose: Pose,
    modification: Modification | None,
    sides: str,
    modifications: Sequence[Modification],
    alternatives: Sequence[tuple[Pose, Sequence[Modification]]],
    advisories: list[Advisory],
) -> list[Fix]:
    """Every option whose own shape, on its own sides, passes every limit and brings no new
    trigger's shape, nearest to the step's shape first."""
    candidates: list[tuple[Pose, Modification | None, str, bool]] = []
    if modification is not None:
        candidates.append((pose, None, sides, False))
    candidates += [(pose, m, sides, False) for m in modifications if m != modification]
    for alternative, its_modifications in alternatives:
        alternative_sides = default_sides(alternative)
        candidates.append((alternative, None, alternative_sides, True))
        candidates += [(alternative, m, alternative_sides, True) for m in its_modifications]
    original = step_shapes(pose, modification, sides)
    # A fix may keep a trigger's shape the step already has, never bring a new one.
    triggers_before = {a.key for a in advisories if a.key.startswith("trigger:")}
    ranked = []
    for candidate, candidate_modification, candidate_sides, swap in candidates:
        found = check_shape(
            intake, pose=candidate, modification=candidate_modification, sides=candidate_sides
        )
        brought = {a.key for a in found if a.key.startswith("trigger:")} - triggers_before
        if _has_conflict(found) or brought:
            continue
        distance = _distance(
            original, step_shapes(candidate, candidate_modification, candidate_sides)
        )
        fix = Fix(candidate, candidate_modification, swap, len(found), distance)
        ranked.append(((round(distance / 10), fix.heads_ups, swap), fix))
    return [fix for _, fix in sorted(ranked, key=lambda pair: pair[0])]


def check_step(
    intake: Intake,
    *,
    pose: Pose,
    modification: Modification | None,
    sides: str,
    modifications: Sequence[Modification] = (),
    alternatives: Sequence[tuple[Pose, Sequence[Modification]]] = (),
    kept_keys: Iterable[str] = (),
    kept_reason: str = "",
) -> StepCheck:
    """One step: its advisories and, when it has a conflict, the fixes on offer.

    `modifications` are the pose's modifications the studio sees, `alternatives` its
    alternatives with theirs; `kept_keys` the conflicts the teacher kept with `kept_reason`.
    """
    advisories = check_shape(intake, pose=pose, modification=modification, sides=sides)
    check = StepCheck(advisories, kept_keys=frozenset(kept_keys), kept_reason=kept_reason)
    if check.conflicts and (modifications or alternatives):
        check.fixes = _fixes(
            intake,
            pose=pose,
            modification=modification,
            sides=sides,
            modifications=modifications,
            alternatives=alternatives,
            advisories=advisories,
        )
        if not check.fixes:
            check.no_fix = (
                f"None of the versions of {pose.name} or its alternatives stays within "
                f"{intake.name}'s limits. You could keep it with a reason, or remove the step."
            )
    return check


def check_pose(intake: Intake, pose: Pose) -> list[Advisory]:
    """A pose as it is, on its usual sides: what the picker and the library show."""
    return check_shape(intake, pose=pose, modification=None, sides=default_sides(pose))


def suits(intake: Intake, pose: Pose) -> bool:
    return not _has_conflict(check_pose(intake, pose))


def suiting_modification(
    intake: Intake, pose: Pose, modifications: Sequence[Modification]
) -> Modification | None:
    """The nearest of the pose's modifications that leaves no conflict, if any."""
    sides = default_sides(pose)
    original = step_shapes(pose, None, sides)
    suiting = [
        m
        for m in modifications
        if not _has_conflict(check_shape(intake, pose=pose, modification=m, sides=sides))
    ]
    if not suiting:
        return None
    return min(suiting, key=lambda m: _distance(original, step_shapes(pose, m, sides)))
