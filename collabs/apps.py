from django.apps import AppConfig


class CollabsConfig(AppConfig):
    name = "collabs"
    verbose_name = "Collab catalogue"
