"""Changes to routines and studio poses. Every routine change checks the version it was based
on, so two teammates editing one routine never silently overwrite each other."""

from uuid import UUID

from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from clients import audit
from clients.models import AuditEvent
from practice.access import ensure_same_studio
from practice.models import Studio, User
from practice.text import shorten, with_suffix
from routines.builder.other_ways import MOST_OFFERED, OTHER_WAY_ACTIONS
from routines.library.vocabulary import Sides
from routines.models import Modification, Pose, Routine, RoutineStep
from routines.paper.practice_link_services import practice_links_revoke_for_routine

# Of a pose name's 120 characters, at most this many go to the studio's name in a copy's name.
POSE_COPY_STUDIO_NAME_MAX = 40


class RoutineConflict(Exception):
    """The routine changed since the page the edit came from was loaded."""

    message = (
        "Someone else changed this routine while you were editing it. "
        "Reload to see their changes, then make yours again."
    )


def _max_length(model: type[models.Model], field: str) -> int:
    text_field = model._meta.get_field(field)
    assert isinstance(text_field, models.CharField) and text_field.max_length is not None
    return text_field.max_length


def _claim(routine: Routine, expected_version: int, by: User) -> None:
    """Moves the routine to the next version, or raises if someone else got there first."""
    claimed = Routine.objects.filter(pk=routine.pk, version=expected_version).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if not claimed:
        raise RoutineConflict
    routine.version = expected_version + 1


def _bump(routine: Routine, by: User) -> None:
    """Moves the routine to the next version whatever it was: for changes that overwrite
    nobody's work. The UPDATE locks the routine's row until the transaction ends, so two
    such changes at once take turns instead of reading the same state."""
    Routine.objects.filter(pk=routine.pk).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    routine.version = Routine.objects.values_list("version", flat=True).get(pk=routine.pk)


def _renumber(routine: Routine, ordered: list[RoutineStep]) -> None:
    for position, step in enumerate(ordered, start=1):
        step.position = position
    RoutineStep.objects.bulk_update(ordered, ["position"])


def _default_sides(pose: Pose) -> str:
    return Sides.BOTH if pose.both_sides else Sides.NOT_APPLICABLE


def _forget_keep(step: RoutineStep) -> None:
    """A reason given for keeping one pose says nothing about the pose that replaced it."""
    step.kept_reason = ""
    step.kept_conflicts = []
    step.kept_by = None
    step.kept_at = None


def routine_create(
    *,
    studio: Studio,
    by: User,
    title: str,
    intention: str = "",
    notes: str = "",
    is_template: bool = False,
) -> Routine:
    routine = Routine(
        studio=studio,
        title=title,
        intention=intention,
        notes=notes,
        is_template=is_template,
        created_by=by,
        updated_by=by,
    )
    routine.full_clean()
    routine.save()
    return routine


@transaction.atomic
def routine_start(
    *, studio: Studio, by: User, title: str, template: Routine | None = None, client=None
) -> Routine:
    """A new routine, empty or copied from a studio template, optionally for a client."""
    ensure_same_studio(studio.pk, template, client)
    if template is None:
        routine = routine_create(studio=studio, by=by, title=title)
    else:
        routine = routine_copy(routine=template, studio=studio, by=by, title=title)
    if client is not None:
        routine.client = client
        routine.save(update_fields=["client"])
    return routine


@transaction.atomic
def routine_update(*, routine: Routine, expected_version: int, by: User, **changes) -> Routine:
    allowed = {"title", "intention", "notes", "status", "is_template", "client", "offer_other_ways"}
    if set(changes) - allowed:
        raise ValueError(f"Cannot change {sorted(set(changes) - allowed)} here.")
    ensure_same_studio(routine.studio_id, changes.get("client"))
    _claim(routine, expected_version, by)
    for name, value in changes.items():
        setattr(routine, name, value)
    routine.full_clean()
    routine.save(update_fields=[*changes, "updated_at"])
    return routine


@transaction.atomic
def routine_copy(
    *,
    routine: Routine,
    studio: Studio,
    by: User,
    title: str | None = None,
    as_template: bool = False,
) -> Routine:
    """Duplicates a routine with its steps: for "duplicate" and for "start from template"."""
    ensure_same_studio(studio.pk, routine)
    copy = routine_create(
        studio=studio,
        by=by,
        title=title or with_suffix(routine.title, " (copy)", _max_length(Routine, "title")),
        intention=routine.intention,
        notes=routine.notes,
        is_template=as_template,
    )
    RoutineStep.objects.bulk_create(
        RoutineStep(
            routine=copy,
            position=step.position,
            pose_id=step.pose_id,
            modification_id=step.modification_id,
            hold_breaths=step.hold_breaths,
            hold_seconds=step.hold_seconds,
            sides=step.sides,
            cue=step.cue,
            teacher_note=step.teacher_note,
            # Which versions the teacher pinned or removed beside the step: a choice about
            # the poses, checked again for whoever the copy is for.
            other_ways_pinned=step.other_ways_pinned,
            other_ways_removed=step.other_ways_removed,
        )
        for step in routine.steps.all()
    )
    return copy


