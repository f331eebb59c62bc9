from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"

    def ready(self) -> None:
        # Every backup lists who was erased by then (practice may not import clients).
        from clients.services import erased_client_codes
        from practice.backup import register_erased_code_source

        register_erased_code_source(erased_client_codes)
        # Its triggers are made again after every migrate (practice/triggers.py).
        from clients.tally import TALLY_TRIGGERS
        from practice.triggers import register

        register(TALLY_TRIGGERS)
        # Its settings pages, listed on the studio settings page.
        from practice.hooks import SettingsLink, register_settings_link

        register_settings_link(
            SettingsLink("consent_text", "Informed-consent text and its versions")
        )
        register_settings_link(
            SettingsLink(
                "audit_list", "Audit trail: who viewed, printed, exported or changed client records"
            )
        )
