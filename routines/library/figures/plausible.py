"""Is a figure physically possible? Its declared contacts touch, nothing sinks, nothing floats.

A figure says what holds the body up in `contacts`: `{right_shin: floor, pelvis: block,
left_hand: chair, right_hand: right_knee}`. Each part is measured against its support on the
posed body and its placed props (the same geometry the drawing uses), so a figure cannot say
"the feet on the floor" while drawing them in the air. Beyond the declared contacts, no body
part may be inside a prop, no prop below the floor, and the body's centre of mass must lie
over what it rests on: a figure held up by nothing is not a pose but a fall.

Distances are in the figure's centimetres. A step figure 55 mm wide shows a body of about
190 cm, so 1 mm on paper is about 3.5 cm: the tolerances below stay within a millimetre there.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from routines.library.figures import shapes_of
from routines.library.figures.body import SIDES, Body, pose_body
from routines.library.figures.geometry import Vec, add, convex_hull, dot, length, scale, sub
from routines.library.figures.props import Solid, Strap, place

# A declared contact may leave this much air between the surfaces (cm)...
GAP_TOLERANCE = 3.5
# ...and a body part may press this far into what it rests on: soft props give, hard do not.
SINK_TOLERANCE = {"floor": 1.0, "block": 2.0, "chair": 2.0, "wall": 2.0}
SOFT_SINK = 4.0
# The centre of mass may lie this far outside the outline of what touches (a body leans a
# little on its muscles; the figure's masses are coarse).
BALANCE_MARGIN = 12.0

SUPPORTS = ["floor", "wall", "block", "bolster", "blanket", "cushion", "chair"]
_SIDED_PARTS = [
    "thigh", "knee", "shin", "foot", "heel", "toes",
    "upper_arm", "elbow", "forearm", "hand",
]  # fmt: skip
_CENTRE_PARTS = [
    "pelvis", "low_back", "belly", "chest", "upper_back", "shoulders", "neck", "head", "face",
]  # fmt: skip
# The belly is the front of the low back's piece: a hand "on the belly" touches that piece.
_SAME_PIECE = {"belly": "low_back"}
PARTS = _CENTRE_PARTS + [f"{side}_{part}" for side in SIDES for part in _SIDED_PARTS]
# Both sides at once: `feet: floor` is `left_foot: floor` and `right_foot: floor`.
PAIRS = {
    "thighs": "thigh",
    "knees": "knee",
    "shins": "shin",
    "feet": "foot",
    "heels": "heel",
    "forearms": "forearm",
    "elbows": "elbow",
    "hands": "hand",
}
CONTACT_PARTS = PARTS + list(PAIRS)
# What a prop word in a modification's name or text is drawn as.
PROP_WORDS = {
    "bolster": {"bolster"},
    "block": {"block"},
    "blanket": {"blanket"},
    "cushion": {"cushion", "bolster", "blanket"},
    "pillow": {"cushion", "bolster", "blanket"},
    "towel": {"blanket", "strap"},
    "strap": {"strap"},
    "belt": {"strap"},
    "chair": {"chair"},
    "wall": {"wall"},
}

Sphere = tuple[Vec, float]


@dataclass(frozen=True)
class Contact:
    part: str
    support: str
    gap: float  # cm between the surfaces; below zero, how far the part presses in


def expand_contacts(contacts: dict) -> dict[str, str]:
    """`contacts` with the pairs written out per side and the removed (null) ones dropped."""
    result: dict[str, str] = {}
    for part, support in contacts.items():
        if support is None:
            continue
        if part in PAIRS:
            for side in SIDES:
                result.setdefault(f"{side}_{PAIRS[part]}", support)
        else:
            result[part] = support
    return result


def _samples(body: Body, part: str) -> list[Sphere]:
    """The part as spheres along its pieces (the same capsules the drawing outlines)."""
    side, _, name = part.partition("_") if part.split("_")[0] in SIDES else ("", "", part)
    if name in ("knee", "elbow"):
        radius = 5.5 if name == "knee" else 3.8
        return [(body.points[f"{side}_{name}"], radius)]
    if name in ("heel", "toes"):
        foot = next(p for p in body.pieces if p.part == f"{side}_foot")
        return (
            [(foot.start, foot.start_radius)] if name == "heel" else [(foot.end, foot.end_radius)]
        )
    pieces = [p for p in body.pieces if p.part == _SAME_PIECE.get(part, part)]
    return [sphere for piece in pieces for sphere in piece.spheres()]


def _to_solid(centre: Vec, solid: Solid) -> float:
    """Signed distance from a point to a prop's surface (negative inside)."""
    if solid.axis is not None:
        start, end = solid.axis
        direction = sub(end, start)
        t = max(0.0, min(1.0, dot(sub(centre, start), direction) / dot(direction, direction)))
        return length(sub(centre, add(start, scale(direction, t)))) - solid.radius
    low, high = solid.box
    outside = [max(low[i] - centre[i], 0.0, centre[i] - high[i]) for i in range(3)]
    if any(outside):
        return math.sqrt(sum(d * d for d in outside))
    return -min(min(centre[i] - low[i], high[i] - centre[i]) for i in range(3))


