"""Listeners: when the registry changes recalls, their identifiers are read again."""

from django.dispatch import receiver

from recalldesk.identify.services import identifiers_extract_all
from recalldesk.registry.events import recalls_changed


@receiver(recalls_changed, dispatch_uid="identify.recalls_changed_extract")
def recalls_changed_extract(sender, recall_ids, **kwargs) -> None:
    """Re-extract the recalls an import created or changed (sent after its commit)."""
    identifiers_extract_all(recall_ids=recall_ids)
