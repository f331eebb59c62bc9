"""The client list's rows, put together in the view, its count and its pages: the same list as
the template and the paginator gave."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from tests.factories import ClientFactory


def _list(world, membership, query: str = "") -> str:
    url = reverse("client_list", args=[world.studio.code]) + query
    return world.client_for(membership).get(url).text


def test_each_row_links_to_the_clients_page_with_her_pronouns_and_status(world):
    rosa = ClientFactory(studio=world.studio, preferred_name="Rosa", full_name="Rosa Lima")
    kit = ClientFactory(studio=world.studio, preferred_name="Kit", full_name="", pronouns="")
    page = _list(world, world.bob)
    rosa_url = reverse("client_detail", args=[world.studio.code, rosa.code])
    assert (
        f'<tr><td><a href="{rosa_url}">Rosa</a> <small class="muted">Rosa Lima</small></td>'
        "<td>she/her</td><td>Active</td></tr>" in page
    )
    kit_url = reverse("client_detail", args=[world.studio.code, kit.code])
    assert f'<tr><td><a href="{kit_url}">Kit</a></td><td>—</td><td>Active</td></tr>' in page


def test_names_are_escaped_in_the_rows(world):
    ClientFactory(studio=world.studio, preferred_name="<b>Bo</b>", full_name="Bo & Co")
    page = _list(world, world.bob)
    assert "&lt;b&gt;Bo&lt;/b&gt;" in page and "Bo &amp; Co" in page
    assert "<b>Bo</b>" not in page


def test_namesakes_are_told_apart_in_the_rows(world):
    for _ in range(2):
        ClientFactory(studio=world.studio, preferred_name="Ana", full_name="Ana Lima")
    assert _list(world, world.bob).count('<small class="muted">· added ') == 2


def test_when_a_client_was_added_is_read_for_namesakes_alone(world):
    ClientFactory.create_batch(3, studio=world.studio)
    _list(world, world.bob)  # her first page loads her memberships
    with CaptureQueriesContext(connection) as without_namesakes:
        _list(world, world.bob)
    assert not any("created_at" in query["sql"] for query in without_namesakes.captured_queries)
    anas = [
        ClientFactory(studio=world.studio, preferred_name="Ana", full_name="Ana Lima")
        for _ in range(2)
    ]
    with CaptureQueriesContext(connection) as with_namesakes:
        page = _list(world, world.bob)
    assert len(with_namesakes) == len(without_namesakes) + 1
    dates = [
        query["sql"] for query in with_namesakes.captured_queries if "created_at" in query["sql"]
    ]
    assert len(dates) == 1
    assert page.count('<small class="muted">· added ') == len(anas)


def test_archived_clients_show_their_status(world):
    ClientFactory(studio=world.studio, preferred_name="Old", status=Client.Status.ARCHIVED)
    assert "<td>Archived</td>" in _list(world, world.bob, "?show=archived")


def test_the_count_and_the_pages_are_those_of_all_the_clients_shown(world):
    clients = ClientFactory.create_batch(30, studio=world.studio, preferred_name="Person")
    ClientFactory(studio=world.studio, preferred_name="Gone", status=Client.Status.ARCHIVED)
    first = _list(world, world.bob)
    assert "30 clients" in first and "Page 1 of 2" in first
    second = _list(world, world.bob, "?page=2")
    assert "30 clients" in second and "Page 2 of 2" in second
    assert second.count("<tr><td>") == 5
    # Past the end is the last page, and words are the first, as the paginator has it.
    assert "Page 2 of 2" in _list(world, world.bob, "?page=9")
    assert "Page 1 of 2" in _list(world, world.bob, "?page=two")
    # "My clients" counts hers alone.
    for client in clients[:3]:
        client.care_team.add(world.bob)
    mine = _list(world, world.bob, "?show=mine")
    assert "3 clients" in mine and mine.count("<tr><td>") == 3


def test_a_studio_without_clients_is_invited_to_add_one(world):
    page = _list(world, world.alice)
    assert "0 clients" in page and "Add your first client" in page
    assert "Nobody matches" in _list(world, world.alice, "?q=nobody")
