"""Projection and SVG output: presentation attributes only, no class, style or <style>.

WeasyPrint ignores page CSS inside inline SVG and our content-security policy blocks inline
styles, so every colour and width is an attribute. Coordinates are rounded to one decimal, so
the same figure data always gives the same bytes.
"""

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from routines.library.figures.body import Body, Piece, pose_body
from routines.library.figures.geometry import Mat, apply, chain, convex_hull, rot_x, rot_y
from routines.library.figures.props import Solid, Strap, mat_for, place

VIEWS: dict[str, Mat] = {
    "side": rot_y(0),
    "front": rot_y(-90),
    "three_quarter": chain(rot_x(14), rot_y(-38)),
    "front_above": chain(rot_x(22), rot_y(-90)),
    "top": rot_x(90),
    # Lying on the side: from above and behind, so both the bent hips and knees (which run
    # along the floor) and a knee lifting off the other (which rises from it) can be seen.
    "back_above": chain(rot_x(35), rot_y(-150)),
}
# Views where the floor is seen edge-on, as a line.
FLOOR_LINE_VIEWS = {"side", "front"}

# The far limb and the props keep at least 3:1 contrast against white paper and against the
# mat (WCAG's ratio for graphics), so they survive a greyscale printer; the near limb is darker
# still, so the two sides stay apart (tests/test_figure_contrast.py measures each pair).
NEAR = "#2c4657"
FAR = "#6b8494"
GAP = "#ffffff"
PROP_FILL = "#927a58"
PROP_EDGE = "#5f4e37"
MAT_FILL = "#dbe6df"
WALL_FILL = "#877c6d"
STRAP = "#8a6d45"
FLOOR = "#8c8c8c"
ARROW = "#6b6b6b"
FILLS = {"mat": MAT_FILL, "wall": WALL_FILL}


# A limb's piece as drawn: both ends' centres and radii (x1, y1, r1, x2, y2, r2).
Capsule = tuple[float, float, float, float, float, float]


@dataclass
class Shape:
    """One posed figure with its props, projected: ready to be placed on the canvas."""

    limbs: list[tuple[str, list[Capsule]]]  # colour, capsules
    solids: list[tuple[str, list[tuple[float, float]]]]  # fill, hull
    straps: list[tuple[float, float, float, float]]
    floor: float | None
    bounds: tuple[float, float, float, float]


def project(figure: dict) -> Shape:
    body: Body = pose_body(figure)
    view = VIEWS[figure.get("view", "side")]

    def flat(point) -> tuple[float, float, float]:
        sx, sy, depth = apply(view, point)
        return sx, -sy, depth  # SVG's y grows downward

    chains: dict[str, list[Piece]] = {}
    for piece in body.pieces:
        chains.setdefault(piece.chain, []).append(piece)
    depth_of = {
        name: sum(flat(p.start)[2] + flat(p.end)[2] for p in pieces) / (2 * len(pieces))
        for name, pieces in chains.items()
    }
    limbs: list[tuple[str, list[Capsule]]] = []
    for name in sorted(chains, key=lambda n: (round(depth_of[n], 3), n)):
        # Of a pair of limbs, the one clearly further away is drawn lighter, as an illustrator
        # would; a pair seen side by side (from the front) stays one tone.
        partner = {"left": "right", "right": "left"}.get(name.split("_")[0])
        far = (
            partner is not None and depth_of[name] < depth_of[partner + name[name.index("_") :]] - 4
        )
        colour = FAR if far else NEAR
        capsules: list[Capsule] = []
        for p in chains[name]:
            (x1, y1, _), (x2, y2, _) = flat(p.start), flat(p.end)
            capsules.append((x1, y1, p.start_radius, x2, y2, p.end_radius))
        limbs.append((colour, capsules))

    # Seen from the front and above, a mat reads as a pedestal: it is left out there.
    default_mat = figure.get("view", "side") != "front_above"
    props: list[Solid | Strap] = [mat_for(body)] if figure.get("mat", default_mat) else []
    for spec in figure.get("props", []):
        props += place(spec, body)
    solids, straps = [], []
    for prop in props:
        if isinstance(prop, Strap):
            (x1, y1, _), (x2, y2, _) = flat(prop.start), flat(prop.end)
            straps.append((x1, y1, x2, y2))
        else:
            assert isinstance(prop, Solid)
            hull = convex_hull([flat(p)[:2] for p in prop.points])
            solids.append(
                (prop.kind, hull, sum(flat(p)[2] for p in prop.points) / len(prop.points))
            )
    # Walls and the mat stay behind everything; other props in depth order.
    order = {"wall": 0, "mat": 1}
    solids.sort(key=lambda s: (order.get(s[0], 2), round(s[2], 3)))

    xs, ys = [], []
    for _, capsules in limbs:
        for x1, y1, r1, x2, y2, r2 in capsules:
            xs += [x1 - r1, x1 + r1, x2 - r2, x2 + r2]
            ys += [y1 - r1, y1 + r1, y2 - r2, y2 + r2]
    for kind, hull, _ in solids:
        if kind != "wall":  # a wall is cut to the figure, not the figure to the wall
            xs += [p[0] for p in hull]
            ys += [p[1] for p in hull]
    floor_key = figure.get("view", "side")
    floor = -apply(view, (0, 0, 0))[1] if floor_key in FLOOR_LINE_VIEWS else None
    if floor is not None:
        ys.append(floor)
    return Shape(
        limbs=limbs,
        solids=[(FILLS.get(kind, PROP_FILL), hull) for kind, hull, _ in solids],
        straps=straps,
        floor=floor,
        bounds=(min(xs), min(ys), max(xs), max(ys)),
    )


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if text in ("-0.0", "0.0") else text.removesuffix(".0")


