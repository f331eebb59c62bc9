""" "Other ways to do this": for each step of a tailored routine, up to two other versions the
safety checker passes for the client today, chosen for variety, never ranked.

Trauma-informed teaching offers a choice at every step. A step's other ways are its pose's
other modifications, the pose as it is when the step is a version (and its versions when it is
the pose), and its alternatives with theirs. One is offered only when the checker (the same
engine as the builder: routines/builder/safety.py on the body model's shapes) says nothing at all
about
it for this client today: no conflict, no heads-up of a limit, a trigger, a preference or touch.
Among those, the two that differ most from the step and from each other in where the body is
(the body model's place) and in what props it needs; a version of the same pose before an
alternative; then the nearest shape. The teacher may pin a way (offered first, while it still
passes) or remove one (never offered), and may turn the offer off for a routine.

The chooser is pure (`choose`): it reads only the objects it is handed, so the property test can
run it over the whole library without a database. `routine_other_ways` loads what it needs for a
routine in a fixed number of queries.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch, prefetch_related_objects

from practice.models import Studio
from routines.builder.advisories import routine_intake
from routines.builder.body import Place, figure_of, step_shapes
from routines.builder.safety import Intake, _distance, check_shape, default_sides
from routines.models import Modification, Pose, Routine, RoutineStep

MOST_OFFERED = 2
# What the teacher can do with one way in the builder.
OTHER_WAY_ACTIONS = ("pin", "unpin", "remove", "restore")
# Figure props a client gathers, in the words of the prop vocabulary.
FIGURE_PROPS = frozenset({"bolster", "blanket", "block", "strap", "chair", "wall", "cushion"})


def version_key(pose: Pose, modification: Modification | None) -> str:
    """How a pin or a removal names a version: stable codes, never a name that may change."""
    return f"{pose.code}:{modification.code}" if modification is not None else str(pose.code)


def version_props(pose: Pose, modification: Modification | None) -> frozenset[str]:
    """What to gather for a version: its own props, and any prop its figure shows."""
    props = set(modification.props) if modification is not None else set()
    drawn = {p["kind"] for p in figure_of(pose, modification).get("props", [])}
    return frozenset(props | (drawn & FIGURE_PROPS))


@dataclass(frozen=True)
class OtherWay:
    pose: Pose
    modification: Modification | None
    sides: str
    pinned: bool = False

    # Asked many times while ways are ranked: worked out once.
    @cached_property
    def key(self) -> str:
        return version_key(self.pose, self.modification)


@dataclass(frozen=True)
class _Candidate:
    way: OtherWay
    # A version of the step's own pose (0) comes before an alternative (1).
    alternative: int
    place: Place
    props: frozenset[str]
    distance: float


class ShapeChecks:
    """The checker's word on each version for one client, worked out once per shape: one
    routine asks about the same alternative from several steps."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self._passes: dict[tuple[int, int, str], bool] = {}

    def passes(self, pose: Pose, modification: Modification | None, sides: str) -> bool:
        key = (id(pose), id(modification), sides)
        if key not in self._passes:
            found = check_shape(self.intake, pose=pose, modification=modification, sides=sides)
            self._passes[key] = not found
        return self._passes[key]


def _drawn(pose: Pose, modification: Modification | None) -> bool:
    """A studio pose kept only as an uploaded picture has no shape of its own to check or draw."""
    return modification is not None or bool(pose.figure) or not pose.image


def _versions(
    pose: Pose,
    modification: Modification | None,
    sides: str,
    modifications: Sequence[Modification],
    alternatives: Sequence[tuple[Pose, Sequence[Modification]]],
) -> list[tuple[OtherWay, int]]:
    """Every other version of the step, with 0 for its own pose and 1 for an alternative."""
    versions: list[tuple[OtherWay, int]] = []
    if modification is not None:
        versions.append((OtherWay(pose, None, sides), 0))
    versions += [(OtherWay(pose, m, sides), 0) for m in modifications if m != modification]
    for alternative, its_modifications in alternatives:
        if alternative == pose:
            continue
        alternative_sides = default_sides(alternative)
        versions.append((OtherWay(alternative, None, alternative_sides), 1))
        versions += [(OtherWay(alternative, m, alternative_sides), 1) for m in its_modifications]
    # An alternative listed twice, or one that leads back to the step itself, is one way.
    keys = {version_key(pose, modification)}
    unique = []
    for way, kind in versions:
        if way.key not in keys and _drawn(way.pose, way.modification):
            keys.add(way.key)
            unique.append((way, kind))
    return unique


