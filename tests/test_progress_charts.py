"""The progress chart tags: well-formed SVG with a title and a plain summary, whatever the data,
drawn with presentation attributes only (no style, no script) and readable without colour."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from clients.sessions.progress import SessionPoint, WeekPoint, client_progress
from clients.templatetags.progress import (
    checkin_chart,
    checkin_summary,
    practice_chart,
    practice_summary,
)
from tests.factories import CheckInFactory, ClientFactory, HomePracticeFactory, SessionFactory

SVG = "{http://www.w3.org/2000/svg}"
START = date(2025, 3, 3)


def _points(values: list[tuple[int | None, int | None]]) -> list[SessionPoint]:
    return [
        SessionPoint(START + timedelta(weeks=i), before, after)
        for i, (before, after) in enumerate(values)
    ]


def _weeks(days: list[int]) -> list[WeekPoint]:
    return [WeekPoint(START + timedelta(weeks=i), n) for i, n in enumerate(days)]


def _parse(svg: str) -> ET.Element:
    # Our own output, not untrusted input; raises on anything that is not well-formed XML.
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text
    for element in root.iter():
        assert "style" not in element.attrib
        assert not element.tag.endswith("script")
        # One colour: shapes differ by pattern and marker, never by hue.
        for name in ("fill", "stroke"):
            assert element.get(name, "currentColor") in {"currentColor", "none"}
    return root


CASES = {
    "empty": ([], "No hips check-ins yet."),
    "one point": ([(6, 3)], "hips: 6 before, 3 after, one session so far"),
    "many points": (
        [(6, 5), (7, 4), (5, 3), (4, None), (4, 2), (3, 2), (3, 1), (3, 2)],
        "hips (before) 6 → 3 over 8 sessions; after 5 → 2 over 7 sessions",
    ),
    "all equal": ([(5, 5)] * 4, "hips (before) 5 → 5 over 4 sessions; after 5 → 5 over 4 sessions"),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_check_in_chart_is_well_formed_with_a_title_and_summary(case):
    values, summary = CASES[case]
    points = _points(values)
    root = _parse(checkin_chart(points, "hips"))
    assert root.find(f"{SVG}desc").text == summary == checkin_summary(points, "hips")
    # One marker per answer (the legend's samples sit apart, in a group).
    markers = root.findall(f"{SVG}circle") + root.findall(f"{SVG}rect")
    answered = sum(v is not None for pair in values for v in pair)
    assert len(markers) == answered
    assert (root.find(f"{SVG}g") is not None) == bool(points)


def test_every_point_is_labelled_and_gaps_break_the_line():
    points = _points([(6, 5), (5, None), (4, 3), (3, 2)])
    root = _parse(checkin_chart(points, "hips"))
    titles = [e.text for e in root.iter(f"{SVG}title")]
    assert "3 Mar: 6 before" in titles and "24 Mar: 2 after" in titles
    # The "after" line has a gap at the second session: two pieces, not one.
    solid = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-dasharray") == "none"]
    assert len(solid) == 1 and len(solid[0].get("points").split()) == 2


def test_the_trend_appears_from_three_sessions_and_follows_the_numbers():
    assert not _trend_line(_points([(6, 5), (5, 4)]))
    falling = _trend_line(_points([(8, 5), (6, 4), (4, 3), (2, 1)]))
    assert float(falling.get("y1")) < float(falling.get("y2"))  # SVG y grows downwards
    flat = _trend_line(_points([(5, 5)] * 3))
    assert falling is not None and flat.get("y1") == flat.get("y2")


def test_the_key_names_the_trend_only_when_a_trend_is_drawn():
    one_session = checkin_chart(_points([(6, 5)]), "hips")
    two_sessions = checkin_chart(_points([(6, 5), (5, 4)]), "hips")
    three_sessions = checkin_chart(_points([(6, 5), (5, 4), (4, 3)]), "hips")
    assert "trend (before)" not in one_session
    assert "trend (before)" not in two_sessions
    assert "trend (before)" in three_sessions
    assert "before</text>" in one_session and "after</text>" in one_session


def test_a_single_answer_counts_one_session_not_one_sessions():
    points = _points([(6, None), (None, 4), (5, None)])
    assert checkin_summary(points, "hips") == (
        "hips (before) 6 → 5 over 2 sessions; after 4 → 4 over 1 session"
    )


def _trend_line(points):
    root = _parse(checkin_chart(points, "hips"))
    lines = [
        e for e in root.iter(f"{SVG}line") if e.get("stroke-dasharray") == "1 3" and e.get("x1")
    ]
    # The legend has a trend sample too; the plotted one starts inside the plot.
    plotted = [e for e in lines if float(e.get("y1")) < 170]
    return plotted[0] if plotted else None


@pytest.mark.parametrize(
    ("days", "summary"),
    [
        ([], "No home practice recorded yet."),
        ([3], "home practice: 3 days in the week of 3 Mar"),
        ([1], "home practice: 1 day in the week of 3 Mar"),
        ([1, 2, 4, 5, 3, 5], "home practice 1 → 5 days a week over 6 weeks"),
        ([4, 4, 4], "home practice 4 → 4 days a week over 3 weeks"),
    ],
)
def test_the_practice_chart_writes_every_number(days, summary):
    root = _parse(practice_chart(_weeks(days)))
    assert root.find(f"{SVG}desc").text == summary == practice_summary(_weeks(days))
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == len(days)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    for number in days:
        assert str(number) in labels


def test_text_is_escaped_and_the_output_is_deterministic():
    points = _points([(6, 3), (5, 2)])
    assert checkin_chart(points, "hips") == checkin_chart(points, "hips")
    assert "&" not in checkin_chart(points, "settled").replace("&amp;", "")


def test_the_template_tags_render_in_a_page():
    template = Template(
        '{% load progress %}{% checkin_chart points "settled" %}'
        '<p>{% progress_summary points "settled" %}</p>{% practice_chart weeks %}'
    )
    html = template.render(Context({"points": _points([(4, 6)]), "weeks": _weeks([2])}))
    assert html.count("<svg") == 2
    assert "<p>settled and safe: 4 before, 6 after, one session so far</p>" in html


def test_progress_reads_a_clients_check_ins_in_order_and_skips_cancelled(world):
    rosa = ClientFactory(studio=world.studio)
    now = timezone.now()
    for weeks_ago, hips in ((3, 7), (2, 5), (1, 4)):
        session = SessionFactory(
            studio=world.studio, clients=[rosa], starts_at=now - timedelta(weeks=weeks_ago)
        )
        CheckInFactory(session=session, client=rosa, hips=hips)
    cancelled = SessionFactory(studio=world.studio, clients=[rosa], status="cancelled")
    CheckInFactory(session=cancelled, client=rosa, hips=0)
    HomePracticeFactory(client=rosa, days=2)
    progress = client_progress(rosa)
    assert [p.before for p in progress.hips] == [7, 5, 4]
    assert [w.days for w in progress.practice] == [2]
