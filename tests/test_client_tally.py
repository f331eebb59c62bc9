"""Each studio's tally of active and archived clients (ClientTally), kept by the database's
triggers through every way a client is added, archived, restored, erased, moved or deleted, and
the client list that shows it instead of counting."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients import services
from clients.models import Client, ClientTally
from tests.factories import ClientFactory, StudioFactory
from tests.migrating import migrate_to, migrate_to_latest

Status = Client.Status


def _counted(studio) -> dict[str, int]:
    counts = Client.objects.filter(studio=studio).aggregate(
        active=Count("pk", filter=Q(status=Status.ACTIVE)),
        archived=Count("pk", filter=Q(status=Status.ARCHIVED)),
    )
    return dict(counts)


def _tally(studio) -> dict[str, int]:
    return {status: ClientTally.of(studio, status) for status in (Status.ACTIVE, Status.ARCHIVED)}


def test_a_studio_without_clients_has_none(world):
    assert _tally(world.studio) == {"active": 0, "archived": 0}


def test_the_tally_follows_every_way_clients_change(world):
    studio, other = world.studio, world.other_studio
    by = world.alice.user
    maya = services.client_create(studio=studio, by=by, preferred_name="Maya")
    noor = ClientFactory(studio=studio)
    Client.objects.bulk_create(Client(studio=studio, preferred_name=f"Bulk {n}") for n in range(3))
    assert _tally(studio) == {"active": 5, "archived": 0}

    services.client_set_archived(client=maya, archived=True, by=by)
    Client.objects.filter(preferred_name__startswith="Bulk").update(status=Status.ARCHIVED)
    assert _tally(studio) == {"active": 1, "archived": 4}

    services.client_set_archived(client=maya, archived=False, by=by)
    services.client_erase(client=noor, by=by)
    assert _tally(studio) == {"active": 1, "archived": 3}

    # A save that keeps the status changes nothing; a move counts in both studios.
    maya.preferred_name = "Maya L."
    maya.save()
    Client.objects.filter(preferred_name="Bulk 0").update(studio=other)
    Client.objects.filter(preferred_name="Bulk 1").delete()
    assert _tally(studio) == _counted(studio) == {"active": 1, "archived": 1}
    assert _tally(other) == _counted(other) == {"active": 0, "archived": 1}


def test_deleting_a_studio_deletes_its_tally_and_clients(world):
    studio = StudioFactory()
    ClientFactory.create_batch(2, studio=studio)
    studio.delete()
    assert not ClientTally.objects.filter(studio_id=studio.pk).exists()
    assert _tally(world.studio) == _counted(world.studio)


def _list(world, **query):
    client = world.client_for(world.alice)
    return client.get(reverse("client_list", args=[world.studio.code]), query)


def _counts_rows(queries) -> bool:
    return any("COUNT(" in query["sql"].upper() for query in queries)


def test_the_list_shows_the_tally_and_counts_no_rows(world):
    ClientFactory.create_batch(3, studio=world.studio)
    ClientFactory(studio=world.studio, status=Status.ARCHIVED)
    with CaptureQueriesContext(connection) as queries:
        response = _list(world)
    assert "3 clients" in response.content.decode()
    assert not _counts_rows(queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        response = _list(world, show="archived")
    assert "1 client<" in response.content.decode()
    assert not _counts_rows(queries.captured_queries)


def test_a_search_and_my_clients_are_counted(world):
    ClientFactory(studio=world.studio, preferred_name="Maya")
    ClientFactory(studio=world.studio, preferred_name="Noor")
    mine = ClientFactory(studio=world.studio, preferred_name="Ruth")
    mine.care_team.set([world.alice])
    with CaptureQueriesContext(connection) as queries:
        response = _list(world, q="maya")
    assert "1 client<" in response.content.decode()
    assert _counts_rows(queries.captured_queries)
    assert "1 client<" in _list(world, show="mine").content.decode()


def test_a_page_past_the_end_shows_the_last_page(world):
    ClientFactory.create_batch(27, studio=world.studio)
    content = _list(world, page="9").content.decode()
    assert "27 clients" in content
    assert "Page 2 of 2" in content


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_clients_already_there():
    apps = migrate_to([("clients", "0011_touch_today_room_wishes")])
    try:
        Studio = apps.get_model("practice", "Studio")
        OldClient = apps.get_model("clients", "Client")
        studio = Studio.objects.create(name="Willow Room")
        for status in ("active", "active", "archived", "erased"):
            OldClient.objects.create(studio=studio, preferred_name="Maya", status=status)
    finally:
        migrate_to_latest()
    assert _tally(studio) == {"active": 2, "archived": 1}
    # And the triggers count from there.
    ClientFactory(studio_id=studio.pk)
    assert ClientTally.of(studio, Status.ACTIVE) == 3


def test_only_active_and_archived_clients_are_tallied(world):
    with pytest.raises(ValueError, match="erased"):
        ClientTally.of(world.studio, Status.ERASED)
