"""Printed handouts: the client's sheet, the teacher's sheet and the consent form, as PDFs.

Templates are ordinary autoescaped Django templates rendered to HTML; WeasyPrint turns the
HTML into a tagged PDF (PDF/UA-1) in routines/pdf.py. The renderer may read only our own static
files and the printing studio's own uploads (pdf.StudioURLFetcher); nothing else, no network, no
other paths.
PDFs that hold nothing about one client (a handout of a routine for no one, the blank consent
form) are cached under a hash of their HTML, so an unchanged one is never rendered twice and any
visible change makes a new one. PDFs about one client are rendered afresh every time: the
cache is plaintext, shared and outlives erasure, and nothing decrypted may sit in it.
"""

import hashlib
import zoneinfo
from dataclasses import dataclass, field
from functools import cache as cache_once
from typing import TYPE_CHECKING, Protocol, TypedDict

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from clients.models import Client, ConsentDocument
from clients.sessions.progress import client_progress
from practice.models import Studio, User
from practice.public_links import typed_address
from practice.qr import qr_svg
from routines.builder.advisories import RoutineSafety, routine_safety
from routines.builder.other_ways import OtherWay, routine_other_ways, version_props
from routines.builder.safety import Advisory
from routines.library.figures import figure_html, figure_title, pose_figure
from routines.library.vocabulary import Position, Prop, Sides, labels
from routines.models import (
    HandoutSettings,
    Modification,
    Pose,
    Routine,
    RoutineStep,
    estimated_seconds,
)
from routines.paper.handout_texts import (
    HOME_PRACTICE,
    NOT_MEDICAL_ADVICE,
    OTHER_SUPPORTS,
    TOUCH_LINES,
)

if TYPE_CHECKING:
    # routines.sessions.room_sheet imports this module for the props; only the type goes back.
    from routines.sessions.room_sheet import RoomSheet

# A made-up origin (.invalid never resolves): relative URLs in print templates resolve under
# it, and the fetcher maps exactly two prefixes of it to files it is willing to read.
ASSET_ORIGIN = "https://assets.groundwork.invalid/"
STATIC_PREFIX = ASSET_ORIGIN + "static/"
MEDIA_PREFIX = ASSET_ORIGIN + "media/"
PDF_CACHE_SECONDS = 7 * 24 * 3600
PRINT_STYLESHEET = "routines/print.css"


def media_url(name: str) -> str:
    return MEDIA_PREFIX + name


@dataclass(frozen=True)
class PrintOptions:
    large_print: bool = False
    illustrations: bool = True
    practice_log: bool = True
    # "Your practice so far" on the client handout: off unless the teacher asks for it.
    progress: bool = False

    @classmethod
    def from_query(cls, query) -> "PrintOptions":
        return cls(
            large_print=query.get("large") == "1",
            illustrations=query.get("illustrations") != "0",
            practice_log=query.get("log") != "0",
            progress=query.get("progress") == "1",
        )


# How a client reads each position in the overview ("Steps 3-5: lying on your back"). A seated
# shape drawn on a chair reads as the chair (see _position), so "on the floor" is only said of
# a seat the figure puts on the floor.
POSITION_WORDS: dict[str, str] = {
    Position.STANDING: "standing",
    Position.SEATED: "sitting on the floor",
    Position.KNEELING: "kneeling or on hands and knees",
    Position.SUPINE: "lying on your back",
    Position.PRONE: "lying on your front",
    Position.CHAIR: "sitting on a chair",
    Position.SIDE_LYING: "lying on your side",
}
# Positions that need no mat: a routine of only these lists none in "What you'll need".
OFF_THE_FLOOR = {Position.STANDING, Position.CHAIR}
# The practice log: two weeks of days.
LOG_WEEK = 7


# A way printed beside a step gives its name and its first line, and the second too when both
# are short: enough to start from, small enough that eight steps' ways fit in about a page.
WAY_CHARACTERS = 130


class Version(Protocol):
    """A step, or another way to do it: a pose with the version chosen, if any."""

    @property
    def pose(self) -> Pose: ...

    @property
    def modification(self) -> Modification | None: ...


@dataclass(frozen=True)
class StepWords:
    name: str
    # The pose a chosen version belongs to: "a version of Knees to chest".
    version_of: str
    lines: list[str]


def step_words(step: Version) -> StepWords:
    """The step as the client reads it. A chosen version is the step itself: its own name and
    lines, the pose named only as what it is a version of. The pose's own lines are never
    given for it: they may describe the very movement the version exists to leave out.
    A version without lines of its own gives its instructions as its one line."""
    pose, modification = step.pose, step.modification
    if modification is None:
        return StepWords(pose.name, "", list(pose.steps))
    return StepWords(
        modification.name, pose.name, list(modification.steps) or [modification.instructions]
    )


