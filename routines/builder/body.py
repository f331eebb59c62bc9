"""One body model: what a pose's figure does to each joint, read from the angles that draw it.

The safety checker (routines/builder/safety.py) compares these numbers with a client's limits, so
the
figure a teacher sees and the shape the checker judges are one and the same. Each shape is
derived once per figure (memoised by the figure's canonical JSON) and then mirrored for the
side a step is done on: pure computation, no queries.

Conventions, in degrees:
- hip flexion: thigh forward of the trunk line (0 standing, 90 sitting on a chair, 120+ hugging
  the knees); negative is extension, the thigh behind the body.
- hip adduction: the thigh drawn toward (positive) or past the midline; negative is abduction.
  The knee crosses the body's midline at about 10° (hips 16 cm apart, thigh 44 cm).
- hip rotation: positive is external ("knee turned out"), negative internal.
- spine flexion: forward rounding (negative is a backbend); twist and side-bend by size.

Properties no angle carries stay data on the shape, as its movement words: eyes closed,
breath retention, a passive end-range stretch, hands-on help the teacher offers.
"""

import json
import math
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from routines.library.figures import POSITION_FIGURES, canonical, merge
from routines.library.figures.adjust import _limb_angles
from routines.library.figures.body import SIDES, THIGH, _angles, pose_body
from routines.library.figures.geometry import Mat, Vec, apply, length, sub, unit
from routines.library.figures.plausible import expand_contacts
from routines.library.vocabulary import Movement, Sides

M = Movement

# How close to the floor (cm, after the figure is lowered onto it) a part must be to rest on it.
ON_FLOOR = 6.0
# How far (cm) a knee must be behind the pelvis for the leg to count as stepped back.
BEHIND = 8.0
# The parts of a leg a contact can hold it by.
LEG_PARTS = frozenset({"thigh", "knee", "shin", "ankle", "foot", "heel", "toes"})
# The knee crosses the midline at this adduction: hips 16 cm apart, thigh 44 cm long.
MIDLINE_ADDUCTION = round(math.degrees(math.asin(8.0 / THIGH)))


class Place(StrEnum):
    SUPINE = "supine"
    PRONE = "prone"
    SIDE_LYING = "side_lying"
    KNEELING = "kneeling"
    SEATED_FLOOR = "seated_floor"
    SEATED_CHAIR = "seated_chair"
    STANDING = "standing"
    INVERTED = "inverted"


@dataclass(frozen=True)
class Hip:
    flexion: float
    adduction: float
    rotation: float

    @property
    def extension(self) -> float:
        return -self.flexion

    @property
    def abduction(self) -> float:
        return -self.adduction

    @property
    def internal_rotation(self) -> float:
        return -self.rotation


@dataclass(frozen=True)
class Knee:
    flexion: float
    # Body weight goes through it: kneeling on it, or standing on that leg.
    bears_weight: bool
    # The shin rests on the floor under the body (a kneeling knee, a pigeon's front shin).
    kneels: bool


@dataclass(frozen=True)
class Leg:
    hip: Hip
    knee: Knee
    # The leg holds itself up against gravity (a lifted leg, a clamshell's top knee).
    active: bool
    # The knee is well behind the pelvis, in the direction the body faces (a lunge's back leg).
    behind: bool = False
    # The leg is lifted out to the side against gravity (side-lying top leg, standing lift).
    lifts_out: bool = False


@dataclass(frozen=True)
class Spine:
    flexion: float
    twist: float
    side_bend: float
    # The trunk's weight bends it: an upright or standing fold, not a spine resting on the floor.
    loaded: bool


