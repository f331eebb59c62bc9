from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Studios and team"

    def ready(self) -> None:
        from practice import bidi, observability, triggers
        from practice.memberships import TOKEN_TRIGGERS

        bidi.install()
        observability.install_request_id_on_records()
        triggers.register(TOKEN_TRIGGERS)
        triggers.connect_to_migrate(self)
