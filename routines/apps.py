from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _sync_library_after_migrate(sender: AppConfig, using: str, **kwargs) -> None:
    # Migrating backwards can leave the tables gone; there is nothing to fill then.
    if "routines_pose" not in connections[using].introspection.table_names():
        return
    from routines.library.loader import sync_library

    sync_library()


class RoutinesConfig(AppConfig):
    name = "routines"
    verbose_name = "Pose library and routines"

    def ready(self) -> None:
        # A fresh install has the whole library as soon as `migrate` finishes.
        post_migrate.connect(_sync_library_after_migrate, sender=self)
        # Clients may not import routines (imports run routines -> clients -> practice), so
        # routines adds its part of a client's export and erasure to the hooks clients offers.
        from clients import hooks
        from routines.client_records import TAILORED_ROUTINES, routines_erase_for_client
        from routines.paper.practice_link_services import (
            practice_links_revoke_for_client_archived,
            practice_links_revoke_for_client_erased,
        )

        hooks.register_record_section(TAILORED_ROUTINES)
        # Links first: each is turned off (and audited) before its routine may be deleted.
        hooks.register_erase_hook(practice_links_revoke_for_client_erased)
        hooks.register_erase_hook(routines_erase_for_client)
        hooks.register_archive_hook(practice_links_revoke_for_client_archived)
        # Its parts of the clients pages, and what it made for a client (clients/hooks.py).
        from routines.client_pages import PARTS, tailored_routines

        hooks.register_tailored_work(tailored_routines)
        for part in PARTS:
            hooks.register_page_part(part)
        from practice.hooks import SettingsLink, register_settings_link

        register_settings_link(
            SettingsLink(
                "handout_settings",
                "Handout settings: logo, colour, safety and choice texts, paper size, "
                "consent card words",
            )
        )
        register_settings_link(
            SettingsLink(
                "consent_cards",
                "Printable consent cards (“hands-on support welcome” / "
                "“no hands-on support, thank you”)",
            )
        )