@dataclass
class HandoutWay:
    """Another way to do a step, as printed beside it: never ranked against the step."""

    name: str
    version_of: str
    lines: list[str]
    position: str
    props: list[str]
    small_figure: SafeString | str = ""
    pinned: bool = False


@dataclass
class HandoutStep:
    number: int
    name: str
    image_url: str
    instructions: list[str]
    version_of: str
    breath_cue: str
    hold: str
    sides: str
    cue: str
    # Only the teacher sheet fills these: the client's handout never names a reason.
    teacher_note: str = ""
    figure: SafeString | str = ""
    small_figure: SafeString | str = ""
    # Two shapes side by side (cat and cow) need a wider place beside the steps.
    figure_wide: bool = False
    position: str = ""
    on_the_floor: bool = True
    props: list[str] = field(default_factory=list)
    pose_teacher_notes: str = ""
    advisories: list[Advisory] = field(default_factory=list)
    kept_keys: frozenset[str] = frozenset()
    kept_reason: str = ""
    fixes: list[str] = field(default_factory=list)
    other_ways: list[HandoutWay] = field(default_factory=list)


class _Figures(TypedDict, total=False):
    """A step's drawings, when the handout shows them (`HandoutStep`'s fields of that name)."""

    figure: SafeString | str
    figure_wide: bool
    small_figure: SafeString | str


def _position(step: Version) -> str:
    """Where the client is for this step: the version may move them (onto a chair, say)."""
    modification = step.modification
    figure = pose_figure(step.pose, modification)
    seated_on_chair = any(
        prop["kind"] == "chair" and prop.get("under") == "pelvis"
        for prop in figure.get("props", [])
    )
    if seated_on_chair:
        return Position.CHAIR
    if modification is not None and "supine" in modification.adds:
        return Position.SUPINE
    if modification is not None and "prone" in modification.adds:
        return Position.PRONE
    return step.pose.position


def _props(step: Version) -> list[str]:
    """What to gather: the version's props, and any prop the figure shows."""
    return sorted(version_props(step.pose, step.modification))


def _first_lines(lines: list[str]) -> list[str]:
    first = lines[:1]
    if len(lines) > 1 and len(lines[0]) + len(lines[1]) <= WAY_CHARACTERS:
        first.append(lines[1])
    return first


def _way(way: OtherWay, options: PrintOptions, figure_drawn: bool = True) -> HandoutWay:
    words = step_words(way)
    figure = ""
    if options.illustrations and figure_drawn:
        shape = pose_figure(way.pose, way.modification)
        figure = figure_html(shape, figure_title(way.pose, way.modification), "thumb")
    return HandoutWay(
        name=words.name,
        version_of=words.version_of,
        lines=_first_lines(words.lines),
        position=POSITION_WORDS[_position(way)],
        props=labels(Prop, _props(way)),
        small_figure=figure,
        pinned=way.pinned,
    )


def _sides_text(step: RoutineStep) -> str:
    words: dict[str, str] = {
        Sides.BOTH: "On each side",
        Sides.LEFT: "On the left side",
        Sides.RIGHT: "On the right side",
    }
    return words.get(step.sides, "")


def _routine_steps(routine: Routine) -> list[RoutineStep]:
    return list(routine.steps.select_related("pose", "modification"))


def _steps(
    steps: list[RoutineStep],
    options: PrintOptions,
    safety: RoutineSafety | None = None,
    uploads: bool = True,
    ways: dict[int, list[OtherWay]] | None = None,
    way_figures: bool = True,
) -> list[HandoutStep]:
    """The steps as printed; with `safety` (the teacher sheet only) each carries the safety
    checker's advisories, its fixes and the reason it was kept, and the pose's teacher notes.
    `ways`: each step's other ways (routines/builder/other_ways.py), by step id."""
    ways = ways or {}
    rows = []
    for number, step in enumerate(steps, start=1):
        pose = step.pose
        modification = step.modification
        # A studio's uploaded picture stands in for a pose that has no figure of its own; it
        # shows the pose, so a chosen version is drawn from its own figure instead.
        use_upload = (
            options.illustrations
            and uploads
            and pose.image
            and not pose.figure
            and modification is None
        )
        image = pose.image.name if use_upload else ""
        figures: _Figures = {}
        if options.illustrations and not image:
            # The step's figure is the version's own shape: the pose's is never drawn for it.
            shape = pose_figure(pose, modification)
            title = figure_title(pose, modification)
            figures = {
                "figure": figure_html(shape, title),
                "figure_wide": bool(shape.get("end")),
                "small_figure": figure_html(shape, title, "thumb"),
            }
        words = step_words(step)
        position = _position(step)
        row = HandoutStep(
            number=number,
            name=words.name,
            version_of=words.version_of,
            image_url=media_url(image) if image else "",
            instructions=words.lines,
            position=POSITION_WORDS[position],
            on_the_floor=position not in OFF_THE_FLOOR,
            props=labels(Prop, _props(step)),
            **figures,
            breath_cue=pose.breath_cue,
            hold=step.hold_display,
            sides=_sides_text(step),
            cue=step.cue,
            other_ways=[_way(way, options, way_figures) for way in ways.get(step.pk, [])],
        )
        if safety is not None:
            check = safety.for_step(step)
            row.teacher_note = step.teacher_note
            row.pose_teacher_notes = pose.teacher_notes
            row.advisories = check.advisories
            row.kept_keys = check.kept_keys
            row.kept_reason = check.kept_reason if check.kept else ""
            row.fixes = [fix.label for fix in check.fixes] if check.unresolved else []
        rows.append(row)
    return rows