@dataclass(frozen=True)
class Shape:
    """What one version of a pose does, for one side (`legs["left"]`, `legs["right"]`)."""

    legs: dict[str, Leg]
    spine: Spine
    place: Place
    head_below_heart: bool
    # The shape leans on the floor, a wall or a prop rather than being held by the muscles.
    supported: bool
    # Words angles cannot carry (eyes closed, breath held, end-range stretch, hands-on help).
    marks: frozenset[str]
    legs_apart: bool
    forehead_down: bool
    # Upside down or folded down while standing: the head well below the pelvis.
    hips_above_heart: bool
    # The trunk leans well forward of upright (folded over the knees, on hands and knees).
    folded_forward: bool
    # Legs whose shin or knee carries the body while the knee is bent (kneeling, pigeon).
    loaded_shins: frozenset[str]

    def shin_loaded(self, side: str) -> bool:
        return side in self.loaded_shins

    @property
    def asymmetric_load(self) -> bool:
        """Weight through an uneven pelvis: one leg forward and the other back, loaded."""
        left, right = self.legs["left"], self.legs["right"]
        if self.place not in (Place.KNEELING, Place.SEATED_FLOOR, Place.STANDING):
            return False
        return abs(left.hip.flexion - right.hip.flexion) > 45 or (
            self.place == Place.STANDING and left.lifts_out != right.lifts_out
        )

    @property
    def lying(self) -> bool:
        return self.place in (Place.SUPINE, Place.PRONE, Place.SIDE_LYING)

    def mirrored(self) -> "Shape":
        return replace(
            self,
            legs={"left": self.legs["right"], "right": self.legs["left"]},
            loaded_shins=frozenset(
                "left" if side == "right" else "right" for side in self.loaded_shins
            ),
            spine=replace(self.spine, twist=-self.spine.twist, side_bend=-self.spine.side_bend),
        )


# Movement words that no angle carries: kept from the pose's and the version's tags.
MARKS = frozenset(
    {
        M.BREATH_RETENTION,
        M.END_RANGE_STRETCH,
        M.EYES_CLOSED_OR_FOREHEAD_DOWN,
        M.HANDS_ON_HELP,
    }
)

# Which side each both-sides library figure shows, by the step's side label: the side named is
# the leg that leads (front leg of a lunge or pigeon, crossed ankle of a figure four, the lifted
# leg) or the way the knees or the trunk turn (twists, windshield wipers).
DRAWN_SIDE: dict[str, str] = {
    # Knees fall to the left: the right leg lies on top, turned in and drawn across.
    "reclined-twist": Sides.LEFT,
    # Knees sway to the left: the right hip turns in, the left out.
    "windshield-wiper-legs": Sides.LEFT,
    # The top (left) leg is the one that opens.
    "side-lying-clamshell": Sides.LEFT,
}
# Every other figure shows its right side: the right leg in front (lunges, pigeon, Warrior II),
# crossed (figure four), lifted or stretched (hamstring, leg to the side, half frog), or the
# right arm threading under (Thread the needle), the trunk turning right (chair twist).
DEFAULT_DRAWN_SIDE = Sides.RIGHT


def _transposed(m: Mat) -> Mat:
    return tuple(zip(*m, strict=True))  # type: ignore[return-value]


def _leg(figure: dict, body, side: str) -> tuple[Hip, float]:
    joints = figure.get("joints", {})
    points = body.points
    sign = SIDES[side]
    frame = body.frames["pelvis"]
    hip_point, knee_point, ankle = (points[f"{side}_{part}"] for part in ("hip", "knee", "ankle"))
    solved = _limb_angles(frame, hip_point, knee_point, ankle, sign, leg=True)
    # The turn is read back from the shin only for a foot that reaches a point (the solver
    # placed it); otherwise, and for a straight leg, the figure's own angle is the turn.
    rotation = _angles(joints, "hip", side).get("rotate", 0)
    if f"{side}_foot" in figure.get("reach", {}) and "rotate" in solved:
        rotation = solved["rotate"]
    hip = Hip(flexion=solved["flex"], adduction=-solved["abduct"], rotation=rotation)
    return hip, solved["bend"]


def _height(point: Vec) -> float:
    return point[1]


def _place(body, figure: dict) -> Place:
    """Where the body is, from the heights of its parts above the floor (after the figure is
    lowered onto it), the trunk's slope and which way the chest faces."""
    points = body.points
    pelvis, chest, head = (_height(points[name]) for name in ("pelvis", "chest", "head"))
    knee = min(_height(points[f"{side}_knee"]) for side in SIDES)
    ankle = min(_height(points[f"{side}_ankle"]) for side in SIDES)
    trunk = unit(sub(points["neck"], points["pelvis"]))
    if _has_chair_seat(figure):
        return Place.SEATED_CHAIR
    deepest_hip = max(_hip_flexion(body, side) for side in SIDES)
    if knee < 22 and (knee < pelvis - 20 or deepest_hip > 100):
        return Place.KNEELING
    if ankle < 15 and pelvis > 55 and knee < pelvis:
        return Place.STANDING
    if (chest < 35 and head < 35) or abs(trunk[1]) < 0.45:
        front = apply(body.frames["thorax"], (1.0, 0.0, 0.0))
        if front[1] > 0.5:
            return Place.SUPINE
        if front[1] < -0.5:
            return Place.PRONE
        return Place.SIDE_LYING
    if head < pelvis - 30:
        return Place.INVERTED
    if pelvis < 40:
        return Place.SEATED_FLOOR
    return Place.STANDING


