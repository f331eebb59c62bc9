"""The Django admin for client records, for the people who run the service.

They are not the studio's care team: no admin page lists text that is encrypted at rest (those
fields are left out of every form), and client data is read-only here. Changes to a record go
through `clients.services`, which audits them and runs erasure's hooks; an admin form would do
neither, so nobody adds, edits or deletes a client, a precaution or a signature here.
"""

from django.contrib import admin
from django.http import HttpRequest

from clients.models import (
    Addendum,
    AuditEvent,
    Client,
    ConsentDocument,
    ConsentSignature,
    Note,
    Precaution,
    TouchConsentChange,
    Trigger,
)
from practice.fields import EncryptedTextField


def _encrypted(model) -> list[str]:
    return [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]


class ReadOnly(admin.ModelAdmin):
    """Shown, never added, changed or deleted (also not in bulk from the list)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class WithoutEncryptedText(ReadOnly):
    """Read-only, and every encrypted field left out of the page."""

    def get_exclude(self, request: HttpRequest, obj=None) -> list[str]:
        return [*(super().get_exclude(request, obj) or []), *_encrypted(self.model)]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly):
    list_display = [
        "at",
        "studio",
        "actor_label",
        "action",
        "record_type",
        "summary",
        "client_code",
        "ip_address",
    ]
    list_filter = ["action", "record_type", "at", "studio"]
    search_fields = ["actor_label", "summary"]
    date_hierarchy = "at"
    # The trail is evidence: nobody adds, edits or deletes entries, not even here.
    list_select_related = ["studio"]


@admin.register(Client)
class ClientAdmin(WithoutEncryptedText):
    list_display = ["preferred_name", "studio", "status", "created_at", "erased_at"]
    list_filter = ["status"]
    search_fields = ["preferred_name", "full_name"]
    list_select_related = ["studio"]
    readonly_fields = ["code", "studio", "erased_at"]


@admin.register(Precaution)
class PrecautionAdmin(WithoutEncryptedText):
    list_display = ["condition", "side", "client", "start_date", "end_date", "set_by"]
    list_filter = ["condition", "set_by"]
    list_select_related = ["client"]
    readonly_fields = ["code", "client"]


@admin.register(Trigger)
class TriggerAdmin(WithoutEncryptedText):
    list_display = ["category", "client", "created_at"]
    list_filter = ["category"]
    list_select_related = ["client"]
    readonly_fields = ["code", "client"]


@admin.register(TouchConsentChange)
class TouchConsentChangeAdmin(ReadOnly):
    list_display = ["client", "value", "changed_at", "recorded_by"]
    list_filter = ["value"]
    list_select_related = ["client", "recorded_by"]
    raw_id_fields = ["client", "recorded_by"]


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(ReadOnly):
    list_display = ["studio", "version", "created_at", "created_by"]
    list_select_related = ["studio", "created_by"]
    readonly_fields = ["code"]
    raw_id_fields = ["created_by"]


@admin.register(ConsentSignature)
class ConsentSignatureAdmin(ReadOnly):
    list_display = ["client", "document", "signed_on", "witnessed_by"]
    list_select_related = ["client", "document", "witnessed_by"]
    readonly_fields = ["code"]
    raw_id_fields = ["client", "document", "witnessed_by"]


@admin.register(Note)
class NoteAdmin(WithoutEncryptedText):
    list_display = ["client", "author", "privacy", "created_at", "signed_at"]
    list_filter = ["privacy"]
    list_select_related = ["client", "author"]
    readonly_fields = ["code", "client", "author", "signed_at"]


@admin.register(Addendum)
class AddendumAdmin(WithoutEncryptedText):
    list_display = ["note", "author", "created_at"]
    list_select_related = ["note", "author"]
    readonly_fields = ["code", "note", "author"]
