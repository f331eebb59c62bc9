"""Demo routines for `manage.py seed_demo`, built from the shared pose library.

Seeded after the demo clients (`clients.demo`), so one routine can be tailored for one of them.
"""

from clients.models import Client
from practice.models import Studio, User
from routines import services
from routines.builder.advisories import routine_safety
from routines.library.vocabulary import Sides
from routines.models import Pose, Routine, RoutineStep

# (title, intention, status, is template, tailored for (a demo client's preferred name or ""),
#  [(library slug, modification slug or "", cue)])
DEMO_ROUTINES = [
    (
        "Settling the hips",
        "A few quiet minutes to notice your hips and your breath.",
        "ready",
        True,
        "",
        [
            ("belly-breathing", "", "You might rest one hand on your belly."),
            ("knees-to-chest", "hands-behind-thighs", ""),
            ("reclined-figure-four", "", "Only as far as feels kind today."),
            ("windshield-wiper-legs", "", ""),
            ("constructive-rest", "", "Rest here as long as you like."),
        ],
    ),
    (
        "Chair-based hip care",
        "Gentle movement you can do from a sturdy chair.",
        "ready",
        False,
        "",
        [
            # Every step stays on the chair: the breathing ones in their chair versions.
            ("longer-exhale-breathing", "chair-eyes-open", ""),
            ("chair-hip-march", "", "Any pace is fine."),
            ("chair-figure-four", "", ""),
            ("chair-forward-hinge", "", ""),
            ("seated-chair-twist", "", "Turn only as far as feels comfortable."),
            ("belly-breathing", "chair-feet-grounded", "You might notice your feet on the floor."),
        ],
    ),
    (
        "Evening wind-down",
        "Slowing down at the end of the day.",
        "draft",
        False,
        "",
        [
            ("childs-pose", "forehead-on-block-eyes-open", ""),
            ("butterfly", "", ""),
            ("legs-up-the-wall", "", ""),
            ("resting-stillness", "", ""),
        ],
    ),
]


# Routines tailored for the demo clients, to show the safety checker at work: for Rosa
# (posterior hip replacement, someone-behind trigger) knees to chest is fixed with a
# modification, chair figure four is kept with her surgeon's word, and the chair cat-cow, at
# about her 90° limit, raises a heads-up; for Mei (lying-on-the-back trigger) two lying-down
# steps raise heads-ups.
# (client, title, intention, [(library slug, modification slug or "", reason to keep or "")])
TAILORED_ROUTINES = [
    (
        "Rosa",
        "Steady hips, week six",
        "Slow, steady movement for your hips and your breath.",
        [
            ("belly-breathing", "eyes-open-soft-gaze", ""),
            ("knees-to-chest", "calves-on-chair", ""),
            (
                "chair-figure-four",
                "ankle-on-shin",
                "Surgeon's letter at the six-week review allows the ankle low on the shin",
            ),
            ("cat-cow", "chair-cat-cow", ""),
            ("constructive-rest", "", ""),
        ],
    ),
    (
        "Mei",
        "Evening ease for Mei",
        "A few unhurried minutes to let the day settle.",
        [
            ("longer-exhale-breathing", "", ""),
            ("reclined-butterfly", "support-under-knees", ""),
            ("seated-chair-twist", "", ""),
            ("constructive-rest", "", ""),
        ],
    ),
]


def _demo_step(routine: Routine, position: int, slug: str, modification_slug: str) -> RoutineStep:
    pose = Pose.objects.get(studio=None, slug=slug)
    return RoutineStep.objects.create(
        routine=routine,
        position=position,
        pose=pose,
        modification=pose.modifications.filter(slug=modification_slug).first()
        if modification_slug
        else None,
        hold_breaths=pose.hold_breaths,
        hold_seconds=pose.hold_seconds,
        sides=Sides.BOTH if pose.both_sides else Sides.NOT_APPLICABLE,
    )


def seed_tailored_routines(studio: Studio, author: User) -> None:
    """Runs after the demo clients exist; never touches a routine a demo user already has."""
    for name, title, intention, steps in TAILORED_ROUTINES:
        client = Client.objects.for_studio(studio).filter(preferred_name=name).first()
        if client is None or studio.routines.filter(title=title).exists():
            continue
        routine = Routine.objects.create(
            studio=studio,
            title=title,
            intention=intention,
            client=client,
            status=Routine.Status.READY,
            created_by=author,
            updated_by=author,
        )
        kept = []
        for position, (slug, modification_slug, reason) in enumerate(steps, start=1):
            step = _demo_step(routine, position, slug, modification_slug)
            if reason:
                kept.append((step, reason))
        for step, reason in kept:
            safety = routine_safety(routine, [step], with_fixes=False)
            assert safety is not None  # the demo routine is tailored for Rosa
            services.step_keep(
                step=step,
                reason=reason,
                conflict_keys=safety.for_step(step).conflict_keys,
                expected_version=routine.version,
                by=author,
            )


def _demo_client(studio: Studio, preferred_name: str) -> Client | None:
    if not preferred_name:
        return None
    return Client.objects.for_studio(studio).filter(preferred_name=preferred_name).first()


def seed_routines(studio: Studio, author: User) -> None:
    for title, intention, status, is_template, client_name, steps in DEMO_ROUTINES:
        routine, created = Routine.objects.get_or_create(
            studio=studio,
            title=title,
            defaults={
                "intention": intention,
                "status": status,
                "is_template": is_template,
                "client": _demo_client(studio, client_name),
                "created_by": author,
                "updated_by": author,
            },
        )
        if not created:
            continue
        for position, (slug, modification_slug, cue) in enumerate(steps, start=1):
            pose = Pose.objects.get(studio=None, slug=slug)
            RoutineStep.objects.create(
                routine=routine,
                position=position,
                pose=pose,
                modification=pose.modifications.filter(slug=modification_slug).first()
                if modification_slug
                else None,
                hold_breaths=pose.hold_breaths,
                hold_seconds=pose.hold_seconds,
                sides=Sides.BOTH if pose.both_sides else Sides.NOT_APPLICABLE,
                cue=cue,
            )
