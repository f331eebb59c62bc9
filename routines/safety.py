"""The safety checker: a routine's steps against its client's precautions, triggers, touch
consent and preferences.

One engine feeds the builder, the picker, the library, the print page, the teacher sheet and
the tests. It is pure: it reads only the objects it is handed (callers prefetch them) and never
queries, renders or writes. What it knows (which condition restricts what, which trigger
matches which shape, and the sources) is data in clients/safety_rules.py.

Two levels: a **conflict** is a movement a current precaution restricts, still present after
the step's modification; a **heads-up** is something to think about (a trigger or preference,
a precaution on the other side, a rule that says "check with the care provider", hands-on
notes for someone who does not want touch). A conflict is resolved by a fix (a modification or
an alternative that removes every restricted movement) or by keeping the step with a reason.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from clients.models import Client, Precaution
from clients.safety_rules import (
    DOES,
    HANDS_ON_WORDS,
    PREFERENCE_LABELS,
    PREFERENCE_MATCHES,
    RULES,
    TOUCH_CONSENT_HEADS_UP,
    TRIGGER_MATCHES,
)
from clients.vocabulary import BodySide, Condition, TriggerCategory
from routines.models import Modification, Pose
from routines.vocabulary import Movement, Sides

# A precaution that ends this soon says so: the teacher may plan the next routine around it.
ENDS_SOON_DAYS = 14


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
            preferences=tuple(name for name in PREFERENCE_MATCHES if getattr(client, name)),
            today=today,
        )

    @cached_property
    def precaution_texts(self) -> tuple[tuple[str, str, str], ...]:
        """Each precaution's words, source and note, in the order of `precautions`: built once
        for the many shapes (steps, fixes, the picker's poses) checked against them."""
        return tuple((_precaution_words(self, p), *_source(p)) for p in self.precautions)


@dataclass(frozen=True)
class Fix:
    """A way to resolve a step's conflicts: a modification of its pose, or an alternative pose
    (as it is or with one of its modifications)."""

    pose: Pose
    modification: Modification | None
    swap: bool
    # Heads-ups the step would still raise after the fix; fewer is better.
    heads_ups: int

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


def movements_after(pose: Pose, modification: Modification | None) -> set[str]:
    """The movements a step still makes once its modification is applied.

    "Reduces" is deliberately not subtracted: a smaller range of a restricted movement is
    still that movement, so only "removes" resolves a conflict.
    """
    movements = set(pose.attributes)
    if modification is not None:
        movements = (movements - set(modification.removes)) | set(modification.adds)
    return movements


def default_sides(pose: Pose) -> str:
    return Sides.BOTH if pose.both_sides else Sides.NOT_APPLICABLE


def _lower_first(text: str) -> str:
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


def _source(precaution: Precaution) -> tuple[str, str]:
    rule = RULES.get(precaution.condition, RULES[Condition.OTHER])
    set_by = f"Set for this client by: {precaution.get_set_by_display().lower()}."
    return rule.source, f"{rule.note} {set_by}".strip()


def _on_this_side(precaution: Precaution, sides: str) -> bool:
    """A one-sided step and a one-sided precaution meet only when the sides are the same."""
    one_sided_precaution = precaution.side in (BodySide.LEFT, BodySide.RIGHT)
    one_sided_step = sides in (Sides.LEFT, Sides.RIGHT)
    return not (one_sided_precaution and one_sided_step) or precaution.side == sides


def check_movements(
    intake: Intake, *, pose: Pose, movements: set[str], sides: str
) -> list[Advisory]:
    """The advisories for one shape: a pose with the movements left after its modification."""
    advisories: list[Advisory] = []
    name = pose.name
    for precaution, (words, source, note) in zip(
        intake.precautions, intake.precaution_texts, strict=True
    ):
        restricted = [m for m in precaution.restricted_movements if m in movements]
        for movement in restricted:
            key = f"{precaution.code}:{movement}"
            reason = f"{name} {DOES[movement]}: {words}"
            if _on_this_side(precaution, sides):
                advisories.append(Advisory(Level.CONFLICT, key, movement, reason, source, note))
            else:
                reason += f". This step is on the {sides} side only: check which side it is"
                advisories.append(Advisory(Level.HEADS_UP, key, movement, reason, source, note))
        rule = RULES.get(precaution.condition)
        for movement in rule.check if rule else ():
            if movement in movements and movement not in restricted:
                reason = (
                    f"{name} {DOES[movement]}: sources disagree for {words}; check with "
                    f"{intake.name}'s care provider"
                )
                key = f"{precaution.code}:check:{movement}"
                advisories.append(Advisory(Level.HEADS_UP, key, movement, reason, source, note))
    from_intake = f"What {intake.name} shared at intake"
    for category in intake.triggers:
        label = _lower_first(TriggerCategory(category).label)
        for movement in TRIGGER_MATCHES.get(category, ()):
            if movement in movements:
                reason = f"{name} {DOES[movement]}: {intake.name}'s trigger, {label}"
                key = f"trigger:{category}:{movement}"
                advisories.append(Advisory(Level.HEADS_UP, key, movement, reason, from_intake))
    for preference in intake.preferences:
        for movement in PREFERENCE_MATCHES[preference]:
            if movement in movements:
                reason = f"{name} {DOES[movement]}: {intake.name} {PREFERENCE_LABELS[preference]}"
                key = f"preference:{preference}:{movement}"
                advisories.append(Advisory(Level.HEADS_UP, key, movement, reason, from_intake))
    advisories.extend(_touch_advisories(intake, pose, from_intake))
    return advisories


def _touch_advisories(intake: Intake, pose: Pose, source: str) -> list[Advisory]:
    notes = pose.teacher_notes.lower()
    if not any(word in notes for word in HANDS_ON_WORDS):
        return []
    why = []
    if intake.touch_consent in TOUCH_CONSENT_HEADS_UP:
        why.append(f"{intake.name} {TOUCH_CONSENT_HEADS_UP[intake.touch_consent]}")
    if TriggerCategory.TOUCH in intake.triggers:
        why.append(f"{intake.name}'s trigger, touch")
    if not why:
        return []
    reason = f"The teacher notes of {pose.name} suggest hands-on help: {'; '.join(why)}"
    return [Advisory(Level.HEADS_UP, "touch", "", reason, source)]


def _has_conflict(advisories: list[Advisory]) -> bool:
    return any(a.is_conflict for a in advisories)


def _fixes(
    intake: Intake,
    *,
    pose: Pose,
    modification: Modification | None,
    sides: str,
    modifications: Sequence[Modification],
    alternatives: Sequence[tuple[Pose, Sequence[Modification]]],
) -> list[Fix]:
    """Every option that leaves no conflict, best first: the pose's own modifications (the
    client keeps the pose the teacher chose), then swaps with the fewest heads-ups, an
    alternative as it is before one with a modification."""
    candidates: list[tuple[int, Pose, Modification | None, str]] = []
    own = [m for m in modifications if m != modification]
    if modification is not None:
        own.insert(0, None)  # type: ignore[arg-type]
    candidates += [(0, pose, m, sides) for m in own]
    for alternative, its_modifications in alternatives:
        alternative_sides = default_sides(alternative)
        candidates.append((1, alternative, None, alternative_sides))
        candidates += [(2, alternative, m, alternative_sides) for m in its_modifications]
    ranked = []
    for order, (kind, candidate, candidate_modification, candidate_sides) in enumerate(candidates):
        advisories = check_movements(
            intake,
            pose=candidate,
            movements=movements_after(candidate, candidate_modification),
            sides=candidate_sides,
        )
        if _has_conflict(advisories):
            continue
        fix = Fix(candidate, candidate_modification, swap=kind > 0, heads_ups=len(advisories))
        ranked.append(((fix.swap, fix.heads_ups, kind, order), fix))
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
    advisories = check_movements(
        intake, pose=pose, movements=movements_after(pose, modification), sides=sides
    )
    check = StepCheck(advisories, kept_keys=frozenset(kept_keys), kept_reason=kept_reason)
    if check.conflicts:
        check.fixes = _fixes(
            intake,
            pose=pose,
            modification=modification,
            sides=sides,
            modifications=modifications,
            alternatives=alternatives,
        )
    return check


def check_pose(intake: Intake, pose: Pose) -> list[Advisory]:
    """A pose as it is, on its usual sides: what the picker and the library show."""
    return check_movements(
        intake, pose=pose, movements=movements_after(pose, None), sides=default_sides(pose)
    )


def suits(intake: Intake, pose: Pose) -> bool:
    return not _has_conflict(check_pose(intake, pose))


def suiting_modification(
    intake: Intake, pose: Pose, modifications: Sequence[Modification]
) -> Modification | None:
    """The first of the pose's modifications that leaves no conflict, if any."""
    for modification in modifications:
        advisories = check_movements(
            intake,
            pose=pose,
            movements=movements_after(pose, modification),
            sides=default_sides(pose),
        )
        if not _has_conflict(advisories):
            return modification
    return None
