"""Props, placed from the posed body: each fills the space under the points it supports.

A prop is a set of solids (convex point clouds, drawn as the outline of their projection)
or a strap (a line between two body points). Placing props from the body, rather than the
body on props, keeps the data short: "a bolster under the chest" needs no coordinates.
"""

import math
from dataclasses import dataclass

from routines.library.figures.body import Body
from routines.library.figures.geometry import Vec, add, cross, mean, scale, sub, unit

# Block edges (cm) and which one stands upright at each of the three heights.
BLOCK_SIZES = {"low": (23.0, 10.0, 15.0), "middle": (23.0, 15.0, 10.0), "high": (15.0, 23.0, 10.0)}
FACINGS = {"front": (1.0, 0.0), "back": (-1.0, 0.0), "right": (0.0, 1.0), "left": (0.0, -1.0)}


@dataclass(frozen=True)
class Solid:
    kind: str
    points: tuple[Vec, ...]
    # A round prop (a bolster, a rolled blanket) also keeps its axis and radius, so that how far
    # a body part is from its curved surface can be measured
    # (routines/library/figures/plausible.py);
    # every other solid is the box around its points.
    axis: tuple[Vec, Vec] | None = None
    radius: float = 0.0

    @property
    def box(self) -> tuple[Vec, Vec]:
        xs, ys, zs = zip(*self.points, strict=True)
        return (min(xs), min(ys), min(zs)), (max(xs), max(ys), max(zs))


@dataclass(frozen=True)
class Strap:
    start: Vec
    end: Vec


def _box(kind: str, low: Vec, high: Vec) -> Solid:
    corners = tuple(
        (x, y, z) for x in (low[0], high[0]) for y in (low[1], high[1]) for z in (low[2], high[2])
    )
    return Solid(kind, corners)


def _cylinder(kind: str, start: Vec, end: Vec, radius: float) -> Solid:
    """A round prop between two points of its axis (level, or tilted when one end rests on
    something)."""
    axis = unit(sub(end, start))
    # Two directions across the axis: the round ends are drawn as rings in them.
    first = unit(cross(axis, (0.0, 1.0, 0.0))) if abs(axis[1]) < 0.99 else (1.0, 0.0, 0.0)
    second = cross(axis, first)
    points = []
    for centre in (start, end):
        for step in range(16):
            angle = 2 * math.pi * step / 16
            across = add(scale(first, math.cos(angle)), scale(second, math.sin(angle)))
            points.append(add(centre, scale(across, radius)))
    return Solid(kind, tuple(points), (start, end), radius)


def _point(spec, body: Body) -> Vec:
    names = spec if isinstance(spec, list) else [spec]
    return mean([body.points[name] for name in names])


def surface_below(
    body: Body, x0: float, x1: float, z0: float, z1: float, fallback: float, deepest: float
) -> float:
    """The lowest body surface above the footprint [x0, x1] x [z0, z1]: where a prop's top goes.
    Surfaces below `deepest` belong to other parts (a standing foot under a chair seat meant for
    the other leg's shin) and are left out."""
    heights = []
    for piece in body.pieces:
        for point, radius in piece.spheres():
            across = x0 - radius <= point[0] <= x1 + radius
            along = z0 - radius <= point[2] <= z1 + radius
            if across and along and point[1] - radius >= deepest:
                heights.append(point[1] - radius)
    return min(heights, default=fallback)


# How far below the point it supports a prop looks for the body surface it fits under: the
# thickest part (the pelvis, radius 9.5) with room to spare.
FIT_DEPTH = 15.0


def _fitted_top(body: Body, centre: Vec, half_x: float, half_z: float) -> float:
    # Only the middle of the footprint: a limb brushing its edge should not sink the prop.
    return surface_below(
        body,
        centre[0] - half_x * 0.5,
        centre[0] + half_x * 0.5,
        centre[2] - half_z * 0.5,
        centre[2] + half_z * 0.5,
        fallback=centre[1] - 8,
        deepest=centre[1] - FIT_DEPTH,
    )


