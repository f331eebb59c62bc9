"""A client's whole record as plain data: the JSON download, the printable page and the studio
export are all built from here, so the three can never disagree about what a record holds.

`record_data` keeps dates and codes as Python objects for the printable page;
`client_record` turns them into strings for JSON. Notes follow `Note.visible_to`, so an export
never shows a member more than the client page would.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.utils import timezone

from clients.hooks import RECORD_SECTIONS
from clients.intake_link_services import parts_data
from clients.models import (
    CheckIn,
    Client,
    ConsentDocument,
    ConsentSignature,
    HomePractice,
    IntakeInvitation,
    Note,
    Precaution,
    Session,
    TouchConsentChange,
    Trigger,
)
from practice.models import Membership, Studio, User

# Bumped when the shape of an exported record changes, so a reader can tell versions apart.
FORMAT_VERSION = 1


def _person(user: User | None) -> str | None:
    return user.get_full_name() if user else None


def _precaution(precaution: Precaution, today: date) -> dict[str, Any]:
    return {
        "code": precaution.code,
        "condition": precaution.condition,
        "condition_label": precaution.condition_label,
        "side": precaution.side,
        "side_label": precaution.get_side_display(),
        "restricted_movements": precaution.restricted_movements,
        "restricted_movement_labels": precaution.movement_labels,
        # The surgeon's own number, when there is one (degrees); None: the usual limit.
        "own_hip_flexion_limit": precaution.own_hip_flexion_limit,
        "start_date": precaution.start_date,
        "end_date": precaution.end_date,
        "applies_today": precaution.is_active(today),
        "set_by": precaution.set_by,
        "set_by_label": precaution.get_set_by_display(),
        "note": precaution.note,
    }


def _trigger(trigger: Trigger) -> dict[str, Any]:
    return {
        "code": trigger.code,
        "category": trigger.category,
        "category_label": trigger.get_category_display(),
        "note": trigger.note,
        "what_helps": trigger.what_helps,
    }


def _note(note: Note) -> dict[str, Any]:
    return {
        "code": note.code,
        "author": _person(note.author),
        "privacy": note.privacy,
        "privacy_label": note.get_privacy_display(),
        "created_at": note.created_at,
        "signed_at": note.signed_at,
        "session": note.session.code if note.session else None,
        "client_said": note.client_said,
        "body": note.body,
        "try_next": note.try_next,
        "addenda": [
            {
                "code": addendum.code,
                "author": _person(addendum.author),
                "created_at": addendum.created_at,
                "body": addendum.body,
            }
            for addendum in note.addenda.all()
        ],
    }


def _sessions(client: Client) -> list[dict[str, Any]]:
    """The client's sessions with their own check-ins; other people in a group stay out."""
    check_ins: dict[int, list] = {}
    for check_in in client.record_check_ins:
        check_ins.setdefault(check_in.session_id, []).append(check_in)
    return [
        {
            "code": session.code,
            "starts_at": session.starts_at,
            "duration_minutes": session.duration_minutes,
            "place": session.place,
            "status": session.status,
            "teacher": _person(session.teacher.user) if session.teacher else None,
            "group_session": session.attendees > 1,
            "routine_practised": session.routine_snapshot or None,
            "check_ins": [
                {
                    "moment": check_in.moment,
                    "hips": check_in.hips,
                    "settled": check_in.settled,
                    "words": check_in.words,
                    "recorded_at": check_in.recorded_at,
                }
                for check_in in check_ins.get(session.pk, [])
            ],
        }
        for session in client.record_sessions
    ]


def record_data(client: Client, membership: Membership) -> dict[str, Any]:
    """The record with dates and codes as Python values (for the printable page).

    Related rows are prefetched (`load_record`, `load_records`, `studio_clients`) into lists
    named `record_<relation>` rather than into the related managers: a manager's cache costs a
    queryset per client per kind of row, which was most of a whole-studio export's time.
    """
    today = timezone.localdate()
    return {
        "code": client.code,
        "preferred_name": client.preferred_name,
        "full_name": client.full_name,
        "pronouns": client.pronouns,
        "status": client.status,
        "status_label": client.get_status_display(),
        "contact": {
            "email": client.email,
            "phone": client.phone,
            "emergency_contact": client.emergency_contact,
        },
        "goals": client.goals,
        "care_team": [member.user.get_full_name() for member in client.record_care_team],
        "preferences": {
            "room_wishes": client.room_wishes,
            "room_wish_labels": client.room_wish_labels,
            "prefers_eyes_open": client.prefers_eyes_open,
            "prefers_near_door": client.prefers_near_door,
            "props": client.props,
            "lighting": client.lighting,
            "lighting_label": client.get_lighting_display(),
            "music": client.music,
            "music_label": client.get_music_display(),
            "room_wishes_note": client.room_wishes_note,
        },
        "touch_consent": {
            "current": client.touch_consent,
            "current_label": client.get_touch_consent_display(),
            "history": [
                {
                    "value": change.value,
                    "label": change.get_value_display(),
                    "changed_at": change.changed_at,
                    # An answer given at a session's check-in holds for that session only.
                    "session": change.session.code if change.session else None,
                    "recorded_by": _person(change.recorded_by),
                }
                for change in client.record_touch_history
            ],
        },
        "medical_clearance": {
            "status": client.medical_clearance,
            "status_label": client.get_medical_clearance_display(),
            "date": client.clearance_date,
        },
        "precautions": [_precaution(p, today) for p in client.record_precautions],
        "triggers": [_trigger(trigger) for trigger in client.record_triggers],
        "consent_signatures": [
            {
                "code": signature.code,
                "document_version": signature.document.version,
                "document_text": signature.document.text,
                "signed_name": signature.signed_name,
                "signed_on": signature.signed_on,
                "witnessed_by": _person(signature.witnessed_by),
                # Signed through the intake link: when, and from which address.
                "signed_at": signature.signed_at,
                "signed_from": signature.signed_from,
                "recorded_at": signature.recorded_at,
            }
            for signature in client.record_signatures
        ],
        # On the related manager: owners keep any prefetched notes, instructors are filtered.
        "notes": [_note(note) for note in client.notes.visible_to(membership)],
        "sessions": _sessions(client),
        "home_practice": [
            {
                "week_starting": week.week_starting,
                "days": week.days,
                "source": week.source,
                "practised_on": week.practised_on,
                "hips": week.hips,
                "words": week.words,
                "recorded_at": week.recorded_at,
            }
            for week in client.record_home_practice
        ],
        # Drafts included: answers that came through a link and still wait for review.
        "intake_links": [
            {
                "code": invitation.code,
                "sent_at": invitation.created_at,
                "sent_by": _person(invitation.created_by),
                "expires_at": invitation.expires_at,
                "status": invitation.status,
                "opened_at": invitation.opened_at,
                "submitted_at": invitation.submitted_at,
                "parts": parts_data(invitation),
                "reviewed_at": invitation.reviewed_at,
            }
            for invitation in client.record_intake_invitations
        ],
        # Parts other apps add (routines tailored for the client): see clients/hooks.py.
        **{section.key: section.data(client) for section in RECORD_SECTIONS},
        "created_at": client.created_at,
        "updated_at": client.updated_at,
    }


