"""Progress charts as inline SVG, drawn here rather than by a JavaScript chart library.

Only presentation attributes (no `style`, which the CSP forbids and print may ignore), one
colour (`currentColor`): before and after differ by line pattern and marker shape, so the
charts read the same in greyscale, on paper and in high-contrast modes. Every chart has a
<title>, a <desc> with the same plain summary the page shows under it, and numbers on its
axes. The output is deterministic (no random ids), so a handout's PDF cache still hits.
"""

from collections.abc import Sequence
from datetime import date

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from clients.sessions.models import SCALE_MAX
from clients.sessions.progress import SessionPoint, WeekPoint

register = template.Library()

WIDTH, HEIGHT = 320, 190
LEFT, RIGHT, TOP, BOTTOM = 30, 312, 12, 136
LEGEND_Y = 180
MEASURES = {
    "hips": ("Hips", "0 at ease, 10 a lot of discomfort"),
    "settled": ("Settled and safe", "0 not at all, 10 completely"),
}


def _day(value: date) -> str:
    return f"{value.day} {value:%b}"


def _x(index: int, count: int) -> float:
    return round(LEFT + (RIGHT - LEFT) * (index + 0.5) / count, 1)


def _y(value: float, top: int) -> float:
    return round(BOTTOM - (BOTTOM - TOP) * value / top, 1)


def _count(number: int, word: str) -> str:
    """ "1 session", "3 sessions": every word counted here takes a plain "s"."""
    return f"{number} {word}{pluralize(number)}"


def _arrow(values: list[int]) -> str:
    return f"{values[0]} → {values[-1]}"


def checkin_summary(points: Sequence[SessionPoint], measure: str) -> str:
    """ "hips (before) 6 → 3 over 8 sessions; after 4 → 2": numbers, never a judgement."""
    name = MEASURES[measure][0].lower()
    if not points:
        return f"No {name} check-ins yet."
    before = [p.before for p in points if p.before is not None]
    after = [p.after for p in points if p.after is not None]
    if len(points) == 1:
        parts = [f"{before[0]} before" if before else "", f"{after[0]} after" if after else ""]
        return f"{name}: {', '.join(filter(None, parts))}, one session so far"
    parts = []
    if before:
        parts.append(f"{name} (before) {_arrow(before)} over {_count(len(before), 'session')}")
    if after:
        lead = "after" if before else f"{name} (after)"
        parts.append(f"{lead} {_arrow(after)} over {_count(len(after), 'session')}")
    return "; ".join(parts)


def practice_summary(weeks: Sequence[WeekPoint]) -> str:
    if not weeks:
        return "No home practice recorded yet."
    if len(weeks) == 1:
        week = weeks[0]
        days = _count(week.days, "day")
        return f"home practice: {days} in the week of {_day(week.week_starting)}"
    per_week = [week.days for week in weeks]
    return f"home practice {_arrow(per_week)} days a week over {len(weeks)} weeks"


def _open_svg(chart_id: str, title: str, summary: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc" '
        'class="progress-chart" font-family="sans-serif" font-size="10" fill="currentColor">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{summary}</desc>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        summary=summary,
    )


def _axes(top: int, ticks: Sequence[int]) -> list[SafeString]:
    parts = []
    for tick in ticks:
        y = _y(tick, top)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" '
                'stroke-width="0.5" stroke-opacity="0.4"/>'
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                y,
                RIGHT,
                y,
                LEFT - 4,
                y + 3.5,
                tick,
            )
        )
    return parts


def _date_labels(first: date, last: date, count: int) -> list[SafeString]:
    labels = [
        format_html(
            '<text x="{}" y="{}" text-anchor="start">{}</text>', LEFT, BOTTOM + 14, _day(first)
        )
    ]
    if count > 1:
        labels.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>', RIGHT, BOTTOM + 14, _day(last)
            )
        )
    return labels


def _segments(coords: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points: a session without this number leaves a gap in the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for coord in coords:
        if coord is None:
            runs.append([])
        else:
            runs[-1].append(coord)
    return [run for run in runs if run]


def _line(coords: list[tuple[float, float] | None], dash: str, width: float) -> list[SafeString]:
    parts = []
    for run in _segments(coords):
        if len(run) > 1:
            points = " ".join(f"{x},{y}" for x, y in run)
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="currentColor" '
                    'stroke-width="{}" stroke-dasharray="{}"/>',
                    points,
                    width,
                    dash,
                )
            )
    return parts


def _trend(values: list[tuple[int, int]], count: int) -> SafeString | None:
    """A least-squares line through the "before" numbers: how the person arrives over time."""
    if len(values) < 3:
        return None
    xs = [index for index, _ in values]
    ys = [value for _, value in values]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in values) / spread
    start, end = xs[0], xs[-1]

    def at(x: int) -> float:
        return min(max(mean_y + slope * (x - mean_x), 0), SCALE_MAX)

    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-width="1.5" '
        'stroke-dasharray="1 3" stroke-linecap="round"/>',
        _x(start, count),
        _y(at(start), SCALE_MAX),
        _x(end, count),
        _y(at(end), SCALE_MAX),
    )


