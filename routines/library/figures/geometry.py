"""Small 3D vector and rotation helpers: enough for a posed figure, no numpy needed."""

import math
from functools import lru_cache

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # rows

IDENTITY: Mat = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def scale(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def length(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def unit(a: Vec) -> Vec:
    size = length(a)
    return scale(a, 1 / size) if size > 1e-9 else (0.0, 0.0, 0.0)


def mean(points: list[Vec]) -> Vec:
    return scale(
        (sum(p[0] for p in points), sum(p[1] for p in points), sum(p[2] for p in points)),
        1 / len(points),
    )


def matmul(a: Mat, b: Mat) -> Mat:
    # Written out: every figure chains thousands of these, and deriving the body model of all
    # library shapes must stay within 200 ms (`manage.py bench_body`).
    (b00, b01, b02), (b10, b11, b12), (b20, b21, b22) = b
    return (
        (
            a[0][0] * b00 + a[0][1] * b10 + a[0][2] * b20,
            a[0][0] * b01 + a[0][1] * b11 + a[0][2] * b21,
            a[0][0] * b02 + a[0][1] * b12 + a[0][2] * b22,
        ),
        (
            a[1][0] * b00 + a[1][1] * b10 + a[1][2] * b20,
            a[1][0] * b01 + a[1][1] * b11 + a[1][2] * b21,
            a[1][0] * b02 + a[1][1] * b12 + a[1][2] * b22,
        ),
        (
            a[2][0] * b00 + a[2][1] * b10 + a[2][2] * b20,
            a[2][0] * b01 + a[2][1] * b11 + a[2][2] * b21,
            a[2][0] * b02 + a[2][1] * b12 + a[2][2] * b22,
        ),
    )


def apply(m: Mat, v: Vec) -> Vec:
    x, y, z = v
    return (
        m[0][0] * x + m[0][1] * y + m[0][2] * z,
        m[1][0] * x + m[1][1] * y + m[1][2] * z,
        m[2][0] * x + m[2][1] * y + m[2][2] * z,
    )


# Figures turn joints by the same few whole angles again and again (and most by none), so
# each rotation is worked out once, and a turn by nothing is left out of a chain.
@lru_cache(maxsize=4096)
def rot_x(degrees: float) -> Mat:
    if not degrees:
        return IDENTITY
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))


@lru_cache(maxsize=4096)
def rot_y(degrees: float) -> Mat:
    if not degrees:
        return IDENTITY
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))


@lru_cache(maxsize=4096)
def rot_z(degrees: float) -> Mat:
    if not degrees:
        return IDENTITY
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def chain(*matrices: Mat) -> Mat:
    result = IDENTITY
    for m in matrices:
        if m is not IDENTITY:
            result = m if result is IDENTITY else matmul(result, m)
    return result


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex outline of flat points, counter-clockwise (Andrew's monotone chain)."""
    points = sorted(set(points))
    if len(points) < 3:
        return points

    def turn(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    upper: list = []
    for p in points:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]
