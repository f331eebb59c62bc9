"""The pose library as unsaved model objects, straight from routines/library/data/poses.yaml.

The safety engine reads only what it is handed, so the clinical table (tests/test_safety_
clinical.py) can run every library shape without a database.
"""

from functools import cache

from routines.library.loader import library_figures, read_library
from routines.models import Modification, Pose


@cache
def _library() -> tuple[Pose, ...]:
    data = read_library()
    figures = library_figures(data)
    poses = []
    for entry in data["poses"]:
        pose = Pose(
            slug=entry["slug"],
            name=entry["name"],
            position=entry["position"],
            both_sides=entry["both_sides"],
            attributes=entry["attributes"],
            teacher_notes=entry["teacher_notes"],
            figure=entry["figure"],
        )
        pose.library_modifications = [
            Modification(
                slug=m["slug"],
                name=m["name"],
                removes=m["removes"],
                reduces=m["reduces"],
                adds=m["adds"],
                figure=figures[(entry["slug"], m["slug"])],
            )
            for m in entry["modifications"]
        ]
        pose.alternative_slugs = entry["alternatives"]
        poses.append(pose)
    return tuple(poses)


LIBRARY = _library()
BY_SLUG = {pose.slug: pose for pose in LIBRARY}


def pose_named(slug: str) -> Pose:
    return BY_SLUG[slug]


def modification_named(pose: Pose, slug: str) -> Modification | None:
    if not slug:
        return None
    return next(m for m in pose.library_modifications if m.slug == slug)


def options_of(pose: Pose) -> dict:
    """The step's own modifications and its alternatives with theirs, as the builder loads them."""
    return {
        "modifications": pose.library_modifications,
        "alternatives": [
            (BY_SLUG[slug], BY_SLUG[slug].library_modifications) for slug in pose.alternative_slugs
        ],
    }
