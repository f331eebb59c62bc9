"""The body model: fixed proportions, posed by joint angles (forward kinematics).

World axes, in centimetres: x points where the figure faces when it stands (forward), y up,
z to the figure's right. The pelvis is posed first (`body` pitch/roll/yaw), then the spine,
neck and head, the legs and the arms, each joint relative to its parent. A limb may instead
`reach` a point (hands holding the feet, say): a two-bone solver places the elbow or knee.
Finally the body is lowered onto the floor (y = 0) or held `lift` above it.
"""

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from routines.library.figures.geometry import (
    IDENTITY,
    Mat,
    Vec,
    add,
    apply,
    chain,
    cross,
    dot,
    length,
    mean,
    rot_x,
    rot_y,
    rot_z,
    scale,
    sub,
    unit,
)

# Segment lengths and radii (cm): one adult of about 175 cm, the same in every figure.
HIP_HALF_WIDTH = 8.0
LUMBAR = 20.0
THORAX = 27.0
SHOULDER_HALF_WIDTH = 15.0
NECK = 7.0
HEAD_RADIUS = 10.5
THIGH = 44.0
SHIN = 42.0
UPPER_ARM = 28.0
FOREARM = 25.0
HAND = 9.0

SIDES = {"right": 1.0, "left": -1.0}


class Piece(NamedTuple):
    """A tapered, rounded segment between two points: the unit every figure is drawn from.
    (A named tuple: immutable, and several times quicker to make than a frozen dataclass,
    which counts when the body model of every library shape is derived.)"""

    chain: str
    start: Vec
    end: Vec
    start_radius: float
    end_radius: float
    # What the piece is ("pelvis", "right_shin", ...): a figure's `contacts` name parts.
    part: str = ""

    def spheres(self) -> list[tuple[Vec, float]]:
        """The piece as seven spheres along it: how props fit under it and contacts are
        measured."""
        result = []
        for step in range(7):
            t = step / 6
            centre = add(self.start, scale(sub(self.end, self.start), t))
            result.append((centre, self.start_radius + (self.end_radius - self.start_radius) * t))
        return result


@dataclass
class Body:
    points: dict[str, Vec]
    pieces: list[Piece]
    # The pelvis and thorax frames: limbs hang from them (routines/library/figures/adjust.py reads a
    # limb's joint angles back against its frame).
    frames: dict[str, Mat] = field(default_factory=dict)

    def lowest(self) -> float:
        return min(min(p.start[1] - p.start_radius, p.end[1] - p.end_radius) for p in self.pieces)

    def moved(self, offset: Vec) -> "Body":
        return Body(
            {name: add(point, offset) for name, point in self.points.items()},
            [
                Piece(
                    p.chain,
                    add(p.start, offset),
                    add(p.end, offset),
                    p.start_radius,
                    p.end_radius,
                    p.part,
                )
                for p in self.pieces
            ],
            self.frames,
        )


def _angles(joints: dict, name: str, side: str | None = None) -> dict:
    """A joint's angles: `hips` applies to both sides, `right_hip` overrides one side."""
    angles = dict(joints.get(name + "s", {})) if side else {}
    angles.update(joints.get(f"{side}_{name}" if side else name, {}))
    return angles


def _two_bone(root: Vec, target: Vec, first: float, second: float, bend: Vec) -> tuple[Vec, Vec]:
    """The middle joint and end point of a limb reaching for target, bending toward `bend`."""
    to_target = sub(target, root)
    distance = min(max(length(to_target), abs(first - second) + 0.1), first + second - 0.1)
    axis = unit(to_target)
    along = (first**2 - second**2 + distance**2) / (2 * distance)
    height = math.sqrt(max(first**2 - along**2, 0.0))
    side = unit(sub(bend, scale(axis, dot(bend, axis))))
    if length(side) < 1e-6:
        side = unit(cross(axis, (0.0, 0.0, 1.0))) or (1.0, 0.0, 0.0)
    middle = add(root, add(scale(axis, along), scale(side, height)))
    return middle, add(root, scale(axis, distance))


def _resolve_target(spec, points: dict[str, Vec]) -> Vec:
    if isinstance(spec, str):
        return points[spec]
    names = spec["to"] if isinstance(spec["to"], list) else [spec["to"]]
    return add(mean([points[n] for n in names]), tuple(spec.get("offset", (0, 0, 0))))


