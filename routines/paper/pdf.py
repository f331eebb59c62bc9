"""Turning handout HTML into a PDF with WeasyPrint. Imported only by code that renders.

WeasyPrint costs seconds to import, so nothing on the request path of ordinary pages imports
this module: routines.paper.handouts.render_pdf imports it on the first render of a process.

Fonts and the print stylesheet are parsed once per process and shared by every render
(`_print_setup`). Left in the template, the stylesheet was parsed again for each PDF and its
@font-face rules registered the four fonts again in a fresh font configuration.

Each PDF is then made in a child process forked for it (`render`). WeasyPrint's C libraries keep
a few kilobytes per page laid out (measured: about 4 KB a page, 40 KB an 8-step handout, however
the fonts and stylesheet are shared), so a long-lived web or task worker grew by 14% over 500
handouts. A child starts with everything the parent set up (copy-on-write, in a few
milliseconds) and takes what it kept with it when it exits.
"""

import gc
import mimetypes
import os
import posixpath
import signal
import stat
import threading
import traceback
from functools import cache
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from practice.models import Studio
from routines.models import HandoutSettings
from routines.paper.handouts import (
    ASSET_ORIGIN,
    MEDIA_PREFIX,
    PRINT_STYLESHEET,
    STATIC_PREFIX,
    RenderFailed,
)


class RefusedResource(ValueError):
    """WeasyPrint logs the refusal and renders on without the resource."""


class StudioURLFetcher(URLFetcher):
    """Our static files and one studio's uploads; every other URL is refused unread."""

    def __init__(self, studio: Studio | None) -> None:
        super().__init__(timeout=1, allowed_protocols=set())
        # Without a studio (the shared print stylesheet and its fonts) no upload is readable.
        self.studio_media = f"studios/{studio.code}/" if studio else None
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = _safe_path(url, STATIC_PREFIX)
        if path is not None and (found := _static_file(path)):
            with open(found, "rb") as handle:
                return self._response(url, path, handle.read())
        path = _safe_path(url, MEDIA_PREFIX)
        if (
            path is not None
            and self.studio_media
            and path.startswith(self.studio_media)
            and default_storage.exists(path)
        ):
            with default_storage.open(path, "rb") as handle:
                return self._response(url, path, handle.read())
        self.refused.append(url)
        raise RefusedResource(f"Handouts may not load {url!r}")

    @staticmethod
    def _response(url: str, path: str, body: bytes) -> URLFetcherResponse:
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def _static_file(path: str) -> str | None:
    """A static file from the apps' folders, or (hashed names in production) STATIC_ROOT."""
    found = finders.find(path)
    if found:
        return found
    if staticfiles_storage.exists(path):
        return staticfiles_storage.path(path)
    return None


def _safe_path(url: str, prefix: str) -> str | None:
    """The relative path under `prefix`, or None if the URL is elsewhere or climbs out."""
    if not url.startswith(prefix):
        return None
    path = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
    normal = posixpath.normpath(path)
    if normal.startswith(("/", "..")) or normal != path:
        return None
    return normal


def warm_up() -> None:
    """Fonts and the print stylesheet set up now, in a server's master process before it forks
    its workers (gunicorn.conf.py), so no worker pays for them on its first PDF."""
    _print_setup()


@cache
def _print_setup() -> tuple[FontConfiguration, CSS]:
    """The font configuration and the parsed print stylesheet, shared by every render."""
    font_config = FontConfiguration()
    stylesheet = CSS(
        url=STATIC_PREFIX + PRINT_STYLESHEET,
        url_fetcher=StudioURLFetcher(None),
        font_config=font_config,
    )
    # One small page in every face here, so each child starts with the fonts loaded and their
    # caches filled rather than doing that work again for every PDF.
    warm_up = HTML(string=_WARM_UP_HTML, url_fetcher=StudioURLFetcher(None))
    warm_up.write_pdf(stylesheets=[stylesheet], font_config=font_config)
    return font_config, stylesheet


