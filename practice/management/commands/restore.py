from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practice.backup import RestoreRefused, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty database (the configured one, or --database-url). "
        "Refuses, and says why, when the files are damaged, the schema differs from this "
        "release or a needed encryption key is not configured."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="a folder written by `manage.py backup`")
        parser.add_argument(
            "--database-url", default=None, help="restore here instead of DATABASE_URL"
        )

    def handle(self, *args, folder: Path, database_url: str | None, **options) -> None:
        try:
            counts = backup_restore(folder=folder, database_url=database_url)
        except RestoreRefused as refusal:
            raise CommandError(f"Restore refused: {refusal}") from None
        self.stdout.write(
            f"Restored {len(counts)} tables ({sum(counts.values())} rows); "
            "every table's row count matches the manifest."
        )
