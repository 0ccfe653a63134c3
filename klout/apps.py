from django.apps import AppConfig


class KloutConfig(AppConfig):
    name = "klout"
    verbose_name = "Klout service"

    def ready(self) -> None:
        from klout import checks  # noqa: F401  (registers the deployment checks)
