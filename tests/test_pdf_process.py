"""Each PDF is made in a child process, so what WeasyPrint's C libraries keep leaves with it."""

import json
import os
import runpy
import socket
import stat
import threading
import time
from pathlib import Path

import pytest
from django.urls import reverse

from routines.paper import handouts, pdf
from tests.factories import RoutineFactory, StudioFactory

pytestmark = pytest.mark.django_db


def test_the_pdf_is_made_in_another_process(monkeypatch):
    monkeypatch.setattr(pdf, "render_here", lambda html, studio: str(os.getpid()).encode())
    made_by = int(pdf.render("<p>Hello</p>", StudioFactory()))
    assert made_by != os.getpid()


def _sockets_held() -> list[int]:
    return [int(name) for name in os.listdir("/proc/self/fd") if _is_socket(int(name))]


def _is_socket(descriptor: int) -> bool:
    try:
        return stat.S_ISSOCK(os.fstat(descriptor).st_mode)
    except OSError:
        return False


def test_the_child_holds_none_of_the_workers_sockets(monkeypatch):
    """A connection the worker closes must close: no rendering child keeps a copy open."""
    monkeypatch.setattr(
        pdf, "render_here", lambda html, studio: json.dumps(_sockets_held()).encode()
    )
    kept_alive, balancer = socket.socketpair()
    with kept_alive, balancer:
        assert _is_socket(kept_alive.fileno())
        held_by_child = json.loads(pdf.render("<p>Hello</p>", StudioFactory()))
    assert held_by_child == []


# The render runs in a thread here, as in a gunicorn gthread worker (pdf.py says why the fork
# is safe there).
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_connection_the_worker_closes_ends_while_a_child_renders(monkeypatch):
    """The balancer's side sees the end at once, not when the render finishes."""
    born, says_born = os.pipe()

    def slow(html, studio):
        os.write(says_born, b"!")
        time.sleep(3)
        return b""

    monkeypatch.setattr(pdf, "render_here", slow)
    kept_alive, balancer = socket.socketpair()
    rendering = threading.Thread(target=pdf.render, args=("<p>Hello</p>", StudioFactory()))
    rendering.start()
    try:
        assert os.read(born, 1) == b"!"
        kept_alive.close()
        balancer.settimeout(2)
        assert balancer.recv(1) == b""
    finally:
        balancer.close()
        rendering.join()
        os.close(born)
        os.close(says_born)


def test_a_real_handout_page_comes_back_whole():
    document = pdf.render('<html lang="en"><body><h1>Hips</h1></body></html>', StudioFactory())
    assert document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")


def test_a_failure_in_the_child_is_raised_here_with_its_reason(monkeypatch):
    def broken(html, studio):
        raise ValueError("a font that cannot be read")

    monkeypatch.setattr(pdf, "render_here", broken)
    with pytest.raises(pdf.RenderFailed, match="a font that cannot be read"):
        pdf.render("<p>Hello</p>", StudioFactory())


def test_a_render_that_hangs_is_stopped(monkeypatch):
    monkeypatch.setattr(pdf, "RENDER_SECONDS", 1)
    monkeypatch.setattr(pdf, "render_here", lambda html, studio: time.sleep(30))
    started = time.monotonic()
    with pytest.raises(pdf.RenderFailed):
        pdf.render("<p>Hello</p>", StudioFactory())
    assert time.monotonic() - started < 10


def test_a_render_is_stopped_before_the_web_worker_would_be(monkeypatch):
    """gunicorn kills a worker silent for `timeout` seconds; the render's own limit comes first,
    so the person sees an error page and the worker lives on."""
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert config["timeout"] > pdf.RENDER_SECONDS


def test_a_render_stopped_at_its_limit_answers_a_kind_503(world, monkeypatch):
    """The page says to try again; the log has the error, without the file's name."""
    routine = RoutineFactory(studio=world.studio)

    def stopped(html, studio):
        raise pdf.RenderFailed("The PDF could not be made: the child ended with status 14")

    monkeypatch.setattr(handouts, "render_pdf", stopped)
    url = reverse("routine_handout", args=[world.studio.code, routine.code])
    response = world.client_for(world.alice).get(url)
    assert response.status_code == 503
    assert "could not be made just now" in response.text
