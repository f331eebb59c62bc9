"""Demo data for trying Groundwork: run it as often as you like, it never duplicates."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from clients.demo import seed_clients
from practice.models import Membership, Studio, User
from routines.models import Pose, Routine, RoutineStep
from routines.vocabulary import Sides

DEMO_PASSWORD = "groundwork-demo"  # noqa: S105 - printed for people trying the demo
Role = Membership.Role

DEMO_STUDIOS = [
    {
        "name": "Willow Room Yoga",
        "contact_email": "hello@willowroom.example",
        "phone": "+44 20 7946 0321",
        "time_zone": "Europe/London",
        "people": [
            ("owner@groundwork.test", "Maya Okafor", Role.OWNER),
            ("instructor@groundwork.test", "Sam Rivera", Role.INSTRUCTOR),
            ("assistant@groundwork.test", "Jo Lindqvist", Role.ASSISTANT),
        ],
    },
    {
        "name": "Harbour Light Studio",
        "contact_email": "studio@harbourlight.example",
        "phone": "+1 902 555 0147",
        "time_zone": "America/Halifax",
        "people": [("other-owner@groundwork.test", "Priya Nair", Role.OWNER)],
    },
]


def _demo_user(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    # Demo logins skip the verification email.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


# (title, intention, status, is template, [(library slug, modification slug or "", cue)])
DEMO_ROUTINES = [
    (
        "Settling the hips",
        "A few quiet minutes to notice your hips and your breath.",
        "ready",
        True,
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
        [
            ("longer-exhale-breathing", "", ""),
            ("chair-hip-march", "", "Any pace is fine."),
            ("chair-figure-four", "", ""),
            ("chair-forward-hinge", "", ""),
            ("seated-chair-twist", "", "Turn only as far as feels comfortable."),
            ("grounding-noticing", "", ""),
        ],
    ),
    (
        "Evening wind-down",
        "Slowing down at the end of the day.",
        "draft",
        False,
        [
            ("childs-pose", "forehead-on-block-eyes-open", ""),
            ("butterfly", "", ""),
            ("legs-up-the-wall", "", ""),
            ("resting-stillness", "", ""),
        ],
    ),
]


def _demo_routines(studio: Studio, author: User) -> None:
    for title, intention, status, is_template, steps in DEMO_ROUTINES:
        routine, created = Routine.objects.get_or_create(
            studio=studio,
            title=title,
            defaults={
                "intention": intention,
                "status": status,
                "is_template": is_template,
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


class Command(BaseCommand):
    help = "Creates (or refreshes) two demo studios with their teams and prints the logins."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for spec in DEMO_STUDIOS:
            studio, _ = Studio.objects.update_or_create(
                name=spec["name"],
                defaults={key: spec[key] for key in ("contact_email", "phone", "time_zone")},
            )
            for email, name, role in spec["people"]:
                user = _demo_user(email, name)
                Membership.objects.update_or_create(
                    user=user, studio=studio, defaults={"role": role}
                )
        willow = Studio.objects.get(name=DEMO_STUDIOS[0]["name"])
        owner, instructor = (
            willow.memberships.get(user__email=DEMO_STUDIOS[0]["people"][i][0]) for i in (0, 1)
        )
        _demo_routines(willow, instructor.user)
        seed_clients(willow, owner, instructor)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for spec in DEMO_STUDIOS:
            for email, _, role in spec["people"]:
                self.stdout.write(f"  {email:<30} {DEMO_PASSWORD}   ({role} at {spec['name']})")
