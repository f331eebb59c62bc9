from django.core.management.base import BaseCommand

from clients.services import erased_client_codes


class Command(BaseCommand):
    help = (
        "Print the codes of every erased client, one a line: keep the newest list beside the "
        "backups and pass it to `manage.py restore --erased`."
    )

    def handle(self, *args, **options) -> None:
        for code in erased_client_codes():
            self.stdout.write(code)