def _hip_flexion(body, side: str) -> float:
    thigh = apply(
        _transposed(body.frames["pelvis"]),
        unit(sub(body.points[f"{side}_knee"], body.points[f"{side}_hip"])),
    )
    return math.degrees(math.atan2(thigh[0], -thigh[1]))


def _has_chair_seat(figure: dict) -> bool:
    return any(
        p.get("kind") == "chair" and p.get("under") == "pelvis" for p in figure.get("props", [])
    )


@lru_cache(maxsize=1024)
def _derive_both_sides(
    figure_json: str, marks: frozenset[str]
) -> tuple[tuple["Shape", ...], tuple["Shape", ...]]:
    """The shapes as drawn and mirrored, worked out once per figure and marks."""
    shapes = _derive(figure_json, marks)
    return shapes, tuple(shape.mirrored() for shape in shapes)


def _derive(figure_json: str, marks: frozenset[str]) -> tuple["Shape", ...]:
    """The start shape, and the end shape when the pose moves between two (cat and cow): a
    limit is met if either of them meets it."""
    figure = json.loads(figure_json)
    if not figure.get("end"):
        return (_one_shape(figure, marks),)
    start = {key: value for key, value in figure.items() if key != "end"}
    return (_one_shape(start, marks), _one_shape(merge(start, figure["end"]), marks))


def _one_shape(figure: dict, marks: frozenset[str]) -> Shape:
    body = pose_body(figure)
    points = body.points
    trunk = unit(sub(points["neck"], points["pelvis"]))
    place = _place(body, figure)
    spine_angles = _angles(figure.get("joints", {}), "spine")
    props = figure.get("props", [])
    lying = place in (Place.SUPINE, Place.PRONE, Place.SIDE_LYING)
    forward = apply(body.frames["pelvis"], (1.0, 0.0, 0.0))
    facing = unit((forward[0], 0.0, forward[2]))
    contacts = expand_contacts(figure.get("contacts", {}))
    legs = {}
    for side in SIDES:
        leg_parts = {(side, part) for part in LEG_PARTS}
        hip, bend = _leg(figure, body, side)
        knee_height = _height(points[f"{side}_knee"])
        ankle_height = _height(points[f"{side}_ankle"])
        toe_height = _height(points[f"{side}_toe"])
        # Kneeling load: on the knees with the body over them (not a seat, not lying down).
        kneels = place == Place.KNEELING and knee_height < ON_FLOOR + 10 and bend >= 45
        foot_down = min(ankle_height, toe_height) < ON_FLOOR + 4
        # A leg propped on its toes with the knee off the floor (a lizard's back leg, knee
        # lifted) carries the body's weight; a leg lying along the floor (pigeon) does not.
        on_toes = contacts.get(f"{side}_toes") == "floor" and not any(
            contacts.get(f"{side}_{part}") == "floor" for part in ("knee", "shin", "thigh")
        )
        bears = kneels or (
            (place == Place.STANDING and foot_down) or (place == Place.KNEELING and on_toes)
        )
        # A leg off the floor and off any prop, with no hand or strap holding it, lifts itself.
        other = "left" if side == "right" else "right"
        # An ankle resting on the other leg (a figure four) is held by it.
        resting = (
            min(
                length(sub(points[f"{side}_ankle"], points[f"{other}_{part}"]))
                for part in ("knee", "thigh", "shin")
            )
            < 14
        )
        # The figure's declared contacts say it too: a shin resting on the other thigh, a
        # foot on a wall or a chair, a hand holding the thigh.
        rests_on_contact = any(
            part.partition("_")[::2] in leg_parts and support != "floor"
            for part, support in contacts.items()
        ) or any(
            support.partition("_")[::2] in leg_parts and part.endswith("hand")
            for part, support in contacts.items()
        )
        held = (
            resting
            or rests_on_contact
            or f"{side}_foot" in figure.get("reach", {})
            or any(
                p.get("kind")
                in ("strap", "wall", "block", "bolster", "cushion", "chair", "blanket")
                and _touches(p, side)
                for p in props
            )
        )
        lowest = min(knee_height, ankle_height, toe_height)
        active = not held and lowest > ON_FLOOR + 8 and place != Place.SEATED_CHAIR
        # Lifting the leg out against gravity: the top leg lying on the side, or a standing
        # leg whose foot has left the floor. Knees falling open on the back are passive.
        top = _height(points[f"{side}_hip"]) > _height(points[f"{other}_hip"]) + 8
        lifts_out = not held and (
            (place == Place.SIDE_LYING and top)
            or (place == Place.STANDING and not foot_down and hip.abduction > 15)
        )

        behind = (
            _behind(points, side, "knee", facing) > BEHIND
            or _behind(points, side, "ankle", facing) > 3 * BEHIND
        )
        legs[side] = Leg(
            hip, Knee(flexion=bend, bears_weight=bears, kneels=kneels), active, behind, lifts_out
        )
    head = points["head"]
    chest = points["chest"]
    head_below_heart = _height(head) < _height(chest) - 8 and not lying
    # The spine carries the trunk's weight when sitting or standing; on hands and knees or
    # lying down it is held by the arms or the floor.
    loaded = place in (Place.STANDING, Place.SEATED_FLOOR, Place.SEATED_CHAIR)
    spine = Spine(
        flexion=spine_angles.get("flex", 0),
        twist=spine_angles.get("twist", 0),
        side_bend=spine_angles.get("side", 0),
        loaded=loaded,
    )
    face = points["face"]
    forehead_down = (
        _height(head) < 20 and _height(face) < _height(head) - 3 and place != Place.SUPINE
    )
    apart = min(legs[s].hip.abduction for s in SIDES) > 20 or (
        sum(legs[s].hip.abduction for s in SIDES) > 45
    )
    supported = lying or place == Place.SEATED_CHAIR or bool(props)
    loaded_shins = frozenset(
        side
        for side in SIDES
        if not lying
        and legs[side].knee.flexion >= 60
        and _height(points[f"{side}_knee"]) < ON_FLOOR + 10
        and _height(points["pelvis"]) < _height(points[f"{side}_knee"]) + 45
    )
    return Shape(
        legs=legs,
        spine=spine,
        place=place,
        head_below_heart=head_below_heart,
        supported=supported,
        marks=marks,
        legs_apart=apart,
        forehead_down=forehead_down,
        hips_above_heart=place in (Place.STANDING, Place.INVERTED)
        and _height(head) < _height(points["pelvis"]) - 20,
        folded_forward=trunk[1] < 0.75,
        loaded_shins=loaded_shins,
    )