def _gap(spheres: list[Sphere], support: str, solids: list[Solid], body: Body) -> float | None:
    if support == "floor":
        return min(c[1] - r for c, r in spheres)
    if support in PARTS:
        others = _samples(body, support)
        return min(length(sub(c, o)) - r - q for c, r in spheres for o, q in others)
    targets = [s for s in solids if s.kind == support]
    if not targets:
        return None
    return min(_to_solid(c, s) - r for c, r in spheres for s in targets)


@dataclass
class Placed:
    """A figure's shape posed, with its props placed: what the check and the drawing share."""

    body: Body
    solids: list[Solid]
    straps: list[Strap]


def placed(shape: dict) -> Placed:
    body = pose_body(shape)
    solids: list[Solid] = []
    straps: list[Strap] = []
    for spec in shape.get("props", []):
        for prop in place(spec, body):
            if isinstance(prop, Strap):
                straps.append(prop)
            else:
                solids.append(prop)
    return Placed(body, solids, straps)


def contacts_of(shape: dict, scene: Placed | None = None) -> list[Contact]:
    """Each declared contact, measured."""
    scene = scene or placed(shape)
    result = []
    for part, support in expand_contacts(shape.get("contacts", {})).items():
        gap = _gap(_samples(scene.body, part), support, scene.solids, scene.body)
        result.append(Contact(part, support, math.inf if gap is None else gap))
    return result


def _mass_centre(body: Body) -> tuple[float, float]:
    """Where the body's weight falls on the floor (x, z), each piece weighed by its volume."""
    total, x, z = 0.0, 0.0, 0.0
    for piece in body.pieces:
        radius = (piece.start_radius + piece.end_radius) / 2
        weight = (length(sub(piece.end, piece.start)) + radius) * radius * radius
        middle = scale(add(piece.start, piece.end), 0.5)
        total += weight
        x += middle[0] * weight
        z += middle[2] * weight
    return x / total, z / total


def _outside(point: tuple[float, float], outline: list[tuple[float, float]]) -> float:
    """How far a point lies outside a convex outline (0 inside)."""
    if not outline:
        return math.inf
    if len(outline) == 1:
        return math.dist(point, outline[0])
    if len(outline) >= 3:
        inside = all(
            (b[0] - a[0]) * (point[1] - a[1]) - (b[1] - a[1]) * (point[0] - a[0]) >= 0
            for a, b in zip(outline, outline[1:] + outline[:1], strict=True)
        )
        if inside:
            return 0.0
    edges = zip(outline, outline[1:] + outline[:1], strict=True)
    return min(_to_segment(point, a, b) for a, b in edges)


def _to_segment(p, a, b) -> float:
    ab = (b[0] - a[0], b[1] - a[1])
    size = ab[0] ** 2 + ab[1] ** 2
    t = (
        0.0
        if size == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / size))
    )
    return math.dist(p, (a[0] + ab[0] * t, a[1] + ab[1] * t))


