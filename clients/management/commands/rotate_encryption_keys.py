"""Re-encrypts every protected value with the newest key, so older keys can be retired.

Reading a value decrypts it with whichever configured key opens it; writing it back encrypts it
with the first key of FIELD_ENCRYPTION_KEYS. Running it twice is harmless.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from practice.fields import DecryptionError, EncryptedTextField

BATCH_SIZE = 500


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Each model with its own encrypted columns (inherited ones are counted on their parent)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            field.attname
            for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return found


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
                count = self._rotate(model, names)
            except DecryptionError as error:
                raise CommandError(
                    f"{label}: {error} Nothing in {label} was changed; models listed above "
                    "are already re-encrypted. Add the missing key and run this again."
                ) from None
            total += count
            self.stdout.write(f"{label}: {count} row{'s' if count != 1 else ''} re-encrypted")
        done = f"Done: {total} rows re-encrypted with the newest key."
        self.stdout.write(self.style.SUCCESS(done))

    def _rotate(self, model: type[models.Model], names: list[str]) -> int:
        # One transaction per model; rows are locked (where the database can) so an edit made
        # meanwhile is not overwritten with the value read before it. Batches are read by key
        # ranges, so no cursor stays open while rows are written.
        rows = model._base_manager.select_for_update().order_by("pk").only("pk", *names)
        count, last_pk = 0, None
        with transaction.atomic():
            while True:
                batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
                batch = list(batch[:BATCH_SIZE])
                if not batch:
                    return count
                # Read means decrypted (by any key); bulk_update encrypts with the first key.
                model._base_manager.bulk_update(batch, names)
                count += len(batch)
                last_pk = batch[-1].pk
