from django.apps import AppConfig


class IdentifyConfig(AppConfig):
    name = "recalldesk.identify"
    label = "identify"
    verbose_name = "Identification"

    def ready(self) -> None:
        # Connects the listener that re-extracts recalls an import changed.
        from recalldesk.identify import receivers  # noqa: F401
