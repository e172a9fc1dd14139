"""Background work of the claims app, run by the Huey consumer (`manage.py run_huey`)."""

import logging

from huey.contrib.djhuey import task

from recalldesk.claims.models import Claim
from recalldesk.claims.services import claim_confirmation_email
from recalldesk.notify.tasks import (
    RETRIES,
    RETRY_BACKOFF,
    RETRY_DELAY_SECONDS,
    email_deliver_in_task,
)

logger = logging.getLogger(__name__)


@task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS, retry_backoff=RETRY_BACKOFF)
def claim_confirmation_send(claim_id: int, status_token: str) -> None:
    """Render and send the confirmation of a claim just filed (claim_confirmation_enqueue)."""
    claim = (
        Claim.objects.select_related("program__recall", "program__firm_account", "product")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:  # deleted since, with its program: no one to tell
        logger.warning("Claim %s is gone; its confirmation is not sent.", claim_id)
        return
    email_deliver_in_task(claim_confirmation_email(claim=claim, status_token=status_token))
