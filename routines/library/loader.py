"""The shared pose library: its data file, the file's schema, and syncing it into the database.

`routines/library/data/poses.yaml` is the reviewable source. `sync_library()` runs after every
`migrate` (see apps.py) and from `manage.py load_pose_library`: it updates poses in place by
slug, so studios' routines keep pointing at the same rows, and it retires (never deletes) poses
and modifications that left the file.
"""

from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml
from django.db import transaction

from routines.library.figures import merge
from routines.library.figures.schema import FIGURE_OVERRIDE_SCHEMA, FIGURE_SCHEMA
from routines.library.vocabulary import BodyArea, Category, Movement, Position, Prop
from routines.models import Modification, Pose

LIBRARY_FILE = Path(__file__).resolve().parent / "data" / "poses.yaml"

_SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
_TEXT = {"type": "string", "minLength": 1}


def _words(vocabulary) -> dict:
    return {"type": "array", "items": {"enum": list(vocabulary.values)}, "uniqueItems": True}


MODIFICATION_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "slug",
        "name",
        "instructions",
        "steps",
        "props",
        "removes",
        "reduces",
        "adds",
        "figure",
    ],
    "properties": {
        "slug": _SLUG,
        "name": _TEXT,
        "instructions": _TEXT,
        # Printed instead of the pose's own steps, so a version must stand alone.
        "steps": {"type": "array", "items": _TEXT, "minItems": 3, "maxItems": 7},
        "props": _words(Prop),
        "removes": _words(Movement),
        "reduces": _words(Movement),
        "adds": _words(Movement),
        "figure": FIGURE_OVERRIDE_SCHEMA,
    },
}
POSE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "slug",
        "name",
        "other_names",
        "category",
        "position",
        "body_areas",
        "summary",
        "steps",
        "breath_cue",
        "hold",
        "both_sides",
        "attributes",
        "teacher_notes",
        "modifications",
        "alternatives",
        "figure",
    ],
    "properties": {
        "slug": _SLUG,
        "name": _TEXT,
        "other_names": {"type": "array", "items": _TEXT},
        "category": {"enum": list(Category.values)},
        "position": {"enum": list(Position.values)},
        "body_areas": {**_words(BodyArea), "minItems": 1},
        "summary": _TEXT,
        "steps": {"type": "array", "items": _TEXT, "minItems": 3, "maxItems": 7},
        "breath_cue": _TEXT,
        "hold": {
            "oneOf": [
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["breaths"],
                    "properties": {"breaths": {"type": "integer", "minimum": 1}},
                },
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["seconds"],
                    "properties": {"seconds": {"type": "integer", "minimum": 1}},
                },
            ]
        },
        "both_sides": {"type": "boolean"},
        "attributes": _words(Movement),
        "teacher_notes": _TEXT,
        "modifications": {"type": "array", "items": MODIFICATION_SCHEMA, "minItems": 2},
        "alternatives": {"type": "array", "items": _SLUG, "minItems": 1},
        "figure": FIGURE_SCHEMA,
    },
}
LIBRARY_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "poses"],
    "properties": {
        "version": {"const": 1},
        "poses": {"type": "array", "items": POSE_SCHEMA, "minItems": 1},
    },
}


class LibraryError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("The pose library file has problems:\n- " + "\n- ".join(problems))
        self.problems = problems