def _name(way: OtherWay) -> str:
    return (way.modification or way.pose).name


def _variety(candidate: _Candidate, seen: list[tuple[Place, frozenset[str]]]) -> int:
    """How different a candidate is from the nearest of what the client already has on the
    page: another place counts twice, other props once."""
    return min(2 * (candidate.place != place) + (candidate.props != props) for place, props in seen)


def _candidates(
    pose: Pose,
    modification: Modification | None,
    sides: str,
    modifications: Sequence[Modification],
    alternatives: Sequence[tuple[Pose, Sequence[Modification]]],
) -> list[_Candidate]:
    """Every other version with what variety reads: cheap, from the body model's cached
    shapes. Whether the checker passes one is asked only when it is in line to be offered."""
    own = step_shapes(pose, modification, sides)
    candidates = []
    for way, kind in _versions(pose, modification, sides, modifications, alternatives):
        shapes = step_shapes(way.pose, way.modification, way.sides)
        place, props = shapes[0][1].place, version_props(way.pose, way.modification)
        candidates.append(_Candidate(way, kind, place, props, _distance(own, shapes)))
    return candidates


def _offered(
    candidates: list[_Candidate],
    passes: Callable[[_Candidate], bool],
    own: tuple[Place, frozenset[str]],
    pinned: list[str],
) -> list[_Candidate]:
    """Pinned ways first (newest pin first), then, one at a time, the passing way that differs
    most from all already on the page; a version of the step's own pose before an alternative,
    then the nearest shape. Candidates are checked in that order, so most are never checked."""
    chosen = sorted(
        (c for c in candidates if c.way.key in pinned and passes(c)),
        key=lambda c: pinned.index(c.way.key),
    )[:MOST_OFFERED]
    seen = [own, *((c.place, c.props) for c in chosen)]
    left = [c for c in candidates if c not in chosen]
    while len(chosen) < MOST_OFFERED:
        # Two ways of one name ("Lying down", from two breath practices) read as one.
        names = {_name(c.way) for c in chosen}
        ranked = sorted(
            (c for c in left if _name(c.way) not in names),
            key=lambda c: (-_variety(c, seen), c.alternative, round(c.distance), c.way.key),
        )
        best = next((c for c in ranked if passes(c)), None)
        if best is None:
            break
        chosen.append(best)
        seen.append((best.place, best.props))
        left.remove(best)
    return chosen


def choose(
    checks: ShapeChecks,
    *,
    pose: Pose,
    modification: Modification | None,
    sides: str,
    modifications: Sequence[Modification],
    alternatives: Sequence[tuple[Pose, Sequence[Modification]]],
    pinned: Sequence[str] = (),
    removed: Sequence[str] = (),
) -> list[OtherWay]:
    """Up to two other ways for one step, every one passed by the checker for this client."""
    pinned_keys, removed_keys = list(pinned), set(removed)
    candidates = [
        c
        for c in _candidates(pose, modification, sides, modifications, alternatives)
        if c.way.key not in removed_keys
    ]
    own = (step_shapes(pose, modification, sides)[0][1].place, version_props(pose, modification))

    def passes(candidate: _Candidate) -> bool:
        return checks.passes(candidate.way.pose, candidate.way.modification, candidate.way.sides)

    return [
        OtherWay(c.way.pose, c.way.modification, c.way.sides, c.way.key in pinned_keys)
        for c in _offered(candidates, passes, own, pinned_keys)
    ]


