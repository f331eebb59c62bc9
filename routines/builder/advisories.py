"""The safety checker applied to a whole routine, for the pages that show it.

routines/builder/safety.py is the pure engine; this module loads what it needs in a fixed number of
queries (the client's intake once, then the modifications and alternatives of every pose in
one go) so that a routine of any length, for a client with any number of precautions, costs
the same.
"""

import zoneinfo
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import islice

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone

from clients import audit
from clients.models import AuditEvent, Client
from practice.access import StudioRequest, studio_can
from practice.models import Studio
from routines.builder.safety import (
    Intake,
    StepCheck,
    Summary,
    check_pose,
    check_step,
    suiting_modification,
)
from routines.models import Modification, Pose, Routine, RoutineStep


@dataclass
class RoutineSafety:
    """The checker's word on every step of one routine for its client."""

    intake: Intake
    checks: dict[int, StepCheck] = field(default_factory=dict)

    @property
    def summary(self) -> Summary:
        return Summary.of(self.checks.values())

    @property
    def client_name(self) -> str:
        return self.intake.name

    def for_step(self, step: RoutineStep) -> StepCheck:
        return self.checks[step.pk]


def studio_today(studio: Studio) -> date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(studio.time_zone))


def routine_intake(routine: Routine, today: date | None = None) -> Intake | None:
    """The client's intake, read once per routine object (the builder and its picker share it)."""
    if routine.client is None:
        return None
    cached = getattr(routine, "_safety_intake", None)
    if cached is None:
        cached = Intake.of(routine.client, today or studio_today(routine.studio))
        routine._safety_intake = cached
    return cached


# What the checker and a fix's button read. The rest of a row (steps, figures, instructions:
# JSON decoded for every one of a hundred-odd options) is left in the database.
# The figure is what the body model reads (routines/builder/body.py); the words are the marks angles
# cannot carry (eyes closed, end-range stretch, hands-on help).
CHECKED_POSE_FIELDS = (
    "code", "studio", "name", "slug", "position", "attributes", "both_sides", "figure",
)  # fmt: skip
CHECKED_MODIFICATION_FIELDS = (
    "code", "pose", "studio", "name", "removes", "reduces", "adds", "figure",
)  # fmt: skip


def _checked_modifications(studio: Studio) -> QuerySet[Modification]:
    return Modification.objects.visible_to(studio).only(*CHECKED_MODIFICATION_FIELDS)


def _prefetch_options(steps: list[RoutineStep], studio: Studio) -> None:
    """Every pose's modifications and alternatives (with theirs): three queries in all."""
    prefetch_related_objects(
        [step.pose for step in steps],
        Prefetch("modifications", _checked_modifications(studio), to_attr="safety_modifications"),
        Prefetch(
            "alternatives",
            Pose.objects.visible_to(studio)  # type: ignore[no-redef]  # plugin: to_attr vs Pose's declaration
            .only(*CHECKED_POSE_FIELDS)
            .prefetch_related(
                Prefetch(
                    "modifications",
                    _checked_modifications(studio),
                    to_attr="safety_modifications",
                )
            ),
            to_attr="safety_alternatives",
        ),
    )


def routine_safety(
    routine: Routine,
    steps: list[RoutineStep],
    *,
    today: date | None = None,
    with_fixes: bool = True,
) -> RoutineSafety | None:
    """None when the routine is tailored for nobody: there is no one to check against.

    Each step also gets its check as `step.safety`, for templates that loop over steps.
    Without fixes (pages that only count or list advisories) the poses' modifications and
    alternatives are not loaded at all.
    """
    intake = routine_intake(routine, today)
    if intake is None:
        return None
    if with_fixes:
        _prefetch_options(steps, routine.studio)
    safety = RoutineSafety(intake)
    for step in steps:
        pose = step.pose
        check = check_step(
            intake,
            pose=pose,
            modification=step.modification,
            sides=step.sides,
            modifications=pose.safety_modifications if with_fixes else (),
            alternatives=[(alt, alt.safety_modifications) for alt in pose.safety_alternatives]
            if with_fixes
            else (),
            kept_keys=step.kept_conflicts,
            kept_reason=step.kept_reason,
        )
        safety.checks[step.pk] = check
        step.safety = check
    _mark_repeated_versions(steps)
    return safety


