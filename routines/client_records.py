"""Routines' part of a client's record: its section of the export and its share of erasure.

Registered with `clients.hooks` from `RoutinesConfig.ready()`, because clients may not import
routines (imports run routines -> clients -> practice).
"""

from typing import Any

from django.db.models import F, Prefetch

from clients.hooks import Erasure, RecordSection
from clients.models import Client
from routines.models import Routine, RoutineStep

# What a routine that was tailored for an erased client is called from then on.
ERASED_TITLE = "Practice (client erased)"


def _step(step: RoutineStep) -> dict[str, Any]:
    return {
        "position": step.position,
        "pose": step.pose.name,
        "modification": step.modification.name if step.modification else None,
        "hold": step.hold_display,
        "sides": step.sides,
        "sides_label": step.get_sides_display(),
        "cue": step.cue,
        "teacher_note": step.teacher_note,
    }


def _routine(routine: Routine) -> dict[str, Any]:
    return {
        "code": routine.code,
        "title": routine.title,
        "status": routine.status,
        "status_label": routine.get_status_display(),
        "intention": routine.intention,
        "teacher_notes": routine.notes,
        "updated_at": routine.updated_at,
        "steps": [_step(step) for step in routine.steps.all()],
    }


def _lookups() -> list[str | Prefetch]:
    steps = RoutineStep.objects.select_related("pose", "modification")
    return [
        Prefetch("routines", queryset=Routine.objects.prefetch_related(Prefetch("steps", steps)))
    ]


def _tailored_routines(client: Client) -> list[dict[str, Any]]:
    return [_routine(routine) for routine in client.routines.all()]


TAILORED_ROUTINES = RecordSection(key="routines", lookups=_lookups, data=_tailored_routines)


def routines_erase_for_client(client: Client, erasure: Erasure) -> None:
    """Her tailored routines are deleted, or stay with the studio unlinked and without a word
    written for her: intention, notes, cues, notes to self, every kept reason and its codes;
    a title naming her is replaced (the sequence of poses itself says nothing about her)."""
    routines = Routine.objects.filter(client=client)
    if erasure.delete_routines:
        routines.delete()  # steps and practice links go with them
        return
    routines = Routine.objects.filter(pk__in=list(routines.values_list("pk", flat=True)))
    for name in filter(None, {client.preferred_name, client.full_name}):
        routines.filter(title__icontains=name).update(title=ERASED_TITLE)
    # A new version: an editor still open on the old text cannot save it back.
    routines.update(intention="", notes="", client=None, version=F("version") + 1)
    RoutineStep.objects.filter(routine__in=routines).update(
        cue="", teacher_note="", kept_reason="", kept_conflicts=[], kept_by=None, kept_at=None
    )