def jsonable(value: Any) -> Any:
    """Dates and datetimes as ISO 8601 strings, codes as strings; everything else unchanged."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def json_value(value: date | UUID) -> str:
    """`json.dumps(..., default=json_value)`: what `jsonable` does, for the values the JSON
    encoder cannot write itself. The encoder walks the rest in C, which a large export needs."""
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def client_record(client: Client, membership: Membership) -> dict[str, Any]:
    """Everything the studio holds on one client that `membership` may read, ready for JSON."""
    return jsonable(record_data(load_record(client), membership))


def export_header(studio: Studio, membership: Membership) -> dict[str, Any]:
    return {
        "format": "groundwork-client-record",
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "exported_by": membership.user.email,
        "studio": {"code": studio.code, "name": studio.name, "time_zone": studio.time_zone},
    }


def _record_lookups() -> list[str | Prefetch]:
    """Every part of a record, one query per kind whatever the number of clients. Each goes to
    a plain list (`to_attr`), in the model's own order, as the related manager would give it."""
    attendees = (
        Session.clients.through.objects.filter(session_id=OuterRef("pk"))
        .values("session_id")
        .annotate(count=Count("*"))
        # The plugin does not see annotations of an auto-created through model.
        .values("count")  # type: ignore[misc]
    )
    return [
        Prefetch(
            "care_team",
            queryset=Membership.objects.select_related("user"),
            to_attr="record_care_team",
        ),
        Prefetch(
            "touch_history",
            queryset=TouchConsentChange.objects.select_related("recorded_by", "session"),
            to_attr="record_touch_history",
        ),
        Prefetch("precautions", queryset=Precaution.objects.all(), to_attr="record_precautions"),
        Prefetch("triggers", queryset=Trigger.objects.all(), to_attr="record_triggers"),
        Prefetch(
            "signatures",
            queryset=ConsentSignature.objects.select_related("document", "witnessed_by"),
            to_attr="record_signatures",
        ),
        # Notes stay on their manager: `Note.visible_to` filters them per member there.
        Prefetch("notes", queryset=Note.objects.select_related("author", "session")),
        "notes__addenda__author",
        # How many people each session had, counted in the query rather than by loading them.
        Prefetch(
            "sessions",
            queryset=Session.objects.select_related("teacher__user").annotate(
                attendees=Subquery(attendees)
            ),
            to_attr="record_sessions",
        ),
        Prefetch("check_ins", queryset=CheckIn.objects.all(), to_attr="record_check_ins"),
        Prefetch(
            "home_practice", queryset=HomePractice.objects.all(), to_attr="record_home_practice"
        ),
        Prefetch(
            "intake_invitations",
            queryset=IntakeInvitation.objects.select_related("created_by"),
            to_attr="record_intake_invitations",
        ),
        *(lookup for section in RECORD_SECTIONS for lookup in section.lookups()),
    ]


def load_record(client: Client) -> Client:
    """Fetches the parts of one client's record up front (a fixed number of queries)."""
    prefetch_related_objects([client], *_record_lookups())
    return client


def load_records(clients: list[Client]) -> list[Client]:
    """`load_record` for a batch of clients: the same fixed number of queries for all of them."""
    prefetch_related_objects(clients, *_record_lookups())
    return clients


def studio_clients(studio: Studio) -> list[Client]:
    """Every client still on record (active and archived, never erased), fully loaded."""
    clients = Client.objects.for_studio(studio).order_by("preferred_name", "pk")
    return list(clients.prefetch_related(*_record_lookups()))


def studio_record(studio: Studio, membership: Membership, clients: list[Client]) -> dict[str, Any]:
    """The studio's consent texts and the records of `clients` (from `studio_clients`)."""
    documents = ConsentDocument.objects.filter(studio=studio).select_related("created_by")
    data = {
        **export_header(studio, membership),
        "format": "groundwork-studio-records",
        "consent_documents": [
            {
                "code": document.code,
                "version": document.version,
                "text": document.text,
                "created_at": document.created_at,
                "created_by": _person(document.created_by),
            }
            for document in documents
        ],
        "clients": [record_data(client, membership) for client in clients],
    }
    return jsonable(data)