def _mark_repeated_versions(steps: list[RoutineStep]) -> None:
    """A fix that would make a step the same version as another step says so."""
    numbers = {
        (step.pose_id, step.modification_id): number for number, step in enumerate(steps, start=1)
    }
    for number, step in enumerate(steps, start=1):
        step.safety.fixes = [
            replace(fix, same_as_step=same)
            if (
                same := numbers.get(
                    (fix.pose.pk, fix.modification.pk if fix.modification else None)
                )
            )
            not in (None, number)
            else fix
            for fix in step.safety.fixes
        ]


def may_see_advisories(request: HttpRequest) -> bool:
    """Advisories name precautions and triggers: assistants never see them."""
    return studio_can(request, "clients.view_sensitive")


def audit_safety_view(request: StudioRequest, client: Client | None, where: str) -> None:
    """Reasons name a client's precautions and triggers: showing them is a view of the record."""
    if client is not None:
        audit.audit_client(
            request,
            client,
            AuditEvent.Action.VIEW,
            "safety check",
            f"safety check viewed on the {where}",
            record_code=client.code,
        )


def builder_safety_context(
    request: StudioRequest, routine: Routine, steps: list[RoutineStep]
) -> dict:
    shown = may_see_advisories(request)
    safety = routine_safety(routine, steps) if shown else None
    # No audit entry of its own: the builder page already records one view of the client's
    # record ("tailored routine opened"), and the htmx refreshes after each edit are part of it.
    return {"safety_shown": shown, "safety": safety}


# The picker's "Suits <name>" filter is on unless the picker form was sent without it.
def suits_filter_on(request: HttpRequest) -> bool:
    return "picker" not in request.GET or request.GET.get("suits") == "1"


def _mark(pose: Pose, intake: Intake, modifications: list[Modification]) -> Pose:
    advisories = check_pose(intake, pose)
    pose.safety_conflicts = [a for a in advisories if a.is_conflict]
    pose.safety_heads_ups = [a for a in advisories if not a.is_conflict]
    pose.suits = not pose.safety_conflicts
    pose.suits_with = None if pose.suits else suiting_modification(intake, pose, modifications)
    return pose


def picker_poses(
    request: StudioRequest, routine: Routine, poses: QuerySet[Pose], limit: int
) -> list[Pose]:
    """The picker's results, each marked with whether it suits the routine's client; with
    the filter on, poses that conflict as they are stay hidden."""
    intake = routine_intake(routine) if may_see_advisories(request) else None
    if intake is None:
        return list(poses[:limit])
    poses = poses.prefetch_related(  # type: ignore[no-redef]  # plugin: to_attr vs Pose's declaration
        Prefetch(
            "modifications", _checked_modifications(request.studio), to_attr="safety_modifications"
        )
    )
    hide_conflicts = suits_filter_on(request)
    # In chunks, stopping at the limit: checking the whole library (every pose and its
    # modifications) to show thirty of them was most of the picker's time.
    chunks = poses.iterator(chunk_size=limit * 2)
    marked = (_mark(pose, intake, pose.safety_modifications) for pose in chunks)
    return list(islice((pose for pose in marked if pose.suits or not hide_conflicts), limit))


def poses_suiting(client: Client, poses: list[Pose], today: date) -> list[Pose]:
    """The library's "suits client…" choice: the poses that raise no conflict as they are."""
    intake = Intake.of(client, today)
    return [pose for pose in poses if not any(a.is_conflict for a in check_pose(intake, pose))]
