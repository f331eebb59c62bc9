"""Encryption at rest for sensitive free text.

A thin field over `cryptography`'s Fernet (AES-128-CBC with an HMAC): values are encrypted in
Python before they reach the database and decrypted when read. `FIELD_ENCRYPTION_KEYS` holds
one or more keys, newest first: the first encrypts, every key decrypts (MultiFernet), so keys
can be rotated with `manage.py rotate_encryption_keys`. A value no key can open raises
`DecryptionError` instead of ever showing ciphertext as if it were text.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

PREFIX = "fernet:"


class DecryptionError(RuntimeError):
    """Stored ciphertext that none of the configured keys can open: a key problem, loudly."""


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


@receiver(setting_changed)
def _forget_keys(setting: str, **kwargs) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        raise DecryptionError(
            "A protected file could not be decrypted: FIELD_ENCRYPTION_KEYS does not contain "
            "the key it was written with."
        ) from None


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError("A protected field holds unencrypted data.")
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "Protected text could not be decrypted: FIELD_ENCRYPTION_KEYS does not contain "
            "the key it was written with."
        ) from None


class EncryptedTextField(models.TextField):
    """Free text stored encrypted. It cannot be searched, filtered or sorted in the database."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name):
        # Ciphertext differs on every save: comparing it would silently match nothing.
        if lookup_name not in {"isnull", "exact", "in"}:
            return None
        return super().get_lookup(lookup_name)