def _legend(*, with_trend: bool) -> SafeString:
    """The key to the markers; the trend's sample only when a trend line is drawn."""
    y = LEGEND_Y
    trend = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-width="1.5" '
        'stroke-dasharray="1 3" stroke-linecap="round"/><text x="{}" y="{}">trend (before)</text>',
        LEFT + 126,
        y - 3.5,
        LEFT + 146,
        y - 3.5,
        LEFT + 152,
        y,
    )
    return format_html(
        '<g><circle cx="{}" cy="{}" r="3.5" fill="none" stroke="currentColor"/>'
        '<text x="{}" y="{}">before</text>'
        '<rect x="{}" y="{}" width="7" height="7" stroke="none"/>'
        '<text x="{}" y="{}">after</text>{}</g>',
        LEFT + 4,
        y - 3.5,
        LEFT + 12,
        y,
        LEFT + 66,
        y - 7,
        LEFT + 78,
        y,
        trend if with_trend else "",
    )


@register.simple_tag
def checkin_chart(points: Sequence[SessionPoint], measure: str) -> SafeString:
    """Before (dashed line, open circles) and after (solid line, filled squares) per session."""
    label, scale = MEASURES[measure]
    summary = checkin_summary(points, measure)
    chart_id = f"chart-{measure}"
    parts = [_open_svg(chart_id, f"{label}, before and after each session ({scale})", summary)]
    parts += _axes(SCALE_MAX, (0, 5, 10))
    count = len(points)
    if not count:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">No check-ins yet</text>',
                (LEFT + RIGHT) / 2,
                (TOP + BOTTOM) / 2,
            )
        )
        return mark_safe("".join(parts) + "</svg>")  # noqa: S308 - every part is format_html
    parts += _date_labels(points[0].day, points[-1].day, count)
    before = [
        (_x(i, count), _y(p.before, SCALE_MAX)) if p.before is not None else None
        for i, p in enumerate(points)
    ]
    after = [
        (_x(i, count), _y(p.after, SCALE_MAX)) if p.after is not None else None
        for i, p in enumerate(points)
    ]
    parts += _line(before, "4 3", 1.5)
    parts += _line(after, "none", 2)
    trend = _trend([(i, p.before) for i, p in enumerate(points) if p.before is not None], count)
    if trend:
        parts.append(trend)
    for point, b, a in zip(points, before, after, strict=True):
        if b is not None:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3.5" fill="none" stroke="currentColor" '
                    'stroke-width="1.5"><title>{}: {} before</title></circle>',
                    *b,
                    _day(point.day),
                    point.before,
                )
            )
        if a is not None:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="7" height="7"><title>{}: {} after</title></rect>',
                    round(a[0] - 3.5, 1),
                    round(a[1] - 3.5, 1),
                    _day(point.day),
                    point.after,
                )
            )
    parts.append(_legend(with_trend=trend is not None))
    return mark_safe("".join(parts) + "</svg>")  # noqa: S308 - every part is format_html


@register.simple_tag
def practice_chart(weeks: Sequence[WeekPoint]) -> SafeString:
    """Days practised at home per week, as bars with their number written above each."""
    summary = practice_summary(weeks)
    parts = [_open_svg("chart-practice", "Days of home practice, week by week (0 to 7)", summary)]
    parts += _axes(7, (0, 7))
    count = len(weeks)
    if not count:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">No home practice recorded yet</text>',
                (LEFT + RIGHT) / 2,
                (TOP + BOTTOM) / 2,
            )
        )
        return mark_safe("".join(parts) + "</svg>")  # noqa: S308 - every part is format_html
    parts += _date_labels(weeks[0].week_starting, weeks[-1].week_starting, count)
    bar = min(24.0, (RIGHT - LEFT) / count * 0.6)
    for index, week in enumerate(weeks):
        x, y = _x(index, count), _y(week.days, 7)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill-opacity="0.35" '
                'stroke="currentColor"><title>week of {}: {} day{}</title></rect>'
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                round(x - bar / 2, 1),
                y,
                round(bar, 1),
                round(BOTTOM - y, 1),
                _day(week.week_starting),
                week.days,
                "" if week.days == 1 else "s",
                x,
                y - 3,
                week.days,
            )
        )
    return mark_safe("".join(parts) + "</svg>")  # noqa: S308 - every part is format_html


@register.simple_tag
def progress_summary(points, measure: str = "") -> str:
    """The chart's text summary for the page: pass a measure for check-ins, none for practice."""
    return checkin_summary(points, measure) if measure else practice_summary(points)
