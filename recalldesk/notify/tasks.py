"""Background work of the notify app, run by the Huey consumer (`manage.py run_huey`)."""

import logging
import smtplib

from huey.contrib.djhuey import task
from huey.exceptions import CancelExecution

from recalldesk.notify.services import RenderedEmail, email_deliver

logger = logging.getLogger(__name__)

# Huey's own exponential backoff: the first retry waits RETRY_DELAY_SECONDS and each next wait is
# multiplied by RETRY_BACKOFF (1, 2, 4, 8, 16 minutes), so half an hour of mail-server trouble
# passes without losing a message.
RETRIES = 5
RETRY_DELAY_SECONDS = 60
RETRY_BACKOFF = 2


def _refused_for_good(error: Exception) -> bool:
    # 5xx answers about the recipients or the message itself will not change on a retry;
    # 4xx answers, lost connections, a wrong password or sender address (an operator can fix
    # those) may.
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def email_deliver_in_task(message: RenderedEmail) -> None:
    """Deliver from a task: an error worth retrying raises, a refusal for good cancels the task.

    For tasks declared with RETRIES, RETRY_DELAY_SECONDS and RETRY_BACKOFF, as below.
    """
    try:
        email_deliver(message=message)
    except smtplib.SMTPException as error:
        if not _refused_for_good(error):
            raise
        logger.error("Mail server refused %r for good, not retrying: %s", message["subject"], error)
        raise CancelExecution(retry=False) from error


@task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS, retry_backoff=RETRY_BACKOFF)
def email_deliver_task(message: RenderedEmail) -> None:
    email_deliver_in_task(message)
