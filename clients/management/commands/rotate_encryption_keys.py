"""Re-encrypts every protected value with the newest key, so older keys can be retired.

The work is practice.keys (also run as a background task from /maintenance/keys/). Running it
twice is harmless.
"""

from django.core.management.base import BaseCommand, CommandError

from practice.fields import DecryptionError
from practice.keys import encrypted_fields, rotate_model


class Command(BaseCommand):
    help = (
        "Re-encrypts every EncryptedTextField value with the newest key in FIELD_ENCRYPTION_KEYS. "
        "Afterwards the older keys can be removed from the setting."
    )

    def handle(self, *args, **options) -> None:
        total = 0
        for model, names in encrypted_fields():
            label = model._meta.label
            try:
                count = rotate_model(model, names)
            except DecryptionError as error:
                raise CommandError(
                    f"{label}: {error} Nothing in {label} was changed; models listed above "
                    "are already re-encrypted. Add the missing key and run this again."
                ) from None
            total += count
            self.stdout.write(f"{label}: {count} row{'s' if count != 1 else ''} re-encrypted")
        done = f"Done: {total} rows re-encrypted with the newest key."
        self.stdout.write(self.style.SUCCESS(done))
