from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"

    def ready(self) -> None:
        # Every backup lists who was erased by then (practice may not import clients).
        from clients.services import erased_client_codes
        from practice.backup import register_erased_code_source

        register_erased_code_source(erased_client_codes)
