"""Sending, opening, answering and reviewing an intake link.

Each step writes its own audit entry, a fixed phrase: sent, opened, submitted, and each part
accepted or discarded. What arrives through the link is audited without a person or an address
(the address is kept with a consent signature only, as its evidence). Accepting a part goes
through the same services a teacher's own entry does (`clients.intake`, `clients.services`),
so a precaution from the link is an ordinary precaution with its usual limits.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, When
from django.forms import BaseForm, ModelForm
from django.http import HttpRequest
from django.utils import timezone

from clients import audit, intake, services
from clients.intake_links import IntakeInvitation
from clients.models import AuditEvent, Client, ConsentDocument, Trigger
from clients.vocabulary import (
    CLIENT_TOUCH_WORDS,
    CLIENT_TRIGGER_WORDS,
    BodySide,
    Condition,
    RoomWish,
)
from practice.models import User
from practice.vocabulary import labels

Action = AuditEvent.Action
ACCEPTED, DISCARDED = "accepted", "discarded"
# What each part is called in the audit trail and on the review page.
PART_NAMES = {
    "about": "name and contact details",
    "room": "room wishes",
    "precaution": "precaution",
    "trigger": "trigger and what helps",
    "touch": "touch consent",
    "consent": "consent signature",
}
RECORD_TYPE = "intake link"
ABOUT_LABELS = {
    "preferred_name": "Name to use",
    "pronouns": "Pronouns",
    "email": "Email",
    "phone": "Phone",
    "emergency_contact": "Emergency contact",
}


class AlreadyAnswered(Exception):
    """The link took its one submission already (a second tab, a double tap)."""


def _audit(
    invitation: IntakeInvitation,
    action: str,
    summary: str,
    *,
    by: User | None,
    request: HttpRequest | None = None,
) -> None:
    audit.record(
        studio=invitation.client.studio,
        actor=by,
        action=action,
        record_type=RECORD_TYPE,
        client=invitation.client,
        record_code=invitation.code,
        summary=summary,
        request=request,
    )


@transaction.atomic
def intake_link_send(
    *, client: Client, by: User, request: HttpRequest | None = None
) -> tuple[IntakeInvitation, str]:
    """A new link and its token (to show once). An earlier link still open stops: one at a
    time, so an old message or sheet cannot be answered after a new one was given."""
    if client.status != Client.Status.ACTIVE:
        raise ValidationError("An archived record cannot be sent an intake link.")
    for earlier in client.intake_invitations.filter(
        revoked_at__isnull=True, submitted_at__isnull=True, expires_at__gt=timezone.now()
    ):
        intake_link_revoke(invitation=earlier, by=by, request=request, why="a new one was sent")
    invitation = IntakeInvitation(client=client, created_by=by)
    token = invitation.issue()
    invitation.save()
    _audit(invitation, Action.CREATE, "intake link sent", by=by, request=request)
    return invitation, token


@transaction.atomic
def intake_link_revoke(
    *,
    invitation: IntakeInvitation,
    by: User | None,
    request: HttpRequest | None = None,
    why: str = "",
) -> IntakeInvitation:
    """The link stops at once; answers already sent stay for review."""
    updated = IntakeInvitation.objects.filter(
        pk=invitation.pk, revoked_at__isnull=True, submitted_at__isnull=True
    ).update(revoked_at=timezone.now())
    if updated:
        invitation.refresh_from_db(fields=["revoked_at"])
        summary = f"intake link turned off{f' ({why})' if why else ''}"
        _audit(invitation, Action.DELETE, summary, by=by, request=request)
    return invitation


def intake_link_opened(invitation: IntakeInvitation) -> None:
    """The first opening is noted and audited; later ones are not counted."""
    now = timezone.now()
    if IntakeInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=now
    ):
        invitation.opened_at = now
        _audit(invitation, Action.VIEW, "intake link opened by the client", by=None)


@transaction.atomic
def intake_link_submit(
    *,
    invitation: IntakeInvitation,
    answers: dict[str, Any],
    address: str | None,
    now: datetime | None = None,
) -> IntakeInvitation:
    """Keeps the answers as a draft. One submission: a second raises AlreadyAnswered, and two
    sent at the same moment keep the first (the update below claims the row)."""
    now = now or timezone.now()
    if "consent" in answers:
        # Version, time and address: the evidence of a signature given at a distance.
        answers["consent"] = {
            **answers["consent"],
            "signed_at": now.isoformat(),
            "address": address,
        }
    claimed = IntakeInvitation.objects.filter(
        pk=invitation.pk, submitted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(submitted_at=now, answers_data=json.dumps(answers))  # encrypted by the field
    if not claimed:
        raise AlreadyAnswered
    invitation.refresh_from_db(fields=["submitted_at", "answers_data"])
    _audit(invitation, Action.CREATE, "intake answers arrived through the link", by=None)
    return invitation


def link_for_client_page(client: Client) -> IntakeInvitation | None:
    """The link the client page tells about, in one query: answers waiting for review first
    (a newer link sent meanwhile must not hide them), else the newest."""
    waiting = Q(submitted_at__isnull=False, reviewed_at__isnull=True)
    return (
        client.intake_invitations.defer("answers_data")
        .order_by(Case(When(waiting, then=0), default=1), "-created_at")
        .first()
    )


def pending_parts(invitation: IntakeInvitation) -> list[str]:
    """The parts of the answers still waiting for a teacher, in the order of the form."""
    return [part for part in invitation.answers if part not in invitation.decisions]


def part_kind(part: str) -> str:
    return part.split("-")[0]


def _label(choices: Mapping[Any, str], value: str) -> str:  # keyed by TextChoices members
    return choices.get(value, value)


def answer_lines(part: str, answer: Any) -> list[tuple[str, str]]:
    """Her answer to one part as (question, answer) lines, for the review page and exports;
    what she left empty is left out."""
    kind = part_kind(part)
    if kind == "about":
        lines = [(ABOUT_LABELS[name], answer.get(name, "")) for name in ABOUT_LABELS]
    elif kind == "room":
        wishes = ", ".join(labels(RoomWish, answer.get("wishes", [])))
        lines = [("What helps", wishes), ("In their words", answer.get("note", ""))]
    elif kind == "precaution":
        condition = answer.get("condition", "")
        named = answer.get("other") if condition in {"", Condition.OTHER} else None
        lines = [
            ("What it is", named or _label(dict(Condition.choices), condition)),
            ("Side", _label(dict(BodySide.choices), answer.get("side", ""))),
            ("Since", answer.get("since", "")),
            ("A clinician said", answer.get("clinician", "")),
        ]
    elif kind == "trigger":
        lines = [
            ("What can be hard", _label(CLIENT_TRIGGER_WORDS, answer.get("category", ""))),
            ("In their words", answer.get("note", "")),
            ("What helps", answer.get("helps", "")),
        ]
    elif kind == "touch":
        lines = [("Hands-on support", _label(CLIENT_TOUCH_WORDS, answer))]
    else:
        lines = [
            ("Signed as", answer.get("signed_name", "")),
            ("Consent version", str(answer.get("version", ""))),
            ("Signed at", answer.get("signed_at", "")),
            ("From the address", answer.get("address") or ""),
        ]
    return [(question, value) for question, value in lines if value]


def parts_data(invitation: IntakeInvitation) -> list[dict[str, Any]]:
    """Every part of the answers with its decision (None: still waiting), for exports."""
    return [
        {
            "part": part,
            "name": PART_NAMES[part_kind(part)],
            "decision": invitation.decisions.get(part),
            "answers": [{"question": q, "answer": a} for q, a in answer_lines(part, answer)],
        }
        for part, answer in invitation.answers.items()
    ]


def _locked(invitation: IntakeInvitation, part: str) -> tuple[IntakeInvitation, Any]:
    """The invitation row locked for this decision, and the part's answer; a part decided in
    another tab meanwhile, or one the answers do not hold, is refused."""
    locked = IntakeInvitation.objects.select_for_update().get(pk=invitation.pk)
    answers = locked.answers
    if part not in answers:
        raise ValidationError("There is no such part in these answers.")
    if part in locked.decisions:
        raise ValidationError("This part was already reviewed.")
    return locked, answers[part]


def _decide(
    locked: IntakeInvitation, part: str, decision: str, *, by: User, request: HttpRequest | None
) -> None:
    locked.decisions = {**locked.decisions, part: decision}
    if not pending_parts(locked):
        locked.reviewed_at = timezone.now()
    locked.save(update_fields=["decisions", "reviewed_at"])
    verb = "accepted into the record" if decision == ACCEPTED else "discarded"
    summary = f"intake link: {PART_NAMES[part_kind(part)]} {verb}"
    _audit(locked, Action.CHANGE, summary, by=by, request=request)


@transaction.atomic
def part_discard(
    *, invitation: IntakeInvitation, part: str, by: User, request: HttpRequest | None = None
) -> None:
    locked, _ = _locked(invitation, part)
    _decide(locked, part, DISCARDED, by=by, request=request)


@transaction.atomic
def part_accept(
    *,
    invitation: IntakeInvitation,
    part: str,
    form: BaseForm | None,
    by: User,
    request: HttpRequest | None = None,
) -> str:
    """Records the part through the record's own services, from the teacher's `form` (valid,
    her answer as the teacher confirmed or edited it); the consent signature as she signed.
    Answers what the teacher should be told, if anything."""
    locked, answer = _locked(invitation, part)
    client = locked.client
    told = ""
    kind = part_kind(part)
    if kind in {"about", "room"}:
        assert isinstance(form, ModelForm)
        # The form's instance holds the teacher's values; `client`, just read, what was stored.
        edited = form.save(commit=False)
        changed = [name for name in form.fields if getattr(edited, name) != getattr(client, name)]
        if changed:
            services.client_update(client=edited, by=by, changed=changed, request=request)
    elif kind == "precaution":
        assert form is not None
        fields = {
            name: value for name, value in form.cleaned_data.items() if name != "until_cleared"
        }
        if form.cleaned_data.get("until_cleared"):
            fields["end_date"] = None
        clearance = client.medical_clearance
        intake.precaution_add(client=client, by=by, request=request, **fields)
        if client.medical_clearance != clearance:
            told = "Medical clearance is now “Requested”: a surgeon set this precaution."
    elif kind == "trigger":
        assert form is not None
        intake.intake_row_create(
            Trigger, client=client, by=by, request=request, **form.cleaned_data
        )
    elif kind == "touch":
        assert form is not None
        value = form.cleaned_data["touch_consent"]
        if value != client.touch_consent:
            services.touch_consent_set(client=client, value=value, by=by, request=request)
    elif kind == "consent":
        _accept_signature(client, answer, by=by, request=request)
    _decide(locked, part, ACCEPTED, by=by, request=request)
    return told


def _accept_signature(
    client: Client, answer: dict[str, Any], *, by: User, request: HttpRequest | None
) -> None:
    document = ConsentDocument.objects.filter(
        studio=client.studio_id, code=UUID(answer["document"])
    ).first()
    if document is None:
        raise ValidationError("The consent text she signed is no longer on record.")
    signed_at = datetime.fromisoformat(answer["signed_at"])
    services.consent_sign(
        client=client,
        document=document,
        signed_name=answer["signed_name"],
        signed_on=timezone.localdate(signed_at, ZoneInfo(client.studio.time_zone)),
        witness=None,
        signed_at=signed_at,
        signed_from=answer.get("address"),
        by=by,
        request=request,
    )
