"""Signals the registry sends; other apps listen instead of the registry calling them.

recalls_changed: sent once an import's transaction has committed, with
``recall_ids=[...]``, the ids of the recalls it created or changed (their fields, products
or firms). The identify app re-reads those recalls.
"""

from django.db import transaction
from django.dispatch import Signal

recalls_changed = Signal()


def recalls_changed_on_commit(*, sender: object, recall_ids: list[int]) -> None:
    """Send recalls_changed after the current transaction commits, never for a rolled-back one."""
    if not recall_ids:
        return
    ids = list(recall_ids)
    transaction.on_commit(lambda: recalls_changed.send(sender=sender, recall_ids=ids))
