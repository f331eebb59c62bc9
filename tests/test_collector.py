"""Garbage is collected after a response is sent, not in the middle of a page."""

import gc
import runpy
import weakref
from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.urls import reverse

from practice import collector


class Node:
    """Something a page might leave in a reference cycle."""

    def __init__(self) -> None:
        self.itself = self


@pytest.fixture
def collecting():
    threshold = gc.get_threshold()
    collector.collect_between_requests()
    yield
    collector.stop_collecting_between_requests(threshold)


def test_a_worker_collects_rarely_during_a_page(collecting):
    assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
    # What start-up allocated is out of every collection's way.
    assert gc.get_freeze_count() > 0


@pytest.mark.django_db
def test_a_pages_cycles_are_freed_once_its_response_is_sent(client, collecting):
    gc.collect()
    left_behind = weakref.ref(Node())
    assert left_behind() is not None  # only the cyclic collector frees it

    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert left_behind() is None
    # The young generation was emptied when the response closed, not merely collected earlier.
    assert gc.get_count()[0] < collector.YOUNG_THRESHOLD // 100


def test_every_hundredth_response_collects_the_whole_heap(collecting, monkeypatch):
    generations = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: generations.append(generation))
    monkeypatch.setattr(collector, "_responses", 0)
    for _ in range(collector.FULL_COLLECTION_EVERY):
        collector._collect_after_response()
    assert generations == [1] * (collector.FULL_COLLECTION_EVERY - 1) + [2]


@pytest.mark.django_db
def test_stopping_restores_the_collector():
    threshold = gc.get_threshold()
    collector.collect_between_requests()
    collector.stop_collecting_between_requests(threshold)
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == 0
    gc.collect()
    left_behind = weakref.ref(Node())
    request_finished.send(sender=None)
    assert left_behind() is not None  # nothing collects after a response any more


def test_gunicorn_workers_collect_between_requests():
    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    threshold = gc.get_threshold()
    config["post_worker_init"](worker=None)
    try:
        assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
    finally:
        collector.stop_collecting_between_requests(threshold)