def _outline(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex outline of what bears weight, with near-equal points taken as one."""
    return convex_hull([(round(x, 3), round(z, 3)) for x, z in points])


def _bearing_points(scene: Placed, contacts: list[Contact]) -> list[tuple[float, float]]:
    """Where the body's weight goes down to the floor: each touching sphere of a contact with
    the floor, and the footprint of each prop the body rests on (the prop stands on the floor)."""
    points = []
    for contact in contacts:
        if contact.support in PARTS or contact.gap > GAP_TOLERANCE:
            continue
        if contact.support == "floor":
            spheres = _samples(scene.body, contact.part)
            points += [(c[0], c[2]) for c, r in spheres if c[1] - r <= GAP_TOLERANCE]
        else:
            for solid in scene.solids:
                if solid.kind == contact.support:
                    points += [(p[0], p[2]) for p in solid.points]
    return points


def shape_faults(shape: dict) -> list[str]:
    """Everything physically wrong with one shape of a figure, in words (empty: plausible)."""
    scene = placed(shape)
    faults = []
    contacts = contacts_of(shape, scene)
    if not contacts:
        faults.append("declares no contacts: what holds the body up?")
    for contact in contacts:
        where = f"{contact.part.replace('_', ' ')} on the {contact.support.replace('_', ' ')}"
        if contact.gap == math.inf:
            faults.append(f"{where}: there is no {contact.support} drawn")
        elif contact.gap > GAP_TOLERANCE:
            faults.append(f"{where}: {contact.gap:.0f} cm apart")
    for solid in scene.solids:
        low, high = solid.box
        if low[1] < -SINK_TOLERANCE["floor"]:
            faults.append(f"the {solid.kind} goes {-low[1]:.0f} cm below the floor")
        if high[1] <= 1.0:
            faults.append(f"the {solid.kind} has no height above the floor")
        allowed = SINK_TOLERANCE.get(solid.kind, SOFT_SINK)
        deepest, part = 0.0, ""
        for piece in scene.body.pieces:
            for centre, radius in piece.spheres():
                depth = radius - _to_solid(centre, solid)
                if depth > deepest:
                    deepest, part = depth, piece.part
        if deepest > allowed:
            faults.append(f"{part.replace('_', ' ')} is {deepest:.0f} cm inside the {solid.kind}")
    for spec in shape.get("props", []):
        # A prop resting on a body part must touch it there (the part holds the prop up).
        if "rests_on" in spec:
            kinds = [s for s in scene.solids if s.kind == spec["kind"]]
            spheres = _samples(scene.body, spec["rests_on"])
            gap = min((_to_solid(c, s) - r for c, r in spheres for s in kinds), default=math.inf)
            if gap > GAP_TOLERANCE:
                where = spec["rests_on"].replace("_", " ")
                faults.append(f"the {spec['kind']} does not rest on the {where}")
    bearing = _bearing_points(scene, contacts)
    if contacts and not bearing:
        faults.append("nothing it touches is on the floor: the body floats")
    elif bearing:
        off = _outside(_mass_centre(scene.body), _outline(bearing))
        if off > BALANCE_MARGIN:
            faults.append(f"its weight falls {off:.0f} cm outside what it rests on: it would tip")
    return faults


def figure_faults(figure: dict) -> list[str]:
    """The faults of each shape of a figure (its start shape, and its end shape if it moves)."""
    faults = []
    for index, shape in enumerate(shapes_of(figure)):
        label = "" if index == 0 else "end shape: "
        faults += [label + fault for fault in shape_faults(shape)]
    return faults


def props_named(text: str) -> set[str]:
    """The prop words in a name ("Blanket behind the knees" -> {"blanket"})."""
    lowered = text.lower()
    return {word for word in PROP_WORDS if word in lowered}


def _showing(word: str, shapes: list[dict]) -> str:
    """ "touched" when some shape rests on the prop, "drawn" when it is only drawn, else ""."""
    kinds = [{spec["kind"] for spec in shape.get("props", [])} for shape in shapes]
    touched = [
        set(expand_contacts(shape.get("contacts", {})).values()) | {"strap"} for shape in shapes
    ]
    drawn = [PROP_WORDS.get(word, set()) & k for k in kinds]
    if any(d & t for d, t in zip(drawn, touched, strict=True)):
        return "touched"
    return "drawn" if any(drawn) else ""


def prop_faults(figure: dict, named: Iterable[str], listed: Iterable[str] = ()) -> list[str]:
    """Each prop `named` (in a modification's name) must be drawn and touched by the body; of
    the props `listed` for it ("a folded blanket or a block"), at least one. A strap is held.
    In a moving pose the body may touch a prop in one of its two shapes (knees that sway down
    onto a pillow)."""
    shapes = shapes_of(figure)
    named, listed = set(named), set(listed) - set(named)
    faults = []
    for word in sorted(named):
        showing = _showing(word, shapes)
        if not showing:
            faults.append(f"its name says {word} but no {word} is drawn")
        elif showing != "touched":
            faults.append(f"the {word} is drawn but nothing rests on it")
    if listed and not named and not any(_showing(w, shapes) == "touched" for w in listed):
        faults.append(f"none of its props ({', '.join(sorted(listed))}) is drawn and touched")
    return faults