def _bend_hint(spec, default: Vec) -> Vec:
    return tuple(spec["bend"]) if isinstance(spec, dict) and "bend" in spec else default


def pose_body(figure: dict) -> Body:
    joints = figure.get("joints", {})
    reach = figure.get("reach", {})
    orientation = figure.get("body", {})
    pelvis_frame = chain(
        rot_y(orientation.get("yaw", 0)),
        rot_x(orientation.get("roll", 0)),
        rot_z(-orientation.get("pitch", 0)),
    )
    points: dict[str, Vec] = {"pelvis": (0.0, 0.0, 0.0)}
    pieces: list[Piece] = []

    def at(frame: Mat, origin: Vec, local: Vec) -> Vec:
        return add(origin, apply(frame, local))

    # Spine: the bend is shared between the low back and the upper back, a gentle curve.
    spine = _angles(joints, "spine")
    flex, side, twist = spine.get("flex", 0), spine.get("side", 0), spine.get("twist", 0)
    segment = chain(rot_y(-twist / 2), rot_x(side / 2), rot_z(-flex / 2))
    lumbar_frame = chain(pelvis_frame, segment)
    base = at(pelvis_frame, points["pelvis"], (0, 4, 0))
    waist = at(lumbar_frame, base, (0, LUMBAR, 0))
    thorax_frame = chain(lumbar_frame, segment)
    chest = at(thorax_frame, waist, (0, THORAX * 0.5, 0))
    neck_base = at(thorax_frame, waist, (0, THORAX, 0))
    points.update(waist=waist, chest=chest, neck=neck_base)
    for name, sign in SIDES.items():
        points[f"{name}_hip"] = at(pelvis_frame, points["pelvis"], (0, 0, sign * HIP_HALF_WIDTH))
        points[f"{name}_shoulder"] = at(
            thorax_frame, waist, (0, THORAX - 4, sign * SHOULDER_HALF_WIDTH)
        )
    pieces += [
        Piece("torso", points["left_hip"], points["right_hip"], 9.5, 9.5, "pelvis"),
        Piece("torso", base, waist, 11.0, 9.5, "low_back"),
        Piece("torso", waist, chest, 9.5, 11.5, "chest"),
        Piece("torso", chest, neck_base, 11.5, 8.0, "upper_back"),
        Piece("torso", points["left_shoulder"], points["right_shoulder"], 5.5, 5.5, "shoulders"),
    ]

    neck = _angles(joints, "neck")
    neck_frame = chain(
        thorax_frame,
        rot_y(-neck.get("turn", 0)),
        rot_x(neck.get("tilt", 0)),
        rot_z(-neck.get("flex", 0)),
    )
    head = at(neck_frame, neck_base, (1.5, NECK + HEAD_RADIUS - 2, 0))
    points.update(head=head, face=at(neck_frame, head, (HEAD_RADIUS - 1, -1.5, 0)))
    pieces += [
        Piece("head", neck_base, at(neck_frame, neck_base, (0.5, NECK, 0)), 5.0, 4.5, "neck"),
        Piece("head", head, head, HEAD_RADIUS, HEAD_RADIUS, "head"),
        # A small nose shows which way the figure faces in a side view.
        Piece("head", points["face"], points["face"], 2.6, 2.6, "face"),
    ]

    for name, sign in SIDES.items():
        _pose_leg(name, sign, joints, reach, pelvis_frame, points, pieces)
    for name, sign in SIDES.items():
        _pose_arm(name, sign, joints, reach, thorax_frame, points, pieces)

    body = Body(points, pieces, {"pelvis": pelvis_frame, "thorax": thorax_frame})
    lift = figure.get("lift", 0)
    return body.moved((0.0, lift - body.lowest(), 0.0))