@transaction.atomic
def routine_archive(*, routine: Routine, by: User) -> Routine:
    _claim(routine, routine.version, by)
    routine.status = Routine.Status.ARCHIVED
    routine.save(update_fields=["status"])
    # A restored routine does not bring its old link back: the teacher turns on a new one.
    practice_links_revoke_for_routine(routine)
    return routine


@transaction.atomic
def routine_restore(*, routine: Routine, by: User) -> Routine:
    # Back to draft: the teacher looks it over before calling it ready again.
    _claim(routine, routine.version, by)
    routine.status = Routine.Status.DRAFT
    routine.save(update_fields=["status"])
    return routine


@transaction.atomic
def step_add(*, routine: Routine, pose: Pose, by: User) -> RoutineStep:
    """Adds the pose last. Adding overwrites nobody's work, so it needs no version check (a
    teammate's change a moment earlier must not turn it into an error); it still moves the
    version on, so teammates with an older page reload before their next change."""
    ensure_same_studio(routine.studio_id, pose)
    _bump(routine, by)
    last = routine.steps.order_by("-position").values_list("position", flat=True).first() or 0
    return RoutineStep.objects.create(
        routine=routine,
        position=last + 1,
        pose=pose,
        hold_breaths=pose.hold_breaths,
        hold_seconds=pose.hold_seconds,
        sides=_default_sides(pose),
    )


@transaction.atomic
def step_update(*, step: RoutineStep, expected_version: int, by: User, **changes) -> RoutineStep:
    allowed = {"modification", "hold_breaths", "hold_seconds", "sides", "cue", "teacher_note"}
    if set(changes) - allowed:
        raise ValueError(f"Cannot change {sorted(set(changes) - allowed)} here.")
    modification = changes.get("modification")
    if modification is not None and modification.pose_id != step.pose_id:
        raise ValueError("That modification belongs to another pose.")
    ensure_same_studio(step.routine.studio_id, modification)
    _claim(step.routine, expected_version, by)
    for name, value in changes.items():
        setattr(step, name, value)
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def step_remove(*, step: RoutineStep, expected_version: int, by: User) -> None:
    routine = step.routine
    _claim(routine, expected_version, by)
    step.delete()
    _renumber(routine, list(routine.steps.all()))