# The accent as a handout sets it (base_print.html), the studio's default: without it the
# stylesheet's headings have no colour, and WeasyPrint logs that in every process that starts.
_DEFAULT_ACCENT = HandoutSettings._meta.get_field("accent_colour").get_default()
_WARM_UP_HTML = (
    f'<html lang="en"><head><style>:root {{ --accent: {_DEFAULT_ACCENT}; }}</style></head>'
    "<body><h1>Groundwork</h1><h2>Hips</h2><h3>Steps</h3>"
    "<p>Regular text, <strong>bold</strong>, <em>italic</em> and <strong><em>both</em></strong>"
    " · 0123456789 &ndash; “quotes” &rsquo; … °</p><ol><li>One</li></ol>"
    "<table><tr><th>Day</th><td>Mon</td></tr></table></body></html>"
)


# A render that has not finished by then is stopped: the child dies and the caller gets an error.
# Below gunicorn's 60 s worker timeout (gunicorn.conf.py), so a stuck render ends as a clear error
# in the page rather than the whole worker being killed mid-request (a handout takes about 1 s
# on a quiet server, and over 20 s on two cores busy with the fault soak).
RENDER_SECONDS = 45
# Forks one at a time, so no other thread of this process is inside the font setup (and its
# C libraries' locks) at the moment a child is copied, and no child inherits the write end of
# another's pipe (its reader would wait for both to exit).
_fork_lock = threading.Lock()


def render(html: str, studio: Studio) -> bytes:
    """The PDF, made in a child process that exits afterwards (see the module's docstring)."""
    with _fork_lock:
        _print_setup()  # once in the parent: every child inherits the parsed fonts and stylesheet
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(read_end)
            _render_as_child(html, studio, write_end)
        os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read()
    _, status = os.waitpid(child, 0)
    if answer[:1] == b"\x00" and status == 0:
        return answer[1:]
    detail = answer[1:].decode(errors="replace") or f"the child ended with status {status}"
    raise RenderFailed(f"The PDF could not be made: {detail}")


def _render_as_child(html: str, studio: Studio, write_end: int) -> None:
    """Runs in the child only, and never returns: it leaves with os._exit, so nothing the
    parent owns (database connections, open files, atexit handlers) is closed or run here."""
    try:
        _let_go_of_the_parents_sockets()
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(RENDER_SECONDS)
        gc.disable()  # short-lived: its memory goes back when it exits
        # Only files are read here (static files, the studio's uploads), never the database:
        # the parent's connections stay the parent's.
        answer = b"\x00" + render_here(html, studio)
        status = 0
    except BaseException:
        answer = b"\x01" + traceback.format_exc().encode()
        status = 1
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(answer)
    finally:
        os._exit(status)


def _let_go_of_the_parents_sockets() -> None:
    """Every socket the child was born holding now points at /dev/null instead.

    A socket closes (FIN) only when its last copy does. Holding the web worker's kept-alive
    connections, a child rendering for 20 s kept each one open after the worker had closed it:
    the balancer sent the next request down it, nobody read it, and it was reset when the child
    exited (two unexplained failures in the fault soak). The listening socket alike would take
    connections nobody accepts. Closing the numbers instead would let a new file reuse them
    under the parent's pooled connections (storage, cache), which still hold them; on
    /dev/null those objects see a dropped connection and open their own.
    """
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for name in os.listdir(folder):
            descriptor = int(name)
            try:
                if stat.S_ISSOCK(os.fstat(descriptor).st_mode):
                    os.dup2(null, descriptor)
            except OSError:
                continue  # the folder's own descriptor, closed once listed
    finally:
        os.close(null)


def render_here(html: str, studio: Studio) -> bytes:
    """WeasyPrint in this process (the child's work; the benchmark's floor)."""
    font_config, stylesheet = _print_setup()
    document = HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=StudioURLFetcher(studio))
    return document.write_pdf(
        stylesheets=[stylesheet], font_config=font_config, pdf_variant="pdf/ua-1"
    )
