"""Turning a routine's practice link on, renewing and revoking it, and what the link may do.

Every change by a teammate is audited. What arrives through the link is audited without a
person or an IP address (see `clients.sessions.services.home_practice_report`).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from clients import audit
from clients.hooks import Erasure
from clients.models import AuditEvent, Client
from clients.sessions.models import HomePractice
from clients.sessions.services import home_practice_report, studio_today
from practice.models import User
from routines.models import Routine
from routines.paper.practice_links import LINK_DAYS, PracticeLink

Action = AuditEvent.Action


def _audit(link: PracticeLink, *, by: User | None, action: str, summary: str, request=None):
    audit.record(
        studio=link.routine.studio,
        actor=by,
        action=action,
        record_type="practice link",
        client=link.client,
        record_code=link.code,
        summary=summary,
        request=request,
    )


@transaction.atomic
def practice_link_enable(
    *, routine: Routine, by: User, request: HttpRequest | None = None
) -> PracticeLink:
    """A live link for the client the routine is tailored for; a live one is kept as it is."""
    client = routine.client
    if client is None:
        raise ValidationError("A practice link is for a routine tailored for one client.")
    if client.status != Client.Status.ACTIVE or routine.is_archived:
        raise ValidationError("Archived routines and records cannot have a practice link.")
    link = PracticeLink.objects.select_for_update().filter(routine=routine).first()
    if link is not None and link.is_live():
        return link
    link = link or PracticeLink(routine=routine)
    link.client, link.created_by = client, by
    link.issue()
    link.full_clean()
    link.save()
    _audit(link, by=by, action=Action.CREATE, summary="practice link turned on", request=request)
    return link


@transaction.atomic
def practice_link_renew(
    *, link: PracticeLink, by: User, request: HttpRequest | None = None
) -> PracticeLink:
    """Another LINK_DAYS from today, same link: the printed QR code keeps working."""
    if not link.is_live():
        raise ValidationError("This link is off: turn on a new one instead.")
    link.expires_at = timezone.now() + timedelta(LINK_DAYS)
    link.save(update_fields=["expires_at"])
    _audit(link, by=by, action=Action.CHANGE, summary="practice link renewed", request=request)
    return link


@transaction.atomic
def practice_link_revoke(
    *, link: PracticeLink, by: User | None, why: str = "", request: HttpRequest | None = None
) -> PracticeLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        summary = f"practice link turned off{f' ({why})' if why else ''}"
        _audit(link, by=by, action=Action.DELETE, summary=summary, request=request)
    return link


def _revoke_all(links, why: str) -> None:
    for link in links.live().select_related("routine__studio", "client"):
        practice_link_revoke(link=link, by=None, why=why)


def practice_links_revoke_for_client_archived(client: Client) -> None:
    """Registered in clients' ARCHIVE_HOOKS: an archived person's links stop at once."""
    _revoke_all(PracticeLink.objects.filter(client=client), "client archived")


def practice_links_revoke_for_client_erased(client: Client, erasure: Erasure) -> None:
    """Registered in clients' ERASE_HOOKS. Found through the link's own client, so it works
    whether or not the routines were already unlinked from the erased record."""
    _revoke_all(PracticeLink.objects.filter(client=client), "client erased")


def practice_links_revoke_for_routine(routine: Routine) -> None:
    _revoke_all(PracticeLink.objects.filter(routine=routine), "routine archived")


def practice_link_opened(link: PracticeLink) -> None:
    """One more opening, counted in the database (F(): two phones at once both count)."""
    PracticeLink.objects.filter(pk=link.pk).update(
        opened_count=F("opened_count") + 1, last_opened_at=timezone.now()
    )


def practice_link_report(*, link: PracticeLink, hips: int | None, words: str) -> HomePractice:
    """ "I practised today" through the link: joins the client's home-practice record. The
    day's first report stays; a later one raises ValidationError (see home_practice_report)."""
    return home_practice_report(
        client=link.client, on=link_today(link), hips=hips, words=words.strip()
    )


def link_today(link: PracticeLink) -> date:
    # The studio's calendar day: the same day the teacher's weekly view counts in.
    return studio_today(link.routine.studio)