def _pose_leg(name, sign, joints, reach, pelvis_frame, points, pieces) -> None:
    hip = _angles(joints, "hip", name)
    frame = chain(
        pelvis_frame,
        rot_z(hip.get("flex", 0)),
        rot_x(-sign * hip.get("abduct", 0)),
        rot_y(-sign * hip.get("rotate", 0)),
    )
    hip_point = points[f"{name}_hip"]
    knee_frame = chain(frame, rot_z(-_angles(joints, "knee", name).get("flex", 0)))
    knee = add(hip_point, apply(frame, (0, -THIGH, 0)))
    ankle = add(knee, apply(knee_frame, (0, -SHIN, 0)))
    ankle_frame = chain(knee_frame, rot_z(-_angles(joints, "ankle", name).get("point", 0)))
    if f"{name}_foot" in reach:
        spec = reach[f"{name}_foot"]
        forward = apply(pelvis_frame, (1.0, 0.0, 0.0))
        knee, ankle = _two_bone(
            hip_point, _resolve_target(spec, points), THIGH, SHIN, _bend_hint(spec, forward)
        )
        # The foot keeps its angle to the shin as posed, turned to the shin's new direction.
        ankle_frame = _frame_along(sub(ankle, knee), apply(ankle_frame, (1.0, 0.0, 0.0)))
    heel = add(ankle, apply(ankle_frame, (-3.0, -5.0, 0)))
    toe = add(ankle, apply(ankle_frame, (16.0, -5.5, 0)))
    # The instep: the top of the foot runs on from the front of the shin, so a pointed foot
    # (kneeling, the top of the foot on the mat) lies as flat as the shin does.
    instep = add(ankle, apply(ankle_frame, (8.0, -1.0, 0)))
    points.update({f"{name}_knee": knee, f"{name}_ankle": ankle, f"{name}_toe": toe})
    points[f"{name}_thigh"] = mean([hip_point, knee])
    points[f"{name}_shin"] = mean([knee, ankle])
    points[f"{name}_foot"] = mean([heel, toe])
    limb = f"{name}_leg"
    pieces += [
        Piece(limb, hip_point, knee, 8.0, 5.6, f"{name}_thigh"),
        Piece(limb, knee, ankle, 5.4, 3.6, f"{name}_shin"),
        Piece(limb, heel, toe, 3.4, 2.4, f"{name}_foot"),
        Piece(limb, ankle, instep, 3.6, 3.0, f"{name}_foot"),
    ]


def _pose_arm(name, sign, joints, reach, thorax_frame, points, pieces) -> None:
    shoulder = _angles(joints, "shoulder", name)
    frame = chain(
        thorax_frame,
        rot_z(shoulder.get("flex", 0)),
        rot_x(-sign * shoulder.get("abduct", 0)),
        rot_y(-sign * shoulder.get("rotate", 0)),
    )
    shoulder_point = points[f"{name}_shoulder"]
    elbow_frame = chain(frame, rot_z(_angles(joints, "elbow", name).get("flex", 0)))
    elbow = add(shoulder_point, apply(frame, (0, -UPPER_ARM, 0)))
    wrist = add(elbow, apply(elbow_frame, (0, -FOREARM, 0)))
    if f"{name}_hand" in reach:
        spec = reach[f"{name}_hand"]
        # Elbows drop outward and toward the floor unless the data says otherwise.
        default_bend = add(apply(thorax_frame, (0.0, 0.0, sign)), (0.0, -0.5, 0.0))
        elbow, wrist = _two_bone(
            shoulder_point,
            _resolve_target(spec, points),
            UPPER_ARM,
            FOREARM,
            _bend_hint(spec, default_bend),
        )
    hand = add(wrist, scale(unit(sub(wrist, elbow)), HAND))
    points.update({f"{name}_elbow": elbow, f"{name}_wrist": wrist, f"{name}_hand": hand})
    limb = f"{name}_arm"
    pieces += [
        Piece(limb, shoulder_point, elbow, 4.8, 3.8, f"{name}_upper_arm"),
        Piece(limb, elbow, wrist, 3.7, 2.7, f"{name}_forearm"),
        Piece(limb, wrist, hand, 2.8, 2.3, f"{name}_hand"),
    ]


def _frame_along(down: Vec, forward_hint: Vec) -> Mat:
    """A frame whose -y runs along `down` and whose x leans toward `forward_hint`."""
    y = scale(unit(down), -1)
    x = unit(sub(forward_hint, scale(y, dot(forward_hint, y))))
    if length(x) < 1e-6:
        return IDENTITY
    z = cross(x, y)
    # Columns are the frame's axes in world coordinates.
    return ((x[0], y[0], z[0]), (x[1], y[1], z[1]), (x[2], y[2], z[2]))
