"""The JSON schema of a `figure:` block in routines/library/data/poses.yaml (and of a studio pose's
figure): which view, how the body is turned, joint angles in degrees, reaches and props."""

import jsonschema

from routines.library.figures.body import SIDES
from routines.library.figures.plausible import CONTACT_PARTS, PARTS, SUPPORTS

_ANGLE = {"type": "number", "minimum": -240, "maximum": 240}
_NUMBER3 = {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3}

_CENTRE_POINTS = ["pelvis", "waist", "chest", "neck", "head", "face"]
_LIMB_POINTS = [
    "hip", "knee", "ankle", "toe", "thigh", "shin", "foot",
    "shoulder", "elbow", "wrist", "hand",
]  # fmt: skip
POINTS = _CENTRE_POINTS + [f"{side}_{part}" for side in SIDES for part in _LIMB_POINTS]
_POINT = {"enum": POINTS}
_POINTS = {"oneOf": [_POINT, {"type": "array", "items": _POINT, "minItems": 1}]}

# Each joint and the angles it takes; `hips` sets both sides, `left_hip` one side.
JOINT_ANGLES = {
    "spine": ["flex", "side", "twist"],
    "neck": ["flex", "turn", "tilt"],
    "hip": ["flex", "abduct", "rotate"],
    "knee": ["flex"],
    "ankle": ["point"],
    "shoulder": ["flex", "abduct", "rotate"],
    "elbow": ["flex"],
}


def _joint(angles: list[str]) -> dict:
    return {
        "type": ["object", "null"],
        "additionalProperties": False,
        "properties": {angle: _ANGLE for angle in angles},
    }


def _joint_names() -> dict:
    names = {}
    for joint, angles in JOINT_ANGLES.items():
        if joint in ("spine", "neck"):
            names[joint] = _joint(angles)
            continue
        names[joint + "s"] = _joint(angles)
        for side in SIDES:
            names[f"{side}_{joint}"] = _joint(angles)
    return names


_REACH_TARGET = {
    "oneOf": [
        {"type": "null"},
        _POINT,
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["to"],
            "properties": {"to": _POINTS, "offset": _NUMBER3, "bend": _NUMBER3},
        },
    ]
}
PROP_KINDS = ["bolster", "blanket", "block", "strap", "chair", "wall", "cushion"]
_PROP = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind"],
    "properties": {
        "kind": {"enum": PROP_KINDS},
        "under": _POINTS,
        "at": _POINTS,
        # A round prop with one end resting on a body part rather than the floor (not `on`,
        # which YAML reads as true).
        "rests_on": {"enum": PARTS},
        "from": _POINTS,
        "to": _POINTS,
        "offset": _NUMBER3,
        "size": _NUMBER3,
        "along": {"enum": ["x", "z"]},
        "height": {"enum": ["low", "middle", "high"]},
        "shape": {"enum": ["folded", "rolled"]},
        "side": {"enum": ["front", "back", "left", "right"]},
        "facing": {"enum": ["front", "back", "left", "right"]},
        "part": {"enum": ["seat", "back"]},
    },
    "allOf": [
        {"if": {"properties": {"kind": {"const": "strap"}}}, "then": {"required": ["from", "to"]}},
        {"if": {"properties": {"kind": {"const": "wall"}}}, "then": {"required": ["side"]}},
        {
            "if": {"properties": {"kind": {"enum": ["bolster", "block", "chair"]}}},
            "then": {"required": ["under"]},
        },
        {
            "if": {"properties": {"kind": {"enum": ["blanket", "cushion"]}}},
            "then": {"oneOf": [{"required": ["under"]}, {"required": ["at"]}]},
        },
    ],
}
_SHAPE_PROPERTIES = {
    "view": {"enum": ["side", "front", "front_above", "three_quarter", "top", "back_above"]},
    "body": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"pitch": _ANGLE, "roll": _ANGLE, "yaw": _ANGLE},
    },
    "lift": {"type": "number", "minimum": 0, "maximum": 60},
    "mat": {"type": "boolean"},
    "joints": {"type": "object", "additionalProperties": False, "properties": _joint_names()},
    "reach": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            f"{side}_{end}": _REACH_TARGET for side in SIDES for end in ("hand", "foot")
        },
    },
    "props": {"type": "array", "items": _PROP},
    # What holds the body up: a part and what it rests on (the floor, a prop, a wall, or another
    # part of the body, as a hand on a knee). routines/library/figures/plausible.py measures each
    # one.
    # In a modification's figure `null` removes a contact its pose had.
    "contacts": {
        "type": "object",
        "propertyNames": {"enum": CONTACT_PARTS},
        "additionalProperties": {"oneOf": [{"type": "null"}, {"enum": SUPPORTS + PARTS}]},
    },
}
_END_SHAPE = {"type": "object", "additionalProperties": False, "properties": _SHAPE_PROPERTIES}

# A complete figure: a pose's own, or a studio pose's.
FIGURE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["view"],
    "properties": {**_SHAPE_PROPERTIES, "end": _END_SHAPE},
}
# A modification's figure is laid over its pose's (or over the pose named in `base`);
# `null` removes what the pose had, such as a reach or the end shape.
FIGURE_OVERRIDE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **_SHAPE_PROPERTIES,
        "end": {"oneOf": [{"type": "null"}, _END_SHAPE]},
        "base": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
    },
}


def figure_problems(figure: dict) -> list[str]:
    """What keeps a studio pose's figure from being drawn, checked as the library's are."""
    validator = jsonschema.Draft202012Validator(FIGURE_SCHEMA)
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or 'figure'}: {error.message}"
        for error in validator.iter_errors(figure)
    ]
