"""Where the apps above practice add their pages to the studio settings page.

Practice names no app above it (imports run routines -> clients -> practice), not even by a
URL name in a template, so clients (consent text, audit trail) and routines (handout settings)
register their settings pages here from their `ready()`, in the order of INSTALLED_APPS.
"""

from dataclasses import dataclass
from uuid import UUID

from django.urls import reverse


@dataclass(frozen=True)
class SettingsLink:
    url_name: str  # a studio page: reversed with the studio's code
    words: str


SETTINGS_LINKS: list[SettingsLink] = []


def register_settings_link(link: SettingsLink) -> None:
    if link not in SETTINGS_LINKS:
        SETTINGS_LINKS.append(link)


def settings_links(studio_code: UUID) -> list[tuple[str, str]]:
    """Each registered page as (URL, words) for this studio."""
    return [(reverse(link.url_name, args=[studio_code]), link.words) for link in SETTINGS_LINKS]
