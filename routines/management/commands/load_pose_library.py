from django.core.management.base import BaseCommand, CommandError

from routines.library.loader import LIBRARY_FILE, LibraryError, read_library, sync_library


class Command(BaseCommand):
    help = "Loads routines/library/data/poses.yaml into the shared pose library (safe to repeat)."

    def handle(self, *args, **options) -> None:
        try:
            report = sync_library(read_library(LIBRARY_FILE))
        except LibraryError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Pose library: {len(report.created)} added, {len(report.updated)} updated, "
                f"{len(report.retired)} retired."
            )
        )