def _common_context(studio: Studio, options: PrintOptions, title: str) -> dict:
    handout_settings = HandoutSettings.for_studio(studio)
    logo = handout_settings.logo.name if handout_settings.logo else ""
    return {
        "studio": studio,
        "settings": handout_settings,
        "logo_url": media_url(logo) if logo else "",
        "options": options,
        "title": title,
        "printed_on": timezone.localdate(timezone=_zone(studio)),
        "not_medical_advice": NOT_MEDICAL_ADVICE,
        "contact": handout_settings.contact(),
    }


def _zone(studio: Studio) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(studio.time_zone)


def handout_html(
    routine: Routine, options: PrintOptions, teacher: User | None, practice_url: str = ""
) -> str:
    """The client's take-home sheet: never triggers, precautions, diagnoses or teacher notes."""
    return render_to_string(
        "routines/handouts/handout.html",
        handout_context(routine, options, teacher, practice_url),
    )


def handout_preview_context(
    routine: Routine, options: PrintOptions, teacher: User | None, practice_url: str = ""
):
    """The same content for the portal's preview. Figures are inline SVG and show in both;
    uploaded pictures are fetched only by the PDF renderer. The other ways are named with their
    words but drawn only on paper: sixteen more figures would double the page's weight."""
    return handout_context(routine, options, teacher, practice_url, preview=True)


@dataclass
class OverviewGroup:
    """Consecutive steps in one position: "Steps 3-5: lying on your back"."""

    first: int
    last: int
    position: str
    steps: list[HandoutStep]

    @property
    def label(self) -> str:
        numbers = (
            f"Step {self.first}"
            if self.first == self.last
            else f"Steps {self.first}\u2013{self.last}"
        )
        return f"{numbers}: {self.position}"


def _overview(steps: list[HandoutStep]) -> list[OverviewGroup]:
    groups: list[OverviewGroup] = []
    for step in steps:
        if groups and groups[-1].position == step.position:
            groups[-1].last = step.number
            groups[-1].steps.append(step)
        else:
            groups.append(OverviewGroup(step.number, step.number, step.position, [step]))
    return groups


def what_you_need(rows: list[HandoutStep]) -> list[str]:
    """The mat and props the steps use, in the words of the handout's "What you'll need"."""
    # A mat only when some step is on the floor: a chair routine sends no one down to it.
    mat = ["a mat or a soft rug"] if any(row.on_the_floor for row in rows) else []
    return mat + sorted({prop.lower() for row in rows for prop in row.props})


def routine_needs(routine: Routine) -> list[str]:
    """What to set out for one person practising `routine` (a session's room sheet)."""
    return what_you_need(_steps(_routine_steps(routine), PrintOptions(illustrations=False)))


def handout_context(
    routine: Routine,
    options: PrintOptions,
    teacher: User | None,
    practice_url: str = "",
    preview: bool = False,
) -> dict:
    """`practice_url`: the client's live practice link, printed as a URL and a QR code.
    `preview`: for the portal's print page (see handout_preview_context)."""
    client: Client | None = routine.client
    steps = _routine_steps(routine)
    ways = routine_other_ways(routine, steps)
    rows = _steps(steps, options, uploads=not preview, ways=ways, way_figures=not preview)
    return {
        **_common_context(routine.studio, options, routine.title),
        "routine": routine,
        "client_name": client.preferred_name if client else "",
        "touch_line": TOUCH_LINES.get(client.touch_consent, "") if client else "",
        "teacher": teacher.get_full_name() if teacher else "",
        "steps": rows,
        "overview": _overview(rows),
        "what_you_need": what_you_need(rows),
        # Day 1 beside day 8, day 7 beside day 14: two weeks side by side.
        "practice_log_rows": [(day, day + LOG_WEEK) for day in range(1, LOG_WEEK + 1)]
        if options.practice_log
        else [],
        "estimated_minutes": max(1, round(estimated_seconds(steps) / 60)),
        "home_practice": HOME_PRACTICE,
        "other_supports": OTHER_SUPPORTS,
        # Numbers only (check-in numbers, days practised): never their words or notes.
        "progress": client_progress(client) if client and options.progress else None,
        "practice_url": practice_url,
        "practice_address": typed_address(practice_url),
        "practice_qr": qr_svg(practice_url) if practice_url else "",
    }


