"""A client's private practice link: the handout's content on their phone, and nothing else.

The token in the link is never stored. The database keeps a random per-link `salt` and the
SHA-256 of the token; the token itself is an HMAC of the salt under the server's SECRET_KEY.
So a copy of the database alone opens no link (the hash cannot be turned back into a token,
the salt is useless without the key), yet the studio can print the same QR code again on the
next handout without the teacher having to copy a secret shown once. Checking a link needs
only the hash: a link printed before a SECRET_KEY change keeps working; it simply cannot be
printed again (`token()` answers None) until the teacher turns it off and on.
"""

import base64
import hmac
import re
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from clients.models import Client
from practice.public_links import hash_token
from routines.models import Routine

LINK_DAYS = 90
# What `token()` makes: a code short enough to type from paper, 13 letters and digits of
# base32 (RFC 4648: no 0, 1, 8 or 9 to mistake for O, I or B) carrying 64 random bits. Each
# guess costs a request under the per-IP rate limit (views/player.py), so 2**64 codes stay
# out of reach. Case, spaces and dashes do not matter when typed.
CODE_BYTES = 8
CODE_PATTERN = re.compile(r"[A-Z2-7]{13}")
# Links made before codes were short carry 43 characters of URL-safe base64 (256 bits);
# those already printed keep working, and keep printing, until they are turned off.
LONG_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# What people mistype for a base32 letter: zero for O, one for I, eight for B.
_TYPED_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "-": None, " ": None})
_KEY_SALT = "groundwork.routines.practice_link"


def canonical_token(typed: str) -> str | None:
    """The token as issued, from what was scanned or typed; None for anything else."""
    if LONG_TOKEN_PATTERN.fullmatch(typed):
        return typed
    code = typed.upper().translate(_TYPED_LOOKALIKES)
    return code if CODE_PATTERN.fullmatch(code) else None


class PracticeLinkQuerySet(models.QuerySet["PracticeLink"]):
    def live(self) -> "PracticeLinkQuerySet":
        return self.filter(revoked_at__isnull=True)


class PracticeLink(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    routine = models.OneToOneField(
        Routine, models.CASCADE, related_name="practice_link", editable=False
    )
    # The person it was made for. If the routine is later tailored for someone else, the link
    # stops: their name must never appear on a link another person holds.
    client = models.ForeignKey(Client, models.CASCADE, related_name="+", editable=False)
    salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # How often it was opened, and the last day: never who, from where or which device.
    opened_count = models.PositiveIntegerField(default=0, editable=False)
    last_opened_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PracticeLinkQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Practice link {self.code}"

    def issue(self, *, now=None) -> None:
        """A fresh secret and a fresh term; any earlier token of this row stops working."""
        now = now or timezone.now()
        self.salt = secrets.token_hex(32)
        self.token_hash = hash_token(self._derive())
        self.created_at, self.expires_at, self.revoked_at = now, now + timedelta(LINK_DAYS), None
        self.opened_count, self.last_opened_at = 0, None

    def _digest(self) -> bytes:
        return salted_hmac(_KEY_SALT, self.salt, algorithm="sha256").digest()

    def _derive(self) -> str:
        return base64.b32encode(self._digest()[:CODE_BYTES]).rstrip(b"=").decode()

    def _derive_long(self) -> str:
        return base64.urlsafe_b64encode(self._digest()).rstrip(b"=").decode()

    def token(self) -> str | None:
        """The token to print, or None when the server's key has changed since it was made.
        A link made before codes were short prints its long token as before."""
        for token in (self._derive(), self._derive_long()):
            if hmac.compare_digest(hash_token(token), self.token_hash):
                return token
        return None

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        routine = self.routine
        return (
            self.revoked_at is None
            and now < self.expires_at
            and routine.client_id == self.client_id
            and routine.status != Routine.Status.ARCHIVED
            and self.client.status == Client.Status.ACTIVE
        )

    @classmethod
    def find_live(cls, token: str) -> "PracticeLink | None":
        """The live link for `token`, or None for anything else (wrong, revoked, expired)."""
        canonical = canonical_token(token)
        if canonical is None:
            return None
        wanted = hash_token(canonical)
        link = (
            cls.objects.select_related("routine__studio", "client")
            .filter(token_hash=wanted)
            .first()
        )
        # The index finds the row by its hash; the comparison that decides is constant-time,
        # and it also guards against a database collation that compares case-insensitively.
        if link is None or not hmac.compare_digest(link.token_hash, wanted):
            return None
        return link if link.is_live() else None
