"""The intake link: the client answers the intake and signs the consent text on her own phone.

The token is shown to the teacher once (and printed on the welcome sheet from that one page);
the database keeps only its SHA-256, so a copy of the database opens no link. A link is open
for LINK_DAYS, takes one submission, and can be revoked. What arrives is a draft: one
encrypted document of answers that joins the record part by part, only as an owner or an
instructor accepts each part (`clients.intake_link_services`). Until then the safety checker,
the handout and every list read the record as it was.
"""

import base64
import hmac
import json
import re
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from practice.fields import EncryptedTextField
from practice.public_links import hash_token

LINK_DAYS = 14
# 80 random bits as 16 letters and digits of base32 (no 0, 1, 8 or 9 to misread), printed in
# groups of four. Each guess costs a request under the per-address rate limit.
CODE_BYTES = 10
CODE_PATTERN = re.compile(r"[A-Z2-7]{16}")
_TYPED_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "-": None, " ": None})


def canonical_code(typed: str) -> str | None:
    """The code as issued, from what was scanned or typed (any case, dashes); None otherwise."""
    code = typed.upper().translate(_TYPED_LOOKALIKES)
    return code if CODE_PATTERN.fullmatch(code) else None


def grouped(code: str) -> str:
    """ABCD-EFGH-…: easier to copy from paper."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class IntakeInvitation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Sent, not answered yet"
        SUBMITTED = "submitted", "Answers to review"
        REVIEWED = "reviewed", "Reviewed"
        REVOKED = "revoked", "Turned off"
        EXPIRED = "expired", "Ended unanswered"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", models.CASCADE, related_name="intake_invitations", editable=False
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The first opening only: never who, from where or which device.
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Every answer, free words and choices alike, as one encrypted JSON document: nothing the
    # client wrote is readable in the database (see `answers`).
    answers_data = EncryptedTextField(blank=True, editable=False)
    # Per part ("about", "precaution-1", ...): "accepted" or "discarded". Part names and
    # decisions only, never an answer.
    decisions = models.JSONField(default=dict, blank=True, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The to-do list: a studio's answers waiting for review, oldest first (joined
            # through the client; this finds the waiting rows without reading the rest).
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(submitted_at__isnull=False, reviewed_at__isnull=True),
                name="intake_invitation_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake link {self.code}"

    def issue(self, *, now: datetime | None = None) -> str:
        """A fresh token for a new row; the caller shows it once and never stores it."""
        now = now or timezone.now()
        token = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
        self.token_hash = hash_token(token)
        self.created_at, self.expires_at = now, now + timedelta(days=LINK_DAYS)
        return token

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.answers_data) if self.answers_data else {}

    @property
    def status(self) -> str:
        if self.reviewed_at:
            return self.Status.REVIEWED
        if self.submitted_at:
            return self.Status.SUBMITTED
        if self.revoked_at:
            return self.Status.REVOKED
        if timezone.now() >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def is_open(self, now: datetime | None = None) -> bool:
        """The client may still answer: not revoked, not expired, not yet submitted, and her
        record is active (archiving or erasing closes every link at once)."""
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and self.submitted_at is None
            and now < self.expires_at
            and self.client.status == self.client.Status.ACTIVE
        )

    @classmethod
    def find(cls, typed: str) -> "IntakeInvitation | None":
        """The link for a token, open or answered (`is_open` tells which); None for a wrong,
        revoked or expired one, or one whose client is no longer active, so that every such
        link reads the same."""
        code = canonical_code(typed)
        if code is None:
            return None
        wanted = hash_token(code)
        found = cls.objects.select_related("client__studio").filter(token_hash=wanted).first()
        # The index finds the row by its hash; the comparison that decides is constant-time.
        if found is None or not hmac.compare_digest(found.token_hash, wanted):
            return None
        if found.revoked_at is not None or timezone.now() >= found.expires_at:
            return None
        return found if found.client.status == found.client.Status.ACTIVE else None
