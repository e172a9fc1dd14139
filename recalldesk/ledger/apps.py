from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "recalldesk.ledger"
    label = "ledger"
    verbose_name = "Ledger: entries, payouts, store credit"
