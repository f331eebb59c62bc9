"""The audit trail: what is recorded, that it holds no sensitive text, and the owner's page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from clients import audit, services
from clients.models import AuditEvent, Client
from tests.factories import (
    ClientFactory,
    ConsentSignatureFactory,
    NoteFactory,
    PrecautionFactory,
    TriggerFactory,
)
from tests.page_text import without_tokens

Action = AuditEvent.Action
HTMX = {"HX-Request": "true"}
PRECAUTION_NOTE = "Had the left hip replaced in May; no crossing the legs until cleared."
TRIGGER_NOTE = "Panics when the lights go off suddenly."
WHAT_HELPS = "Leave one lamp on; say before changing the lights."
GOALS = "To sleep through the night without hip pain."


@pytest.fixture
def sam(world) -> Client:
    client = ClientFactory(
        studio=world.studio, preferred_name="Sam", full_name="Sam Ortega", goals=GOALS
    )
    PrecautionFactory(client=client, note=PRECAUTION_NOTE)
    TriggerFactory(client=client, note=TRIGGER_NOTE, what_helps=WHAT_HELPS)
    NoteFactory(client=client, author=world.alice.user, body="Talked about the move.")
    return client


def _audit_url(world, studio=None) -> str:
    return reverse("audit_list", args=[(studio or world.studio).code])


def _event(studio, *, at: datetime, action=Action.VIEW, actor=None, client=None, summary=""):
    event = audit.record(
        studio=studio,
        actor=actor,
        action=action,
        record_type="client",
        client=client,
        summary=summary,
    )
    AuditEvent.objects.filter(pk=event.pk).update(at=at)
    return event


def _all_text(event: AuditEvent) -> str:
    return " ".join(
        str(getattr(event, field.attname)) for field in AuditEvent._meta.concrete_fields
    )


# --- What gets recorded ----------------------------------------------------------------------


def test_a_teammate_viewing_a_client_leaves_a_view_entry(world, sam):
    response = world.client_for(world.bob).get(sam.get_absolute_url(), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.VIEW)
    assert event.actor == world.bob.user
    assert event.actor_label == world.bob.user.email
    assert event.studio == world.studio
    assert event.client_code == sam.code
    assert event.client == sam
    assert event.record_type == "client"
    assert event.ip_address == "203.0.113.9"
    assert abs(event.at - timezone.now()) < timedelta(minutes=1)


def test_no_audit_entry_holds_sensitive_text(world, sam):
    for membership in (world.alice, world.bob, world.ada):
        world.client_for(membership).get(sam.get_absolute_url())
    world.client_for(world.bob).get(
        reverse("client_export", args=[world.studio.code, sam.code]), {"format": "json"}
    )
    sam.goals = "Something new and private to aim for."
    services.client_update(client=sam, by=world.bob.user, changed=["goals"])
    events = list(AuditEvent.objects.all())
    assert len(events) == 5
    for event in events:
        text = _all_text(event)
        for secret in (PRECAUTION_NOTE, TRIGGER_NOTE, WHAT_HELPS, GOALS, sam.goals, "Talked"):
            assert secret not in text
        # Not even a distinctive word of it.
        for word in ("replaced", "Panics", "lamp", "private"):
            assert word not in text


def test_an_export_leaves_an_export_entry(world, sam):
    url = reverse("client_export", args=[world.studio.code, sam.code])
    world.client_for(world.bob).get(url, {"format": "json"})
    world.client_for(world.alice).get(url)
    entries = AuditEvent.objects.filter(action=Action.EXPORT).order_by("pk")
    assert [(e.actor, e.summary) for e in entries] == [
        (world.bob.user, "client record exported (json)"),
        (world.alice.user, "client record exported (html)"),
    ]
    assert all(e.client_code == sam.code for e in entries)


def test_a_change_leaves_a_change_entry_naming_fields_not_values(world, sam):
    sam.goals = "Kneel in the garden again."
    services.client_update(client=sam, by=world.bob.user, changed=["goals"])
    event = AuditEvent.objects.get(action=Action.CHANGE)
    assert event.actor == world.bob.user
    assert event.summary == "changed: goals"
    assert "garden" not in _all_text(event)


def test_the_trail_survives_erasure_with_the_client_code(world, sam):
    world.client_for(world.bob).get(sam.get_absolute_url())
    services.client_erase(client=sam, by=world.alice.user)
    codes = set(AuditEvent.objects.values_list("client_code", flat=True))
    assert codes == {sam.code}
    assert AuditEvent.objects.filter(action=Action.ERASE).count() == 1


# --- The owner's page ------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 403), ("ada", 403)])
def test_only_the_owner_reads_the_trail(world, sam, who, status):
    assert world.client_for(getattr(world, who)).get(_audit_url(world)).status_code == status


def test_the_trail_is_not_found_for_another_studio(world, sam):
    assert world.client_for(world.charlie).get(_audit_url(world)).status_code == 404


def test_the_page_lists_entries_newest_first_with_every_column(world, sam):
    now = timezone.now()
    _event(
        world.studio,
        at=now - timedelta(hours=2),
        actor=world.bob.user,
        client=sam,
        summary="full record opened",
    )
    AuditEvent.objects.filter(summary="full record opened").update(ip_address="198.51.100.7")
    _event(
        world.studio,
        at=now - timedelta(hours=1),
        action=Action.EXPORT,
        actor=world.alice.user,
        client=sam,
        summary="client record exported (json)",
    )
    page = world.client_for(world.alice).get(_audit_url(world)).text
    assert page.index("client record exported (json)") < page.index("full record opened")
    assert world.bob.user.email in page
    assert "198.51.100.7" in page
    assert "Exported" in page and "Viewed" in page
    assert sam.get_absolute_url() in page
    for secret in (PRECAUTION_NOTE, TRIGGER_NOTE, WHAT_HELPS, GOALS):
        assert secret not in page


def test_times_are_shown_in_the_studios_time_zone(world, sam):
    world.studio.time_zone = "Pacific/Auckland"
    world.studio.save()
    _event(world.studio, at=datetime(2025, 1, 10, 23, 30, tzinfo=ZoneInfo("UTC")), client=sam)
    page = world.client_for(world.alice).get(_audit_url(world)).text
    assert "11 Jan 2025, 12:30" in page  # NZDT is thirteen hours ahead in January
    assert "Pacific/Auckland" in page


def test_opening_the_trail_records_no_view_of_anyone(world, sam):
    _event(world.studio, at=timezone.now(), client=sam)
    before = AuditEvent.objects.count()
    client = world.client_for(world.alice)
    client.get(_audit_url(world))
    client.get(_audit_url(world), {"client": sam.code}, headers=HTMX)
    assert AuditEvent.objects.count() == before


def test_the_page_never_shows_another_studios_events(world, sam):
    theirs = ClientFactory(studio=world.other_studio, preferred_name="Quentin")
    _event(
        world.other_studio,
        at=timezone.now(),
        actor=world.charlie.user,
        client=theirs,
        summary="full record opened",
    )
    page = world.client_for(world.alice).get(_audit_url(world)).text
    assert "Quentin" not in page
    assert world.charlie.user.email not in page
    assert "full record opened" not in page


def test_filter_choices_hold_only_this_studio(world, sam):
    ClientFactory(studio=world.other_studio, preferred_name="Quentin")
    archived = ClientFactory(studio=world.studio, preferred_name="Rui", status="archived")
    erased = ClientFactory(studio=world.studio, preferred_name="Tove")
    services.client_erase(client=erased, by=world.alice.user)
    client = world.client_for(world.alice)
    page = client.get(_audit_url(world)).text
    assert world.charlie.user.get_full_name() not in page
    for member in (world.alice, world.bob, world.ada):
        assert f'value="{member.code}"' in page
    # Clients are found by name (archived ones too), never listed all at once.
    assert "Sam" not in without_tokens(page) and "Rui" not in without_tokens(page)
    choose = reverse("client_choose", args=[world.studio.code])
    found = client.get(choose, {"field": "client", "archived": "1", "q": "u"}, headers=HTMX)
    assert f'value="{archived.code}"' in found.text and "Rui (archived)" in found.text
    assert "Quentin" not in found.text and "Tove" not in found.text
    # An erased client's entries stay reachable by code, labelled as the tombstone.
    chosen = client.get(_audit_url(world), {"client": erased.code}).text
    assert f'value="{erased.code}"' in chosen and "Erased client (" in chosen


def test_filters_narrow_the_entries(world, sam):
    other = ClientFactory(studio=world.studio, preferred_name="Uma")
    now = timezone.now()
    _event(world.studio, at=now, actor=world.bob.user, client=sam, summary="by bob about sam")
    _event(
        world.studio,
        at=now,
        actor=world.alice.user,
        client=other,
        action=Action.EXPORT,
        summary="by alice about uma",
    )
    _event(
        world.studio,
        at=now - timedelta(days=10),
        actor=world.alice.user,
        client=sam,
        action=Action.CHANGE,
        summary="long ago",
    )
    client = world.client_for(world.alice)

    def shown(**params) -> set[str]:
        text = client.get(_audit_url(world), params).text
        return {s for s in ("by bob about sam", "by alice about uma", "long ago") if s in text}

    assert shown() == {"by bob about sam", "by alice about uma", "long ago"}
    assert shown(client=sam.code) == {"by bob about sam", "long ago"}
    assert shown(actor=world.bob.code) == {"by bob about sam"}
    assert shown(action="export") == {"by alice about uma"}
    today = timezone.localdate(now, ZoneInfo(world.studio.time_zone))
    assert shown(date_from=today - timedelta(days=1)) == {"by bob about sam", "by alice about uma"}
    assert shown(date_to=today - timedelta(days=5)) == {"long ago"}
    assert shown(client=sam.code, action="change") == {"long ago"}


def test_date_filters_use_the_studios_days(world, sam):
    world.studio.time_zone = "America/New_York"
    world.studio.save()
    # 02:00 UTC on 2 March is still the evening of 1 March in New York.
    _event(
        world.studio,
        at=datetime(2025, 3, 2, 2, 0, tzinfo=ZoneInfo("UTC")),
        client=sam,
        summary="late evening",
    )
    client = world.client_for(world.alice)
    assert (
        "late evening"
        in client.get(_audit_url(world), {"date_from": "2025-03-01", "date_to": "2025-03-01"}).text
    )
    assert "late evening" not in client.get(_audit_url(world), {"date_from": "2025-03-02"}).text


def test_another_studios_client_or_member_cannot_be_used_as_a_filter(world, sam):
    theirs = ClientFactory(studio=world.other_studio)
    _event(world.other_studio, at=timezone.now(), client=theirs, summary="their secret entry")
    _event(world.studio, at=timezone.now(), client=sam, summary="our entry")
    client = world.client_for(world.alice)
    for params in ({"client": theirs.code}, {"actor": world.charlie.code}):
        response = client.get(_audit_url(world), params)
        assert response.status_code == 400
        assert "Select a valid choice" in response.text
        assert "their secret entry" not in response.text
        assert "our entry" not in response.text  # an unusable filter lists nothing


def test_a_reversed_date_range_is_explained_and_kept(world, sam):
    response = world.client_for(world.alice).get(
        _audit_url(world), {"date_from": "2025-05-10", "date_to": "2025-05-01"}
    )
    assert response.status_code == 400
    assert "The end date comes before the start date." in response.text
    assert 'value="2025-05-10"' in response.text


def test_live_filtering_over_htmx_returns_only_the_results(world, sam):
    _event(world.studio, at=timezone.now(), client=sam, action=Action.EXPORT, summary="exported")
    _event(world.studio, at=timezone.now(), client=sam, summary="opened")
    response = world.client_for(world.alice).get(
        _audit_url(world), {"action": "export"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="audit-results"' in response.text
    assert "exported" in response.text and "opened" not in response.text


def test_htmx_shows_filter_errors_in_the_results(world, sam):
    response = world.client_for(world.alice).get(
        _audit_url(world), {"date_from": "2025-05-10", "date_to": "2025-05-01"}, headers=HTMX
    )
    # 200 so htmx swaps it in; the message says what went wrong.
    assert response.status_code == 200
    assert "The end date comes before the start date." in response.text


def test_the_trail_is_paginated_by_fifty_and_keeps_the_filters(world, sam):
    start = timezone.now()
    for number in range(55):
        _event(
            world.studio,
            at=start - timedelta(minutes=number),
            client=sam,
            summary=f"entry {number:02d}",
        )
    client = world.client_for(world.alice)
    first = client.get(_audit_url(world), {"client": sam.code})
    assert "entry 00" in first.text and "entry 49" in first.text and "entry 50" not in first.text
    older = first.context["older_cursor"]
    assert f"client={sam.code}" in first.text and "before=" in first.text
    second = client.get(_audit_url(world), {"client": sam.code, "before": older}).text
    assert "entry 50" in second and "entry 54" in second and "entry 49" not in second
    assert "Older" not in second and "Newest" in second


def test_an_erased_client_shows_as_erased_without_a_link(world, sam):
    world.client_for(world.bob).get(sam.get_absolute_url())
    services.client_erase(client=sam, by=world.alice.user)
    page = world.client_for(world.alice).get(_audit_url(world)).text
    assert "Erased client" in page
    assert "personal data erased on request" in page
    assert sam.get_absolute_url() not in page
    assert "Sam" not in without_tokens(page).replace("Sample", "")


def test_the_trail_costs_the_same_queries_for_any_number_of_rows(
    world, sam, django_assert_num_queries
):
    client = world.client_for(world.alice)
    url = _audit_url(world)
    client.get(url)
    for number in range(30):
        _event(
            world.studio,
            at=timezone.now(),
            actor=world.bob.user,
            client=sam,
            summary=f"entry {number}",
        )
    # 1 session, 2 user, 3 count (bounded), 4 entries with actors and clients, 5 members for the
    # filter; the client filter lists nobody; her memberships are kept from her first page
    # (practice/memberships.py)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


# --- The Django admin ------------------------------------------------------------------------


@pytest.fixture
def operator(db):
    from tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


def test_the_admin_cannot_add_change_or_delete_audit_entries(client, operator, world, sam):
    event = _event(world.studio, at=timezone.now(), client=sam, summary="full record opened")
    client.force_login(operator)
    assert client.get(reverse("admin:clients_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:clients_auditevent_add")).status_code == 403
    detail = client.get(reverse("admin:clients_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="summary"' not in detail.text  # shown, not editable
    delete_url = reverse("admin:clients_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    ("model", "secret"),
    [("client", GOALS), ("precaution", PRECAUTION_NOTE), ("trigger", WHAT_HELPS)],
)
def test_the_admin_never_shows_encrypted_text(client, operator, world, sam, model, secret):
    client.force_login(operator)
    obj = {"client": sam, "precaution": sam.precautions.get(), "trigger": sam.triggers.get()}[model]
    listing = client.get(reverse(f"admin:clients_{model}_changelist"))
    change = client.get(reverse(f"admin:clients_{model}_change", args=[obj.pk]))
    assert listing.status_code == change.status_code == 200
    assert secret not in listing.text
    assert secret not in change.text


@pytest.mark.parametrize("model", ["client", "precaution", "consentsignature", "note"])
def test_the_admin_cannot_add_change_or_delete_client_data(client, operator, world, sam, model):
    """Changes go through the services (audit, erasure's hooks); the admin would skip both."""
    sam.care_team.add(world.bob)
    if not sam.signatures.exists():
        ConsentSignatureFactory(client=sam)
    if not sam.notes.exists():
        NoteFactory(client=sam, author=world.bob.user)
    obj = {
        "client": sam,
        "precaution": sam.precautions.first(),
        "consentsignature": sam.signatures.first(),
        "note": sam.notes.first(),
    }[model]
    client.force_login(operator)
    change_url = reverse(f"admin:clients_{model}_change", args=[obj.pk])
    assert client.get(change_url).status_code == 200  # shown, read-only
    assert client.get(reverse(f"admin:clients_{model}_add")).status_code == 403
    assert client.post(change_url, {"preferred_name": "Changed"}).status_code == 403
    delete_url = reverse(f"admin:clients_{model}_delete", args=[obj.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:clients_{model}_changelist")
    bulk = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert bulk.status_code in {200, 302, 403}
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert Client.objects.get(pk=sam.pk).preferred_name == sam.preferred_name


def test_every_client_data_model_in_the_admin_is_read_only(rf, operator):
    """A model of clients or routines registered later (a session, a check-in, a routine) is
    read-only too: an admin form would change it without an audit entry or the services' hooks."""
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = operator
    registered = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"clients", "routines"}
    ]
    assert registered, "the client records are in the admin (read-only)"
    for model, model_admin in registered:
        allowed = [
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        ]
        assert allowed == [False, False, False], model.__name__
