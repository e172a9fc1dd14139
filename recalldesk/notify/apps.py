from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "recalldesk.notify"
    label = "notify"
    verbose_name = "E-mail and background work"
