from django.apps import AppConfig


class KloutConfig(AppConfig):
    name = "klout"
    verbose_name = "Klout service"
