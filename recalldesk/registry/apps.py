from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "recalldesk.registry"
    label = "registry"
    verbose_name = "Recall registry"