def _behind(points: dict[str, Vec], side: str, part: str, facing: Vec) -> float:
    """How far (cm) a part of a leg is behind the pelvis, in the direction the body faces."""
    offset = sub(points[f"{side}_{part}"], points["pelvis"])
    return -(offset[0] * facing[0] + offset[2] * facing[2])


def _touches(prop: dict, side: str) -> bool:
    """A prop placed at or under a part of this leg holds it."""
    named = [prop.get(key) for key in ("under", "at", "to")]
    flat: list[str] = []
    for item in named:
        if isinstance(item, list):
            flat += item
        elif isinstance(item, str):
            flat.append(item)
    return any(
        name.startswith(f"{side}_") and name.split("_")[1] in ("knee", "ankle", "foot", "shin")
        for name in flat
    )


def derive_uncached(figure: dict) -> tuple[Shape, ...]:
    """The body model of a figure, worked out afresh (the benchmark times this)."""
    return _derive(canonical(figure), frozenset())


def shapes_of(figure: dict, marks: frozenset[str] = frozenset()) -> tuple[Shape, ...]:
    """The drawn figure's shapes, as drawn (the side it shows)."""
    return _derive_both_sides(canonical(figure), frozenset(marks) & MARKS)[0]


def _figure_key(pose, modification) -> str:
    """The canonical JSON of the figure a step draws, kept on the object that holds it: one
    routine check asks for the same pose's shape many times (steps, fixes, distances)."""
    owner = modification if modification is not None and modification.figure else pose
    key = owner.__dict__.get("_body_figure_key")
    if key is None:
        key = canonical(figure_of(pose, modification))
        owner.__dict__["_body_figure_key"] = key
    return key


def figure_of(pose, modification=None) -> dict:
    if modification is not None and modification.figure:
        return modification.figure
    return pose.figure or POSITION_FIGURES[pose.position]