def read_library(path: Path = LIBRARY_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def library_problems(data: dict) -> list[str]:
    """Everything wrong with the data: schema first, then what a schema cannot express."""
    validator = jsonschema.Draft202012Validator(LIBRARY_SCHEMA)
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator.iter_errors(data)
    ]
    if problems:
        return problems
    slugs = [pose["slug"] for pose in data["poses"]]
    problems += [
        f"duplicate pose slug {slug}" for slug in sorted({s for s in slugs if slugs.count(s) > 1})
    ]
    for pose in data["poses"]:
        where = pose["slug"]
        attributes = set(pose["attributes"])
        modification_slugs = [m["slug"] for m in pose["modifications"]]
        if len(set(modification_slugs)) != len(modification_slugs):
            problems.append(f"{where}: duplicate modification slugs")
        if not any(m["props"] for m in pose["modifications"]):
            problems.append(f"{where}: at least one modification should use a prop")
        for modification in pose["modifications"]:
            changed = set(modification["removes"]) | set(modification["reduces"])
            if changed - attributes:
                problems.append(
                    f"{where}/{modification['slug']}: removes or reduces movements the pose "
                    f"does not have: {', '.join(sorted(changed - attributes))}"
                )
            if set(modification["adds"]) & attributes:
                problems.append(f"{where}/{modification['slug']}: adds a movement the pose has")
        for alternative in pose["alternatives"]:
            if alternative == where or alternative not in slugs:
                problems.append(f"{where}: alternative {alternative} is not another pose")
        for modification in pose["modifications"]:
            base = modification["figure"].get("base")
            if base is not None and base not in slugs:
                problems.append(f"{where}/{modification['slug']}: figure base {base} is not a pose")
    return problems


def modification_figure(pose_figure: dict, override: dict, figures: dict[str, dict]) -> dict:
    """A modification's whole figure: its override laid over its pose's (or its base pose's)."""
    rest = {key: value for key, value in override.items() if key != "base"}
    base = figures[override["base"]] if "base" in override else pose_figure
    return merge(base, rest)


def library_figures(data: dict) -> dict[tuple[str, str], dict]:
    """Every figure in the file, resolved: (pose slug, "") for poses, (pose, modification)."""
    figures = {pose["slug"]: pose["figure"] for pose in data["poses"]}
    resolved = {}
    for pose in data["poses"]:
        resolved[(pose["slug"], "")] = pose["figure"]
        for modification in pose["modifications"]:
            resolved[(pose["slug"], modification["slug"])] = modification_figure(
                pose["figure"], modification["figure"], figures
            )
    return resolved


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


def _pose_fields(entry: dict) -> dict:
    hold = entry["hold"]
    return {
        "name": entry["name"],
        "other_names": entry["other_names"],
        "category": entry["category"],
        "position": entry["position"],
        "body_areas": entry["body_areas"],
        "summary": entry["summary"],
        "steps": entry["steps"],
        "breath_cue": entry["breath_cue"],
        "hold_breaths": hold.get("breaths"),
        "hold_seconds": hold.get("seconds"),
        "both_sides": entry["both_sides"],
        "attributes": entry["attributes"],
        "teacher_notes": entry["teacher_notes"],
        "figure": entry["figure"],
        "retired": False,
    }


def _modification_fields(entry: dict, figure: dict) -> dict:
    keys = ("name", "instructions", "steps", "props", "removes", "reduces", "adds")
    return {**{key: entry[key] for key in keys}, "figure": figure, "retired": False}


@transaction.atomic
def sync_library(data: dict | None = None) -> SyncReport:
    data = read_library() if data is None else data
    problems = library_problems(data)
    if problems:
        raise LibraryError(problems)
    report = SyncReport()
    figures = library_figures(data)
    by_slug: dict[str, Pose] = {}
    for entry in data["poses"]:
        pose, created = Pose.objects.update_or_create(
            studio=None, slug=entry["slug"], defaults=_pose_fields(entry)
        )
        (report.created if created else report.updated).append(pose.slug)
        by_slug[pose.slug] = pose
        kept = []
        for modification in entry["modifications"]:
            Modification.objects.update_or_create(
                pose=pose,
                studio=None,
                slug=modification["slug"],
                defaults=_modification_fields(
                    modification, figures[(entry["slug"], modification["slug"])]
                ),
            )
            kept.append(modification["slug"])
        pose.modifications.filter(studio=None).exclude(slug__in=kept).update(retired=True)
    for entry in data["poses"]:
        by_slug[entry["slug"]].alternatives.set([by_slug[s] for s in entry["alternatives"]])
    gone = Pose.objects.filter(studio=None, retired=False).exclude(slug__in=by_slug)
    report.retired = list(gone.values_list("slug", flat=True))
    gone.update(retired=True)
    return report