def teacher_sheet_html(routine: Routine, options: PrintOptions, teacher: User | None) -> str:
    """Confidential: what the teacher needs beside the mat, with precautions matched to poses."""
    client: Client | None = routine.client
    steps = _routine_steps(routine)
    # The same engine as the builder: one answer to "is this safe for them?" everywhere.
    safety = routine_safety(routine, steps)
    context = {
        **_common_context(routine.studio, options, f"Teacher sheet: {routine.title}"),
        "routine": routine,
        "client": client,
        "safety": safety,
        "precautions": safety.intake.precautions if safety else [],
        "triggers": list(client.triggers.all()) if client else [],
        "progress": client_progress(client) if client else None,
        "teacher": teacher.get_full_name() if teacher else "",
        # What the client's handout offered beside each step, as it offers it today.
        "steps": _steps(steps, options, safety, ways=routine_other_ways(routine, steps)),
    }
    return render_to_string("routines/handouts/teacher_sheet.html", context)


def print_safety(routine: Routine) -> tuple[RoutineSafety | None, list[RoutineStep]]:
    """What the print page and the handout download check before the client's sheet; each
    step comes back with its check as `step.safety`."""
    steps = _routine_steps(routine)
    return routine_safety(routine, steps, with_fixes=False), steps


def consent_form_html(
    studio: Studio, document: ConsentDocument | None, client: Client | None, options: PrintOptions
) -> str:
    context = {
        **_common_context(studio, options, "Informed consent"),
        "document": document,
        "client": client,
    }
    return render_to_string("routines/handouts/consent_form.html", context)


# Four cards to a page, on A4 and on Letter alike.
CARDS_PER_PAGE = 4


def consent_cards_html(studio: Studio) -> str:
    """A page of "welcome" sides, then a page of "no hands-on support" sides behind them. Every
    card on a page is the same, so a double-sided print lines up whichever edge it flips on."""
    context = _common_context(studio, PrintOptions(), "Consent cards")
    settings_row = context["settings"]
    sides = [
        ("yes", *settings_row.card_side(settings_row.card_welcome_text)),
        ("no", *settings_row.card_side(settings_row.card_no_touch_text)),
    ]
    context["sides"] = sides
    context["cards"] = range(CARDS_PER_PAGE)
    return render_to_string("routines/handouts/consent_cards.html", context)


def room_sheet_html(sheet: "RoomSheet") -> str:
    """One A4 page for up to eight people: names, touch today, room wishes, props."""
    session = sheet.session
    context = {
        **_common_context(session.studio, PrintOptions(), "Room sheet"),
        "sheet": sheet,
        "starts_at": session.local_start(),
    }
    return render_to_string("routines/handouts/room_sheet.html", context)


class RenderFailed(RuntimeError):
    """The child process could not make the PDF (routines/paper/pdf.py); the message carries
    its traceback. Here, so that views can catch it without importing WeasyPrint."""


def render_pdf(html: str, studio: Studio) -> bytes:
    # WeasyPrint takes seconds to import: only a worker that renders pays for it, not every
    # process that loads the URL configuration (routines/paper/pdf.py).
    from routines.paper import pdf

    return pdf.render(html, studio)


@cache_once
def _stylesheet_fingerprint() -> str:
    """The print stylesheet shapes the PDF but is not in the HTML, so it joins the cache key."""
    path = finders.find(PRINT_STYLESHEET)
    assert path is not None, f"{PRINT_STYLESHEET} is among the static files"
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def cached_pdf(html: str, studio: Studio, *, personal: bool) -> tuple[bytes, bool]:
    """The PDF for this exact HTML; returns (pdf, came_from_cache).

    `personal` PDFs (anything about one client: a tailored handout, the teacher sheet, a named
    consent form) are never cached. Caching them would need encryption plus a purge on erasure;
    they are printed a few times per client, so the render time is the cheaper price. The
    handout of a routine linked to no one, and the blank consent form, carry only the studio's
    own texts and poses, and are the repeat downloads the cache is for.
    """
    if personal:
        return render_pdf(html, studio), False
    digest = hashlib.sha256(html.encode()).hexdigest()
    key = f"handout-pdf:{_stylesheet_fingerprint()}:{studio.code}:{digest}"
    pdf = cache.get(key)
    if pdf is not None:
        return pdf, True
    pdf = render_pdf(html, studio)
    cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf, False