def place(spec: dict, body: Body) -> list[Solid | Strap]:
    kind = spec["kind"]
    if kind == "strap":
        return [Strap(_point(spec["from"], body), _point(spec["to"], body))]
    if kind == "wall":
        return [_wall(spec, body)]
    if kind == "chair":
        return [*_chair(spec, body)]
    if "at" in spec:
        # A soft prop held by the body (a pillow between the knees, on the lap): its own size.
        centre = add(_point(spec["at"], body), tuple(spec.get("offset", (0, 0, 0))))
        half = scale(tuple(spec.get("size", (30, 10, 30))), 0.5)
        return [_box(kind, sub(centre, half), add(centre, half))]
    point = add(_point(spec["under"], body), tuple(spec.get("offset", (0, 0, 0))))
    along = spec.get("along", "x")
    if kind == "block":
        size = BLOCK_SIZES[spec.get("height", "low")]
        sx, sy, sz = size if along == "x" else (size[2], size[1], size[0])
        low = (point[0] - sx / 2, 0.0, point[2] - sz / 2)
        return [_box(kind, low, (low[0] + sx, sy, low[2] + sz))]
    if kind == "bolster" or (kind == "blanket" and spec.get("shape") == "rolled"):
        half_length = 32.0 if kind == "bolster" else 25.0
        hx, hz = (half_length, 10.0) if along == "x" else (10.0, half_length)
        top = _fitted_top(body, point, hx, hz)
        limits = (12.0, 30.0) if kind == "bolster" else (5.0, 16.0)
        resting = "rests_on" in spec and _resting_cylinder(
            kind, spec["rests_on"], point, top, half_length, along, limits, body
        )
        if resting:
            return [resting]
        radius = min(max(top, limits[0]), limits[1]) / 2
        ends = [(-half_length, 0.0, 0.0), (half_length, 0.0, 0.0)]
        if along == "z":
            ends = [(0.0, 0.0, -half_length), (0.0, 0.0, half_length)]
        centre = (point[0], radius, point[2])
        return [_cylinder(kind, add(centre, ends[0]), add(centre, ends[1]), radius)]
    # Folded blankets and cushions: soft slabs that fill the gap under the point.
    hx, hz = (24.0, 18.0) if kind == "blanket" else (18.0, 18.0)
    if along == "z":
        hx, hz = hz, hx
    top = min(max(_fitted_top(body, point, hx, hz), 3.0), 30.0)
    return [_box(kind, (point[0] - hx, 0.0, point[2] - hz), (point[0] + hx, top, point[2] + hz))]


def _resting_cylinder(
    kind: str,
    part: str,
    point: Vec,
    top: float,
    half: float,
    along: str,
    limits: tuple[float, float],
    body: Body,
) -> Solid | None:
    """A round prop lying under `point` with one end resting on a body part (a bolster laid
    lengthwise over the front shin in pigeon) and the other on the floor: it tilts down from
    that part, and its radius is chosen so its top meets the body at `point`. None when the
    part is not under the prop: it then lies on the floor, and the plausibility check says
    that it does not rest where the figure says."""
    i = 0 if along == "x" else 2
    j = 2 - i  # the axis across the prop
    near = [
        (centre, radius)
        for piece in body.pieces
        if piece.part == part
        for centre, radius in piece.spheres()
        if abs(centre[j] - point[j]) <= 12.0
    ]
    if not near:
        return None
    where = sum(c[i] for c, _ in near) / len(near)
    height = max(c[1] + r for c, r in near)
    # The prop runs from the part away from the pelvis (under a torso folded over the shin),
    # its raised end a little past the part, so the part holds it near that end.
    toward = 1.0 if point[i] >= body.points["pelvis"][i] else -1.0
    raised_at, floor_at = where - toward * 6.0, where - toward * 6.0 + toward * 2 * half
    # How far along from the raised end `point` lies: the axis drops by `height` over the length.
    share = min(max((point[i] - raised_at) * toward / (2 * half), 0.0), 1.0)
    radius = min(max(top - height * (1 - share), limits[0]), limits[1]) / 2

    def at(along_axis: float, y: float) -> Vec:
        spot = [0.0, y, 0.0]
        spot[i], spot[j] = along_axis, point[j]
        return (spot[0], spot[1], spot[2])

    return _cylinder(kind, at(raised_at, height + radius), at(floor_at, radius), radius)


