from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "recalldesk.accounts"
    label = "accounts"
    verbose_name = "Firm accounts"
