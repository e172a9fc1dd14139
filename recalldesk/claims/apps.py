from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "recalldesk.claims"
    label = "claims"
    verbose_name = "Recall programs and claims"