def _wall(spec: dict, body: Body) -> Solid:
    """A wall just touching the body on one side (front, back, left or right). With `at`, it
    touches those parts only and is as narrow as a door frame: a leg resting on the frame of
    a doorway while the other leg lies through it."""
    dx, dz = FACINGS[spec["side"]]
    names = spec.get("at")
    names = set(names if isinstance(names, list) else [names]) if names else None
    pieces = [p for p in body.pieces if names is None or p.part in names]
    surfaces = [
        (p[0] + dx * r, p[2] + dz * r, p[1] + r)
        for piece in pieces
        for p, r in ((piece.start, piece.start_radius), (piece.end, piece.end_radius))
    ]
    top = max(s[2] for s in surfaces) + 25
    xs, zs = [s[0] for s in surfaces], [s[1] for s in surfaces]
    half = (45.0, 60.0) if names is None else (12.0, 12.0)
    if dx:
        plane = max(xs) if dx > 0 else min(xs)
        z_mid = (min(zs) + max(zs)) / 2
        low, high = (plane, 0.0, z_mid - half[0]), (plane + 6 * dx, top, z_mid + half[0])
    else:
        plane = max(zs) if dz > 0 else min(zs)
        x_mid = (min(xs) + max(xs)) / 2
        low, high = (x_mid - half[1], 0.0, plane), (x_mid + half[1], top, plane + 6 * dz)
    (x1, y1, z1), (x2, y2, z2) = low, high
    lowest = (min(x1, x2), min(y1, y2), min(z1, z2))
    return _box("wall", lowest, (max(x1, x2), max(y1, y2), max(z1, z2)))


def _chair(spec: dict, body: Body) -> list[Solid]:
    """A chair: `part: seat` fits its seat under the points, `part: back` its backrest top."""
    point = add(_point(spec["under"], body), tuple(spec.get("offset", (0, 0, 0))))
    fx, fz = FACINGS[spec.get("facing", "front")]
    part = spec.get("part", "seat")
    depth, half_width = 42.0, 21.0
    if part == "seat":
        # The sitter's pelvis sits near the back of the seat; the thighs rest on the rest.
        back_edge = (point[0] - fx * 14, point[2] - fz * 14)
        top = _fitted_top(body, (point[0] + fx * 6, point[1], point[2] + fz * 6), 10, 10)
        seat, back_top = top, top + 42
    else:
        # A hand resting on the backrest: the top of the backrest is just under the hand.
        back_edge = (point[0], point[2])
        back_top = point[1] - 3
        seat = back_top - 40
    front_edge = (back_edge[0] + fx * depth, back_edge[1] + fz * depth)
    side = (-fz * half_width, fx * half_width)

    def corner(edge, offset) -> tuple[float, float]:
        return (edge[0] + offset * side[0], edge[1] + offset * side[1])

    def post(edge, offset, bottom: float, height: float, thick: float = 3.0) -> Solid:
        cx, cz = corner(edge, offset)
        return _box(
            "chair",
            (cx - thick / 2, bottom, cz - thick / 2),
            (cx + thick / 2, height, cz + thick / 2),
        )

    solids = [post(edge, s, 0.0, seat) for edge in (front_edge, back_edge) for s in (-0.85, 0.85)]
    seat_points = [
        (x, y, z)
        for x, z in (corner(e, s) for e in (back_edge, front_edge) for s in (-1, 1))
        for y in (seat - 3.5, seat)
    ]
    solids.append(Solid("chair", tuple(seat_points)))
    back_points = [
        (x - fx * t, y, z - fz * t)
        for x, z in (corner(back_edge, s) for s in (-1, 1))
        for y in (seat, back_top)
        for t in (0.0, 3.0)
    ]
    solids.append(Solid("chair", tuple(back_points)))
    return solids


def mat_for(body: Body) -> Solid:
    xs = [p[0] for p in body.points.values()]
    zs = [p[2] for p in body.points.values()]
    cx, cz = (min(xs) + max(xs)) / 2, (min(zs) + max(zs)) / 2
    half = max(90.0, (max(xs) - min(xs)) / 2 + 10)
    return _box("mat", (cx - half, -0.6, cz - 30), (cx + half, 0.0, cz + 30))