@transaction.atomic
def step_move(*, step: RoutineStep, offset: int, expected_version: int, by: User) -> None:
    """Moves a step up (offset -1) or down (+1); the keyboard-friendly twin of dragging."""
    routine = step.routine
    _claim(routine, expected_version, by)
    ordered = list(routine.steps.all())
    index = next(i for i, s in enumerate(ordered) if s.pk == step.pk)
    target = min(max(index + offset, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    _renumber(routine, ordered)


@transaction.atomic
def steps_reorder(
    *, routine: Routine, step_codes: list[UUID], expected_version: int, by: User
) -> None:
    steps = {step.code: step for step in routine.steps.all()}
    if sorted(map(str, step_codes)) != sorted(map(str, steps)):
        # A step was added or removed elsewhere: this order describes an old routine.
        raise RoutineConflict
    _claim(routine, expected_version, by)
    _renumber(routine, [steps[UUID(str(code))] for code in step_codes])


@transaction.atomic
def step_swap(*, step: RoutineStep, pose: Pose, expected_version: int, by: User) -> RoutineStep:
    """Replaces the step's pose with one of its alternatives; cue and notes stay."""
    ensure_same_studio(step.routine.studio_id, pose)
    if not step.pose.alternatives.filter(pk=pose.pk).exists():
        raise ValueError("Only a listed alternative can replace a pose.")
    _claim(step.routine, expected_version, by)
    step.pose = pose
    step.modification = None
    step.hold_breaths, step.hold_seconds = pose.hold_breaths, pose.hold_seconds
    step.sides = _default_sides(pose)
    _forget_keep(step)
    step.save()
    return step


@transaction.atomic
def step_other_way(
    *, step: RoutineStep, key: str, action: str, expected_version: int, by: User
) -> RoutineStep:
    """The teacher's say over one of a step's other ways (routines/builder/other_ways.py): pinned
    ways are offered first, newest pin first; removed ones never."""
    if action not in OTHER_WAY_ACTIONS:
        raise ValueError(f"Unknown action {action!r}.")
    _claim(step.routine, expected_version, by)
    pinned = [k for k in step.other_ways_pinned if k != key]
    removed = [k for k in step.other_ways_removed if k != key]
    if action == "pin":
        pinned = [key, *pinned][:MOST_OFFERED]
    elif action == "remove":
        removed.append(key)
    step.other_ways_pinned, step.other_ways_removed = pinned, removed
    step.save(update_fields=["other_ways_pinned", "other_ways_removed"])
    return step


@transaction.atomic
def step_apply_fix(
    *,
    step: RoutineStep,
    pose: Pose,
    modification: Modification | None,
    expected_version: int,
    by: User,
) -> RoutineStep:
    """One click on a safety fix: choose a modification, or swap for an alternative (with one
    of its modifications), under the same version check as every edit."""
    ensure_same_studio(step.routine.studio_id, pose, modification)
    if modification is not None and modification.pose_id != pose.pk:
        raise ValueError("That modification belongs to another pose.")
    swap = pose.pk != step.pose_id
    if swap and not step.pose.alternatives.filter(pk=pose.pk).exists():
        raise ValueError("Only a listed alternative can replace a pose.")
    _claim(step.routine, expected_version, by)
    if swap:
        step.pose = pose
        step.hold_breaths, step.hold_seconds = pose.hold_breaths, pose.hold_seconds
        step.sides = _default_sides(pose)
        _forget_keep(step)
    step.modification = modification
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def step_keep(
    *,
    step: RoutineStep,
    reason: str,
    conflict_keys: list[str],
    expected_version: int,
    by: User,
    request: HttpRequest | None = None,
) -> RoutineStep:
    """ "Keep as it is": the step stays, with the teacher's reason, for the conflicts it has now.

    The reason is about the client's health, so the change is audited against the client
    (without the reason itself, which is stored encrypted on the step).
    """
    reason = reason.strip()
    if not reason or not conflict_keys:
        raise ValueError("Keeping a step needs a reason and a conflict to answer.")
    routine = step.routine
    _claim(routine, expected_version, by)
    step.kept_reason = reason
    step.kept_conflicts = sorted(conflict_keys)
    step.kept_by = by
    step.kept_at = timezone.now()
    step.save(update_fields=["kept_reason", "kept_conflicts", "kept_by", "kept_at"])
    audit.record(
        studio=routine.studio,
        actor=by,
        action=AuditEvent.Action.CHANGE,
        record_type="routine step",
        client=routine.client,
        record_code=step.code,
        summary="safety conflict kept with a reason",
        request=request,
    )
    return step


@transaction.atomic
def pose_copy(*, pose: Pose, studio: Studio) -> Pose:
    """A studio's own editable copy of a pose, with the modifications it can see."""
    ensure_same_studio(studio.pk, pose)
    modifications = list(pose.modifications.visible_to(studio))
    alternatives = list(pose.alternatives.all())
    copy = Pose.objects.get(pk=pose.pk)
    copy.pk = None
    copy.code = Pose._meta.get_field("code").default()
    copy.studio = studio
    copy.slug = ""
    copy.based_on = pose
    copy.image = pose.image
    # The studio's name tells the copy from the original; a long one is shortened so that
    # the pose's own name keeps most of the room.
    studio_name = shorten(studio.name, POSE_COPY_STUDIO_NAME_MAX)
    copy.name = with_suffix(pose.name, f" ({studio_name})", _max_length(Pose, "name"))
    copy.save()
    copy.alternatives.set(alternatives)
    for modification in modifications:
        modification.pk = None
        modification.code = Modification._meta.get_field("code").default()
        modification.pose = copy
        modification.studio = studio
        modification.slug = ""
        modification.save()
    return copy


def routine_snapshot(routine: Routine) -> dict:
    """What a session practised, as plain data that later edits of the routine cannot change.

    Sessions live in `clients`, which may not import routines: they store this dict as it is
    (see `clients.sessions.services.session_set_routine`). Teacher notes stay out: the snapshot
    is what the client did, shown to everyone who sees the session.
    """
    steps = routine.steps.select_related("pose", "modification")
    return {
        "title": routine.title,
        "steps": [
            {
                "pose": step.pose.name,
                "modification": step.modification.name if step.modification else "",
                "hold": step.hold_display,
                "sides": "" if step.sides == Sides.NOT_APPLICABLE else step.get_sides_display(),
                "cue": step.cue,
            }
            for step in steps
        ],
    }
