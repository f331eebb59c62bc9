"""Demo data for trying Groundwork: run it as often as you like, it never duplicates."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from clients.demo import seed_clients
from clients.sessions.demo import seed_sessions
from practice.models import Membership, Studio, User
from routines.demo import seed_routines, seed_tailored_routines
from routines.services import routine_snapshot

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
        # Clients first: a demo routine is tailored for a demo client.
        seed_clients(willow, owner, instructor)
        seed_routines(willow, instructor.user)
        seed_tailored_routines(willow, instructor.user)
        chair = willow.routines.filter(title="Chair-based hip care").first()
        practised = (chair.code, routine_snapshot(chair)) if chair else None
        seed_sessions(willow, owner, instructor, routine=practised)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for spec in DEMO_STUDIOS:
            for email, _, role in spec["people"]:
                self.stdout.write(f"  {email:<30} {DEMO_PASSWORD}   ({role} at {spec['name']})")