def marks_of(pose, modification=None) -> frozenset[str]:
    words = set(pose.attributes)
    if modification is not None:
        words = (words - set(modification.removes) - set(modification.reduces)) | set(
            modification.adds
        )
    return frozenset(words) & MARKS


def drawn_side(pose) -> str:
    return DRAWN_SIDE.get(pose.slug, DEFAULT_DRAWN_SIDE)


def step_shapes(pose, modification, sides: str) -> list[tuple[str, Shape]]:
    """The shape for each side the step is done on: ("left", shape), ("right", shape), or
    ("", shape) when the pose has no sides."""
    shapes, mirrored = _derive_both_sides(
        _figure_key(pose, modification), marks_of(pose, modification)
    )
    if sides in (Sides.NOT_APPLICABLE, "") or not pose.both_sides:
        # A pose without sides drawn one-sided ("one knee at a time, switch when ready") is
        # done with each leg in turn: both legs meet the limits.
        result = []
        for shape, other_side in zip(shapes, mirrored, strict=True):
            result.append(("", shape))
            if shape.legs["left"] != shape.legs["right"]:
                result.append(("", other_side))
        return result
    shown = drawn_side(pose)
    other = Sides.LEFT if shown == Sides.RIGHT else Sides.RIGHT
    chosen = [Sides.RIGHT, Sides.LEFT] if sides == Sides.BOTH else [sides]
    return [
        (side, shape)
        for side in chosen
        if side in (shown, other)
        for shape in (shapes if side == shown else mirrored)
    ]


# The movement words that angles decide, as (says yes, says no) tests on a step's shapes; in
# between, the drawing is too close to the line to judge and either word is accepted.
def _most(shapes, read) -> float:
    return max(read(shape) for shape in shapes)


ANGLE_TAGS = {
    M.HIP_FLEXION_PAST_90: (
        lambda s: _most(s, lambda x: max(leg.hip.flexion for leg in x.legs.values())) > 95,
        lambda s: _most(s, lambda x: max(leg.hip.flexion for leg in x.legs.values())) < 88,
    ),
    M.HIP_ADDUCTION_PAST_MIDLINE: (
        lambda s: (
            _most(s, lambda x: max(leg.hip.adduction for leg in x.legs.values()))
            >= MIDLINE_ADDUCTION
        ),
        lambda s: _most(s, lambda x: max(leg.hip.adduction for leg in x.legs.values())) < 3,
    ),
    M.HIP_INTERNAL_ROTATION: (
        lambda s: (
            _most(s, lambda x: max(leg.hip.internal_rotation for leg in x.legs.values())) > 10
        ),
        lambda s: _most(s, lambda x: max(leg.hip.internal_rotation for leg in x.legs.values())) < 3,
    ),
    M.DEEP_KNEE_FLEXION: (
        lambda s: _most(s, lambda x: max(leg.knee.flexion for leg in x.legs.values())) > 110,
        lambda s: _most(s, lambda x: max(leg.knee.flexion for leg in x.legs.values())) < 95,
    ),
    M.KNEELING_LOAD: (
        lambda s: any(leg.knee.kneels for x in s for leg in x.legs.values()),
        # A shin or knee on the floor under the body (pigeon's front leg) is a load too.
        lambda s: not any(leg.knee.kneels or x.loaded_shins for x in s for leg in x.legs.values()),
    ),
    M.SUPINE: (
        lambda s: any(x.place == Place.SUPINE for x in s),
        lambda s: not any(x.place == Place.SUPINE for x in s),
    ),
    M.PRONE: (
        lambda s: any(x.place == Place.PRONE for x in s),
        lambda s: not any(x.place == Place.PRONE for x in s),
    ),
    M.TWIST: (
        lambda s: _most(s, lambda x: abs(x.spine.twist)) > 20,
        lambda s: _most(s, lambda x: abs(x.spine.twist)) < 5,
    ),
}


def angle_tag_disagreements(shapes, tags: set[str]) -> list[str]:
    """The movement words a step's tags claim (or leave out) against what its angles show."""
    problems = []
    for word, (says_yes, says_no) in ANGLE_TAGS.items():
        if word in tags and says_no(shapes):
            problems.append(f"tagged {word}, but the angles show none")
        if word not in tags and says_yes(shapes):
            problems.append(f"not tagged {word}, but the angles show it")
    return problems
