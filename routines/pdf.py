"""Turning handout HTML into a PDF with WeasyPrint. Imported only by code that renders.

WeasyPrint costs seconds to import, so nothing on the request path of ordinary pages imports
this module: routines.handouts.render_pdf imports it on the first render of a process.

Fonts and the print stylesheet are parsed once per process and shared by every render
(`_print_setup`). Left in the template, the stylesheet was parsed again for each PDF and its
@font-face rules registered the four fonts again in a fresh font configuration, which is where
each uncached render left memory behind.
"""

import mimetypes
import posixpath
from functools import cache
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from practice.models import Studio
from routines.handouts import ASSET_ORIGIN, MEDIA_PREFIX, PRINT_STYLESHEET, STATIC_PREFIX


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


@cache
def _print_setup() -> tuple[FontConfiguration, CSS]:
    """The font configuration and the parsed print stylesheet, shared by every render."""
    font_config = FontConfiguration()
    stylesheet = CSS(
        url=STATIC_PREFIX + PRINT_STYLESHEET,
        url_fetcher=StudioURLFetcher(None),
        font_config=font_config,
    )
    return font_config, stylesheet


def render(html: str, studio: Studio) -> bytes:
    font_config, stylesheet = _print_setup()
    document = HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=StudioURLFetcher(studio))
    return document.write_pdf(
        stylesheets=[stylesheet], font_config=font_config, pdf_variant="pdf/ua-1"
    )
