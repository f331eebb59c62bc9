"""Pose figures drawn from data: a posed 3D body model, projected and written as SVG.

`figure_svg()` is the one entry point. Its result depends only on the figure data, the title
and the size, so it is memoised: each figure is drawn once per data version and process, not
once per request. `figure_version()` names that version (data and drawing code), for URLs
that browsers may cache for a year.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from routines.library.figures.svg import project, render

SIZES = {"thumb": (72, 54), "small": (120, 90), "medium": (240, 180), "large": (320, 240)}


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


_CODE = _code_fingerprint()


def canonical(figure: dict) -> str:
    return json.dumps(figure, sort_keys=True, separators=(",", ":"))


def figure_version(figure: dict) -> str:
    return hashlib.sha256((_CODE + canonical(figure)).encode()).hexdigest()[:16]


def shapes_of(figure: dict) -> list[dict]:
    """The start shape, and the end shape when the pose moves between two (cat and cow)."""
    start = {key: value for key, value in figure.items() if key != "end"}
    if not figure.get("end"):
        return [start]
    return [start, merge(start, figure["end"])]


def merge(base: dict, override: dict) -> dict:
    """`override` laid over `base`: mappings merge key by key, None removes, the rest replaces."""
    result = dict(base)
    for key, value in override.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


@lru_cache(maxsize=2048)
def _svg(figure_json: str, title: str, size: str) -> str:
    figure = json.loads(figure_json)
    width, height = SIZES[size]
    if figure.get("end"):
        width = width * 2  # two shapes side by side keep the size of one
    return render([project(shape) for shape in shapes_of(figure)], title, width, height)


def figure_svg(figure: dict, title: str, size: str = "medium") -> str:
    return _svg(canonical(figure), title, size)


def figure_html(figure: dict, title: str, size: str = "medium") -> SafeString:
    """The SVG for a template. Safe to mark: every element and attribute is written by our
    renderer from numbers and fixed words, and the only text, the title, is XML-escaped."""
    return mark_safe(figure_svg(figure, title, size))  # noqa: S308


def clear_cache() -> None:
    """Forget drawn figures (the benchmark times drawing, not the memo)."""
    _svg.cache_clear()


# A studio pose drawn before anyone set its figure: a plain shape for its position.
POSITION_FIGURES: dict[str, dict[str, Any]] = {
    "standing": {
        "view": "front",
        "joints": {"shoulders": {"abduct": 8}},
        "contacts": {"feet": "floor"},
    },
    "seated": {
        "view": "front",
        "joints": {
            "hips": {"flex": 90, "abduct": 45, "rotate": 75},
            "knees": {"flex": 145},
            "ankles": {"point": 50},
        },
        "reach": {
            "right_hand": {"to": "right_knee", "offset": [0, 4, 0]},
            "left_hand": {"to": "left_knee", "offset": [0, 4, 0]},
        },
        "contacts": {"pelvis": "floor", "feet": "floor"},
    },
    "kneeling": {
        "view": "side",
        "body": {"pitch": 70},
        "joints": {"hips": {"flex": 70}, "knees": {"flex": 90}, "ankles": {"point": 90}},
        "reach": {
            "left_hand": {"to": "left_shoulder", "offset": [0, -70, 0]},
            "right_hand": {"to": "right_shoulder", "offset": [0, -70, 0]},
        },
        "contacts": {"knees": "floor", "shins": "floor", "feet": "floor", "hands": "floor"},
    },
    "supine": {
        "view": "side",
        "body": {"pitch": -90},
        "joints": {
            "hips": {"flex": -2},
            "ankles": {"point": 20},
            "shoulders": {"abduct": 20, "flex": -8},
        },
        "contacts": {"pelvis": "floor", "upper_back": "floor", "head": "floor", "heels": "floor"},
    },
    "prone": {
        "view": "side",
        "body": {"pitch": 90},
        "joints": {
            "neck": {"turn": 80},
            "ankles": {"point": 80},
            "shoulders": {"flex": 160, "abduct": 40},
            "elbows": {"flex": 90},
        },
        "contacts": {
            "pelvis": "floor",
            "chest": "floor",
            "thighs": "floor",
            "forearms": "floor",
            "head": "floor",
        },
    },
    "side_lying": {
        "view": "back_above",
        "body": {"pitch": -90, "roll": 100},
        "joints": {
            "hips": {"flex": 45},
            "knees": {"flex": 90},
            "left_hip": {"abduct": -10},
            "right_shoulder": {"flex": 170},
            "left_shoulder": {"flex": 40},
            "elbows": {"flex": 30},
        },
        "contacts": {
            "pelvis": "floor",
            "shoulders": "floor",
            "right_knee": "floor",
            "head": "right_upper_arm",
            "left_knee": "right_knee",
        },
    },
    "chair": {
        "view": "side",
        "joints": {"hips": {"flex": 90}, "knees": {"flex": 90}},
        "reach": {"right_hand": "right_thigh", "left_hand": "left_thigh"},
        "props": [{"kind": "chair", "under": "pelvis"}],
        "contacts": {"pelvis": "chair", "feet": "floor"},
    },
}


def pose_figure(pose, modification=None) -> dict:
    """The figure to draw for a pose (and the version chosen): its own, else its position's."""
    if modification is not None and modification.figure:
        return modification.figure
    return pose.figure or POSITION_FIGURES[pose.position]


def figure_title(pose, modification=None) -> str:
    return f"{pose.name}: {modification.name}" if modification is not None else pose.name
