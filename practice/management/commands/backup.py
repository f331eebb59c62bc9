import tempfile
from pathlib import Path

import pyrage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from practice.backup import BackupFailed, backup_create
from practice.backup_bucket import BucketUnreachable, list_backups, upload_backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup (database, uploaded files, manifest) into a new folder "
        "inside DESTINATION, encrypted to the backup key(s) in BACKUP_RECIPIENTS. The manifest "
        "names the field encryption keys needed, never the keys. --to-bucket uploads it to "
        "BACKUP_S3_BUCKET instead of a folder; --list-bucket names the backups there, oldest "
        "first. --new-key makes a backup key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination", type=Path, nargs="?", help="folder that receives the backup"
        )
        parser.add_argument(
            "--to-bucket",
            action="store_true",
            help="upload the backup to the bucket BACKUP_S3_BUCKET (no folder is kept here)",
        )
        parser.add_argument(
            "--list-bucket",
            action="store_true",
            help="print the names of the complete backups in BACKUP_S3_BUCKET, oldest first",
        )
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="print a new backup key pair instead: the public half for BACKUP_RECIPIENTS, "
            "the private half to keep apart from the server",
        )

    def handle(
        self,
        *args,
        destination: Path | None,
        to_bucket: bool,
        list_bucket: bool,
        new_key: bool,
        **options,
    ) -> None:
        if new_key:
            identity = pyrage.x25519.Identity.generate()
            self.stdout.write(f"# public key: {identity.to_public()}")
            self.stdout.write(
                "# Set BACKUP_RECIPIENTS to the public key. Keep this whole text as the "
                "backup key file, away from the server: only a restore needs it."
            )
            self.stdout.write(str(identity))
            return
        if list_bucket:
            try:
                names = list_backups()
            except BucketUnreachable as failure:
                raise CommandError(str(failure)) from None
            for name in names:
                self.stdout.write(name)
            return
        if to_bucket == (destination is not None):
            raise CommandError("Name the folder that receives the backup, or give --to-bucket.")
        try:
            if to_bucket:
                # Written into a private temporary folder, uploaded, and gone from this machine.
                with tempfile.TemporaryDirectory(prefix="groundwork-upload-") as staging:
                    result = backup_create(destination=Path(staging))
                    where = upload_backup(result.folder)
            else:
                assert destination is not None  # the check above leaves a folder here
                result = backup_create(destination=destination)
                where = str(result.folder)
        except (BackupFailed, BucketUnreachable) as failure:
            raise CommandError(f"Backup failed: {failure}") from None
        rows = sum(result.manifest["row_counts"].values())
        tables = len(result.manifest["row_counts"])
        self.stdout.write(f"Backed up {tables} tables ({rows} rows) to {where}")
        self.stdout.write(result.folder.name)
