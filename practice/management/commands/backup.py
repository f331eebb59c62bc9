from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from practice.backup import backup_create


class Command(BaseCommand):
    help = (
        "Write a consistent backup (database, uploaded files, manifest) into a new folder "
        "inside DESTINATION. The manifest names the encryption keys needed, never the keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="folder that receives the backup")

    def handle(self, *args, destination: Path, **options) -> None:
        result = backup_create(destination=destination)
        rows = sum(result.manifest["row_counts"].values())
        tables = len(result.manifest["row_counts"])
        self.stdout.write(f"Backed up {tables} tables ({rows} rows) to {result.folder}")
        self.stdout.write(result.folder.name)
