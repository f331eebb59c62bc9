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

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from clients.models import Client, ConsentDocument
from practice.models import Studio, User
from routines.advisories import RoutineSafety, routine_safety
from routines.handout_texts import (
    HOME_PRACTICE,
    NOT_MEDICAL_ADVICE,
    OTHER_SUPPORTS,
    TOUCH_LINES,
)
from routines.models import HandoutSettings, Routine, RoutineStep, estimated_seconds
from routines.safety import Advisory
from routines.vocabulary import Sides

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

    @classmethod
    def from_query(cls, query) -> "PrintOptions":
        return cls(
            large_print=query.get("large") == "1", illustrations=query.get("illustrations") != "0"
        )


@dataclass
class HandoutStep:
    number: int
    name: str
    image_url: str
    instructions: list[str]
    modification_name: str
    breath_cue: str
    hold: str
    sides: str
    cue: str
    # Only the teacher sheet fills these: the client's handout never names a reason.
    teacher_note: str = ""
    pose_teacher_notes: str = ""
    advisories: list[Advisory] = field(default_factory=list)
    kept_keys: frozenset[str] = frozenset()
    kept_reason: str = ""
    fixes: list[str] = field(default_factory=list)


def _sides_text(step: RoutineStep) -> str:
    return {
        Sides.BOTH: "On each side",
        Sides.LEFT: "On the left side",
        Sides.RIGHT: "On the right side",
    }.get(step.sides, "")


def _routine_steps(routine: Routine) -> list[RoutineStep]:
    return list(routine.steps.select_related("pose", "modification"))


def _steps(
    steps: list[RoutineStep], options: PrintOptions, safety: RoutineSafety | None = None
) -> list[HandoutStep]:
    """The steps as printed; with `safety` (the teacher sheet only) each carries the safety
    checker's advisories, its fixes and the reason it was kept, and the pose's teacher notes."""
    rows = []
    for number, step in enumerate(steps, start=1):
        pose = step.pose
        modification = step.modification
        image = pose.image.name if (options.illustrations and pose.image) else ""
        row = HandoutStep(
            number=number,
            name=pose.name,
            image_url=media_url(image) if image else "",
            # The modification chosen for this person replaces the usual steps.
            instructions=[modification.instructions] if modification else pose.steps,
            modification_name=modification.name if modification else "",
            breath_cue=pose.breath_cue,
            hold=step.hold_display,
            sides=_sides_text(step),
            cue=step.cue,
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


def handout_html(routine: Routine, options: PrintOptions, teacher: User | None) -> str:
    """The client's take-home sheet: never triggers, precautions, diagnoses or teacher notes."""
    return render_to_string(
        "routines/handouts/handout.html", handout_context(routine, options, teacher)
    )


def handout_preview_context(routine: Routine, options: PrintOptions, teacher: User | None):
    """The same content for the portal's preview; pictures appear only in the PDF."""
    preview_options = PrintOptions(large_print=options.large_print, illustrations=False)
    return handout_context(routine, preview_options, teacher)


def handout_context(routine: Routine, options: PrintOptions, teacher: User | None) -> dict:
    client: Client | None = routine.client
    steps = _routine_steps(routine)
    return {
        **_common_context(routine.studio, options, routine.title),
        "routine": routine,
        "client_name": client.preferred_name if client else "",
        "touch_line": TOUCH_LINES.get(client.touch_consent, "") if client else "",
        "teacher": teacher.get_full_name() if teacher else "",
        "steps": _steps(steps, options),
        "estimated_minutes": max(1, round(estimated_seconds(steps) / 60)),
        "home_practice": HOME_PRACTICE,
        "other_supports": OTHER_SUPPORTS,
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
        "teacher": teacher.get_full_name() if teacher else "",
        "steps": _steps(steps, options, safety),
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


def render_pdf(html: str, studio: Studio) -> bytes:
    # WeasyPrint takes seconds to import: only a worker that renders pays for it, not every
    # process that loads the URL configuration (routines/pdf.py).
    from routines import pdf

    return pdf.render(html, studio)


@cache_once
def _stylesheet_fingerprint() -> str:
    """The print stylesheet shapes the PDF but is not in the HTML, so it joins the cache key."""
    with open(finders.find(PRINT_STYLESHEET), "rb") as handle:
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