def every_way(
    checks: ShapeChecks,
    *,
    pose: Pose,
    modification: Modification | None,
    sides: str,
    modifications: Sequence[Modification],
    alternatives: Sequence[tuple[Pose, Sequence[Modification]]],
    pinned: Sequence[str] = (),
    removed: Sequence[str] = (),
) -> list[tuple[OtherWay, bool]]:
    """Every way the checker passes, each with whether it is offered: the offered ones first,
    in their order, then the rest (the builder lists them all, to pin or offer again)."""
    pinned_keys, removed_keys = list(pinned), set(removed)
    candidates = [
        c
        for c in _candidates(pose, modification, sides, modifications, alternatives)
        if checks.passes(c.way.pose, c.way.modification, c.way.sides)
    ]
    own = (step_shapes(pose, modification, sides)[0][1].place, version_props(pose, modification))
    offerable = [c for c in candidates if c.way.key not in removed_keys]
    chosen = _offered(offerable, lambda c: True, own, pinned_keys)
    rest = sorted(
        (c for c in candidates if c not in chosen),
        key=lambda c: (c.alternative, round(c.distance), c.way.key),
    )
    return [
        (OtherWay(c.way.pose, c.way.modification, c.way.sides, c.way.key in pinned_keys), offered)
        for group, offered in ((chosen, True), (rest, False))
        for c in group
    ]


def _prefetch_versions(steps: list[RoutineStep], routine: Routine) -> None:
    """Every step's pose with its modifications and alternatives (with theirs), whole rows (a
    way is printed with its own lines and props): three queries in all."""
    studio = routine.studio
    modifications = Modification.objects.visible_to(studio)
    prefetch_related_objects(
        [step.pose for step in steps],
        Prefetch("modifications", modifications, to_attr="way_modifications"),
        Prefetch(
            "alternatives",
            Pose.objects.visible_to(studio).prefetch_related(  # type: ignore[no-redef]  # plugin: to_attr vs Pose's declaration
                Prefetch("modifications", modifications, to_attr="way_modifications")
            ),
            to_attr="way_alternatives",
        ),
    )


def step_versions(step: RoutineStep) -> dict:
    """The step's own modifications and its alternatives with theirs, as prefetched."""
    pose = step.pose
    return {
        "modifications": pose.way_modifications,
        "alternatives": [(alt, alt.way_modifications) for alt in pose.way_alternatives],
    }


def routine_other_ways(routine: Routine, steps: list[RoutineStep]) -> dict[int, list[OtherWay]]:
    """Each step's other ways, by step id; empty for a routine tailored for nobody (there is
    no one to check them against) or one whose teacher turned them off."""
    intake = routine_intake(routine)
    if intake is None or not routine.offer_other_ways or not steps:
        return {}
    _prefetch_versions(steps, routine)
    checks = ShapeChecks(intake)
    return {
        step.pk: choose(
            checks,
            pose=step.pose,
            modification=step.modification,
            sides=step.sides,
            pinned=step.other_ways_pinned,
            removed=step.other_ways_removed,
            **step_versions(step),
        )
        for step in steps
    }


@dataclass(frozen=True)
class ListedWay:
    """One way as the step's editor lists it: offered, removed by the teacher, or neither."""

    way: OtherWay
    offered: bool
    removed: bool

    @property
    def name(self) -> str:
        return _name(self.way)


def listed_ways(routine: Routine, step: RoutineStep) -> list[ListedWay]:
    """Every way the checker passes for the step's client today, for its editor: the offered
    ones first. Empty when there is no one to check for or the routine offers none."""
    intake = routine_intake(routine)
    if intake is None or not routine.offer_other_ways:
        return []
    _prefetch_versions([step], routine)
    removed = set(step.other_ways_removed)
    return [
        ListedWay(way, offered, way.key in removed)
        for way, offered in every_way(
            ShapeChecks(intake),
            pose=step.pose,
            modification=step.modification,
            sides=step.sides,
            pinned=step.other_ways_pinned,
            removed=step.other_ways_removed,
            **step_versions(step),
        )
    ]


def step_version_keys(step: RoutineStep, studio: Studio) -> list[str]:
    """Every version a step's way may name: its pose's and its alternatives', as the studio
    sees them (two queries). A key from a hand-made POST that is not here is refused."""
    poses = [step.pose, *step.pose.alternatives.visible_to(studio)]
    keys = [version_key(pose, None) for pose in poses]
    modifications = Modification.objects.visible_to(studio).filter(pose__in=poses)
    keys += [version_key(m.pose, m) for m in modifications.select_related("pose")]
    return keys
