"""Re-encrypting every protected value with the newest key, so older keys can be retired.

Reading a value decrypts it with whichever configured key opens it; writing it back encrypts it
with the first key of FIELD_ENCRYPTION_KEYS. Running it twice is harmless. Used by
`manage.py rotate_encryption_keys` and by the key-rotation background task.
"""

from collections.abc import Callable

from django.apps import apps
from django.db import models, transaction

from practice.fields import EncryptedTextField

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


def rows_to_rotate() -> int:
    return sum(model._base_manager.count() for model, _ in encrypted_fields())


def rotate_model(
    model: type[models.Model], names: list[str], on_batch: Callable[[int], None] = lambda n: None
) -> int:
    """Re-encrypts one model's rows; raises DecryptionError (changing nothing) on a lost key."""
    # One transaction per model; rows are locked (where the database can) so an edit made
    # meanwhile is not overwritten with the value read before it. Batches are read by key
    # ranges, so no cursor stays open while rows are written.
    rows = model._base_manager.select_for_update().order_by("pk").only("pk", *names)
    count, last_pk = 0, None
    with transaction.atomic():
        while True:
            rest = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            batch = list(rest[:BATCH_SIZE])
            if not batch:
                return count
            # Read means decrypted (by any key); bulk_update encrypts with the first key.
            model._base_manager.bulk_update(batch, names)
            count += len(batch)
            last_pk = batch[-1].pk
            on_batch(len(batch))
