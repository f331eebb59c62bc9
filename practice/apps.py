from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Studios and team"

    def ready(self) -> None:
        from practice import bidi, observability

        bidi.install()
        observability.install_request_id_on_records()
