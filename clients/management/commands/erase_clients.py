import uuid

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clients.models import Client
from clients.services import client_erase


class Command(BaseCommand):
    help = (
        "Erase the clients with these codes (for a restored backup taken before they were "
        "erased; `manage.py restore --erased` runs it). Codes already erased or not present "
        "are passed over. Routines tailored for them are kept without their words."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="+", help="client codes (UUIDs)")

    def handle(self, *args, codes: list[str], **options) -> None:
        try:
            wanted = [uuid.UUID(code) for code in codes]
        except ValueError:
            raise CommandError("Every code must be a client code (a UUID).") from None
        found = Client.objects.filter(code__in=wanted).exclude(status=Client.Status.ERASED)
        erased = 0
        for client in found.select_related("studio"):
            client_erase(client=client, by=None)
            erased += 1
        self.stdout.write(
            f"Erased again: {erased} of {len(codes)} listed (the rest were not here)."
        )
