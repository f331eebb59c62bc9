"""A studio's own figure: a library figure with a few named joints moved.

The sliders on the studio pose form show each joint as the figure draws it. A limb whose hand or
foot `reach`es a point has its angles worked out by the solver, not written in the data, so
they are read back from the posed body (`joint_values`). Moving such a limb lets it go of what
it held: `adjusted` drops its reach and writes all of its angles, so it stays where it was
except for the change.
"""

import math
from dataclasses import dataclass

from routines.library.figures.body import SIDES, _angles, pose_body
from routines.library.figures.geometry import Mat, Vec, apply, chain, rot_x, rot_z, sub, unit

VIEWS = [
    ("side", "From the side"),
    ("front", "From the front"),
    ("three_quarter", "From a front corner"),
    ("front_above", "From the front and above"),
    ("top", "From above"),
    ("back_above", "From behind and above"),
]


@dataclass(frozen=True)
class Slider:
    joint: str  # a joint name of the figure schema: "spine", "right_hip", ...
    angle: str  # one of its angles: "flex", "abduct", ...
    label: str
    minimum: int
    maximum: int

    @property
    def name(self) -> str:
        return f"{self.joint}_{self.angle}"


def _sided(joint: str, angle: str, words: str, minimum: int, maximum: int) -> list[Slider]:
    return [
        Slider(f"{side}_{joint}", angle, f"{side.capitalize()} {words}", minimum, maximum)
        for side in ("right", "left")
    ]


# Ranges hold every angle the library's figures write; beyond them lie shapes no body makes.
SLIDERS: list[Slider] = [
    *_sided("hip", "flex", "hip: thigh forward", -90, 160),
    *_sided("hip", "abduct", "hip: thigh out to the side", -30, 90),
    *_sided("hip", "rotate", "hip: knee turned out", -60, 90),
    *_sided("knee", "flex", "knee: bend", 0, 160),
    Slider("spine", "flex", "Spine: bend forward (back: below 0)", -45, 90),
    Slider("spine", "twist", "Spine: twist (right: above 0)", -90, 90),
    *_sided("shoulder", "flex", "arm: raised forward", -60, 210),
    *_sided("shoulder", "abduct", "arm: raised to the side", -60, 200),
]
# The joints of each limb and the end that may reach: what one limb's sliders move together.
LIMBS = {
    f"{side}_{kind}": (f"{side}_{upper}", f"{side}_{middle}", f"{side}_{end}")
    for side in SIDES
    for kind, (upper, middle, end) in {
        "leg": ("hip", "knee", "foot"),
        "arm": ("shoulder", "elbow", "hand"),
    }.items()
}


def _transposed(m: Mat) -> Mat:
    return tuple(zip(*m, strict=True))  # type: ignore[return-value]


def _limb_angles(frame: Mat, root: Vec, middle: Vec, end: Vec, sign: float, leg: bool) -> dict:
    """A limb's angles from where its joints are, inverting body.py's chain
    frame = parent · Rz(flex) · Rx(-sign·abduct) · Ry(-sign·rotate), then the middle joint's
    Rz (the knee bends one way, the elbow the other)."""
    upper = apply(_transposed(frame), unit(sub(middle, root)))
    # upper = (sin f · cos b, -cos f · cos b, -sin b), with b = -sign · abduct
    b = math.asin(max(-1.0, min(1.0, -upper[2])))
    f = math.atan2(upper[0], -upper[1])
    upper_frame = chain(frame, rot_z(math.degrees(f)), rot_x(math.degrees(b)))
    lower = apply(_transposed(upper_frame), unit(sub(end, middle)))
    # lower = Ry(r') · (∓sin k, -cos k, 0), with r' = -sign · rotate
    bend = math.acos(max(-1.0, min(1.0, -lower[1])))
    angles = {"flex": math.degrees(f), "abduct": -sign * math.degrees(b)}
    if math.sin(bend) > 1e-3:
        turn = math.atan2(lower[2], -lower[0]) if leg else math.atan2(-lower[2], lower[0])
        angles["rotate"] = -sign * math.degrees(turn)
    angles["bend"] = math.degrees(bend)
    return angles


def _reached_angles(figure: dict) -> dict[str, dict]:
    """The angles of each limb that reaches, read back from the posed body."""
    reach = figure.get("reach", {})
    limbs = [limb for limb, (_, _, end) in LIMBS.items() if end in reach]
    if not limbs:
        return {}
    body = pose_body(figure)
    points = body.points
    result = {}
    for limb in limbs:
        side, kind = limb.split("_")
        upper, middle, _ = LIMBS[limb]
        leg = kind == "leg"
        frame = body.frames["pelvis" if leg else "thorax"]
        end = points[f"{side}_ankle" if leg else f"{side}_wrist"]
        angles = _limb_angles(frame, points[upper], points[middle], end, SIDES[side], leg)
        bend = angles.pop("bend")
        result[upper] = angles
        result[middle] = {"flex": bend}
    return result


def _fit(value: float, slider: Slider) -> int:
    """A solved angle as the slider can show it: a whole degree, the turn inside its range."""
    value = round(value)
    if value < slider.minimum and value + 360 <= slider.maximum:
        value += 360
    if value > slider.maximum and value - 360 >= slider.minimum:
        value -= 360
    return max(slider.minimum, min(slider.maximum, value))


def joint_values(figure: dict) -> dict[str, int]:
    """Each slider's value for this figure, as it is drawn."""
    joints = figure.get("joints", {})
    reached = _reached_angles(figure)
    values = {}
    for slider in SLIDERS:
        if slider.joint in reached:
            angles = reached[slider.joint]
        elif slider.joint == "spine":
            angles = _angles(joints, "spine")
        else:
            side, name = slider.joint.split("_")
            angles = _angles(joints, name, side)
        values[slider.name] = _fit(angles.get(slider.angle, 0), slider)
    return values


def _each_side(joints: dict) -> dict:
    """`hips: {...}` written out as `left_hip` and `right_hip`, so each side can change alone."""
    result: dict[str, dict] = {}
    for name, angles in joints.items():
        if name in ("spine", "neck") or not name.endswith("s"):
            result.setdefault(name, {}).update(angles or {})
            continue
        for side in SIDES:
            sided = f"{side}_{name[:-1]}"
            result[sided] = {**(angles or {}), **result.get(sided, {}), **joints.get(sided, {})}
    return result


def adjusted(figure: dict, view: str, values: dict[str, int]) -> dict:
    """`figure` seen from `view`, with the sliders' values where they differ from its own."""
    before = joint_values(figure)
    reached = _reached_angles(figure)
    joints = _each_side(figure.get("joints", {}))
    reach = dict(figure.get("reach", {}))
    for upper, middle, end in LIMBS.values():
        moved = any(values[s.name] != before[s.name] for s in SLIDERS if s.joint in (upper, middle))
        if moved and end in reach:
            # The limb lets go: its solved angles become its own, then the sliders apply.
            del reach[end]
            for joint in (upper, middle):
                solved = {key: round(value, 1) for key, value in reached[joint].items()}
                joints[joint] = {**joints.get(joint, {}), **solved}
    for slider in SLIDERS:
        if values[slider.name] != before[slider.name]:
            joints.setdefault(slider.joint, {})[slider.angle] = values[slider.name]
    result = {**figure, "view": view, "joints": joints}
    if reach:
        result["reach"] = reach
    else:
        result.pop("reach", None)
    if figure.get("end"):
        result["end"] = {**figure["end"]}
        if "joints" in figure["end"]:
            result["end"]["joints"] = _each_side(figure["end"]["joints"])
    return result