def _capsule_path(x1, y1, r1, x2, y2, r2) -> str:
    """The outline of two circles joined by their outer tangents (a tapered, rounded limb)."""
    dx, dy = x2 - x1, y2 - y1
    distance = math.hypot(dx, dy)
    if distance <= abs(r1 - r2) + 0.05:
        x, y, r = (x1, y1, r1) if r1 >= r2 else (x2, y2, r2)
        arc = f"a{_n(r)} {_n(r)} 0 1 0"
        return f"M{_n(x - r)} {_n(y)}{arc} {_n(2 * r)} 0{arc} {_n(-2 * r)} 0Z"
    direction = math.atan2(dy, dx)
    spread = math.acos(max(-1.0, min(1.0, (r1 - r2) / distance)))

    def on(x, y, r, angle) -> str:
        return f"{_n(x + r * math.cos(angle))} {_n(y + r * math.sin(angle))}"

    far_large = 1 if 2 * spread > math.pi else 0
    near_large = 1 if spread < math.pi / 2 else 0
    return (
        f"M{on(x1, y1, r1, direction + spread)}"
        f"L{on(x2, y2, r2, direction + spread)}"
        f"A{_n(r2)} {_n(r2)} 0 {far_large} 0 {on(x2, y2, r2, direction - spread)}"
        f"L{on(x1, y1, r1, direction - spread)}"
        f"A{_n(r1)} {_n(r1)} 0 {near_large} 0 {on(x1, y1, r1, direction + spread)}Z"
    )


def _shape_svg(
    shape: Shape, k: float, dx: float, dy: float, left: float, right: float
) -> list[str]:
    """The SVG elements of one shape scaled by k and moved by (dx, dy)."""

    def tx(x: float) -> float:
        return x * k + dx

    def ty(y: float) -> float:
        return y * k + dy

    out = []
    if shape.floor is not None:
        y = _n(ty(shape.floor) + 0.5)
        out.append(
            f'<path d="M{_n(left)} {y}H{_n(right)}" stroke="{FLOOR}" stroke-width="1" fill="none"/>'
        )
    for fill, hull in shape.solids:
        points = " ".join(f"{_n(tx(x))},{_n(ty(y))}" for x, y in hull)
        edge = PROP_EDGE if fill != MAT_FILL else MAT_FILL
        out.append(
            f'<polygon points="{points}" fill="{fill}" stroke="{edge}" stroke-width="0.8" '
            'stroke-linejoin="round"/>'
        )
    for colour, capsules in shape.limbs:
        paths = [
            _capsule_path(tx(x1), ty(y1), r1 * k, tx(x2), ty(y2), r2 * k)
            for x1, y1, r1, x2, y2, r2 in capsules
        ]
        # A white outline under each limb separates it from what it crosses; the fills on
        # top then join the limb's own segments without seams.
        joined = "".join(paths)
        out.append(
            f'<path d="{joined}" fill="{GAP}" stroke="{GAP}" '
            f'stroke-width="{_n(max(1.6, 2.2 * k))}" stroke-linejoin="round"/>'
        )
        out.append(f'<path d="{joined}" fill="{colour}"/>')
    for x1, y1, x2, y2 in shape.straps:
        out.append(
            f'<path d="M{_n(tx(x1))} {_n(ty(y1))}L{_n(tx(x2))} {_n(ty(y2))}" stroke="{STRAP}" '
            f'stroke-width="{_n(max(1.5, 1.8 * k))}" stroke-linecap="round" fill="none"/>'
        )
    return out


def _arrow(x: float, y: float) -> str:
    """A double-headed arrow: the practice moves between the two shapes and back."""
    d = (
        f"M{_n(x - 9)} {_n(y)}H{_n(x + 9)}"
        f"M{_n(x + 4)} {_n(y - 5)}L{_n(x + 9)} {_n(y)}L{_n(x + 4)} {_n(y + 5)}"
        f"M{_n(x - 4)} {_n(y - 5)}L{_n(x - 9)} {_n(y)}L{_n(x - 4)} {_n(y + 5)}"
    )
    return (
        f'<path d="{d}" stroke="{ARROW}" stroke-width="1.6" fill="none" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def render(shapes: list[Shape], title: str, width: int, height: int) -> str:
    """One or two shapes side by side (a start and an end shape, with an arrow between)."""
    pad = 6.0
    gap = 34.0 if len(shapes) > 1 else 0.0
    spans = [(s.bounds[2] - s.bounds[0], s.bounds[3] - s.bounds[1]) for s in shapes]
    total_w = sum(w for w, _ in spans)
    tallest = max(h for _, h in spans)
    k = min((width - 2 * pad - gap) / total_w, (height - 2 * pad) / tallest, height / 120)
    used = total_w * k + gap
    cursor = (width - used) / 2
    floor_y = height - pad - min(8.0, (height - 2 * pad - tallest * k) / 2)
    elements = []
    for index, (shape, (w, _)) in enumerate(zip(shapes, spans, strict=True)):
        # Both shapes stand on one floor line.
        dx = cursor - shape.bounds[0] * k
        dy = floor_y - shape.bounds[3] * k
        left = 2.0 if index == 0 else cursor - gap / 2
        right = width - 2.0 if index == len(shapes) - 1 else cursor + w * k + gap / 2
        elements += _shape_svg(shape, k, dx, dy, left, right)
        cursor += w * k
        if index < len(shapes) - 1:
            mid, y = cursor + gap / 2, floor_y - tallest * k / 2
            elements.append(_arrow(mid, y))
            cursor += gap
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{escape(title)}</title>'
        + "".join(elements)
        + "</svg>"
    )
