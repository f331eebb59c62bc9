import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.test.utils import override_settings

from practice.backup import (
    MANIFEST,
    BackupFailed,
    RestoreRefused,
    backup_restore,
    parse_identities,
)
from practice.backup_bucket import download_backup, erased_codes_in

# `--erased bucket:NAME` reads the list from that backup's manifest in BACKUP_S3_BUCKET.
FROM_BUCKET = "bucket:"


def _erased_codes(given: str) -> list[str]:
    """A newer backup's folder or, as bucket:NAME, the bucket's backup NAME (its manifest's
    list), or a text file of codes, one a line."""
    if given.startswith(FROM_BUCKET):
        try:
            return erased_codes_in(given.removeprefix(FROM_BUCKET))
        except RestoreRefused as refusal:
            raise CommandError(str(refusal)) from None
    source = Path(given)
    try:
        if source.is_dir():
            return json.loads((source / MANIFEST).read_text())["erased_clients"]
        return [line.strip() for line in source.read_text().splitlines() if line.strip()]
    except (OSError, ValueError, KeyError):
        raise CommandError(f"Cannot read a list of erased clients from {source}.") from None


class Command(BaseCommand):
    help = (
        "Restore a backup folder, or with --from-bucket a backup in BACKUP_S3_BUCKET, into an "
        "empty database (the configured one, or --database-url). "
        "Refuses, and says why, when the files are damaged, the schema differs from this "
        "release, a needed key is missing or the target is not empty. Uploaded files go to "
        "--media-root, or into this site's MEDIA_ROOT only with --into-live-media. --erased "
        "erases again, in the restored data, everyone erased after the backup was taken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", type=Path, nargs="?", help="a folder written by `manage.py backup`"
        )
        parser.add_argument(
            "--from-bucket",
            metavar="NAME",
            default=None,
            help="restore the backup NAME (groundwork-backup-…) from BACKUP_S3_BUCKET instead",
        )
        parser.add_argument(
            "--key-file", type=Path, required=True, help="the backup key (private) file"
        )
        parser.add_argument(
            "--database-url", default=None, help="restore here instead of DATABASE_URL"
        )
        parser.add_argument(
            "--media-root", type=Path, default=None, help="a new folder for the uploaded files"
        )
        parser.add_argument(
            "--into-live-media",
            action="store_true",
            help="write the uploaded files into this site's MEDIA_ROOT",
        )
        parser.add_argument(
            "--erased",
            default=None,
            help="the newest list of erased clients: a newer backup folder, bucket:NAME (a newer "
            "backup in BACKUP_S3_BUCKET), or a file of codes (`manage.py erased_clients`)",
        )

    def handle(
        self,
        *args,
        folder: Path | None,
        from_bucket: str | None,
        key_file: Path,
        database_url: str | None,
        media_root: Path | None,
        into_live_media: bool,
        erased: str | None,
        **options,
    ) -> None:
        if (folder is None) == (from_bucket is None):
            raise CommandError("Name the backup folder, or give --from-bucket NAME.")
        codes = _erased_codes(erased) if erased else []
        try:
            identities = parse_identities(key_file.read_text())
        except OSError as error:
            raise CommandError(f"Cannot read the key file: {error.strerror}.") from None
        try:
            # A backup in the bucket is downloaded into a private temporary folder, restored
            # from there, and gone from this machine afterwards.
            with tempfile.TemporaryDirectory(prefix="groundwork-download-") as staging:
                counts = backup_restore(
                    folder=folder or download_backup(from_bucket or "", Path(staging)),
                    identities=identities,
                    database_url=database_url,
                    media_root=media_root,
                    into_live_media=into_live_media,
                )
        except (RestoreRefused, BackupFailed) as refusal:
            raise CommandError(f"Restore refused: {refusal}") from None
        self.stdout.write(
            f"Restored {len(counts)} tables ({sum(counts.values())} rows); "
            "every table's row count matches the manifest."
        )
        if codes:
            self._erase_again(codes, database_url, media_root)

    def _erase_again(
        self, codes: list[str], database_url: str | None, media_root: Path | None
    ) -> None:
        """Runs the erasure on the restored data: this process then works on the target."""
        if database_url:
            import dj_database_url

            connections["default"].close()
            connections.settings["default"] = {
                **connections.settings["default"],
                **dj_database_url.parse(database_url),
            }
            del connections["default"]
        storage = settings.STORAGES
        if media_root is not None:
            # The restored files are in that folder, even when the live ones are in a bucket:
            # the erasure must delete there, and never touch the live uploads.
            in_folder = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
            storage = {**storage, "default": in_folder, "jobs": in_folder}
        with override_settings(MEDIA_ROOT=media_root or settings.MEDIA_ROOT, STORAGES=storage):
            call_command("erase_clients", *codes, stdout=self.stdout)
