"""A mail server that refuses a message for now gets it again later, waiting longer each time."""

import datetime

from recalldesk.notify.services import email_render
from recalldesk.notify.tasks import (
    RETRIES,
    RETRY_BACKOFF,
    RETRY_DELAY_SECONDS,
    email_deliver_task,
)
from recalldesk.notify.tests.conftest import claim_email


def _utcnow() -> datetime.datetime:
    # Huey keeps naive UTC times in its schedule.
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _run_when_due(queue, retry) -> None:
    # What the consumer does once a retry's time has come, without waiting minutes for it.
    queue.read_schedule(retry.eta)
    queue.execute(retry, timestamp=retry.eta)


def test_message_refused_for_now_is_retried_and_delivered(smtp_server, claim_templates, task_queue):
    smtp_server.refuse_next(1)
    before = _utcnow()

    email_deliver_task(
        email_render(
            **claim_email(to="alice@example.org", recall_number="26-090", claim_number="R1R1R1")
        )
    )

    assert smtp_server.messages == []
    assert smtp_server.refused_replies == ["451 4.3.0 Try again later"]
    [retry] = task_queue.scheduled()
    waited = (retry.eta - before).total_seconds()
    assert RETRY_DELAY_SECONDS - 1 <= waited <= RETRY_DELAY_SECONDS + 1

    _run_when_due(task_queue, retry)

    [message] = smtp_server.wait_for(1)
    assert "R1R1R1" in message["Subject"]
    assert task_queue.scheduled() == []


def test_retries_wait_longer_each_time_and_stop_after_the_last(
    smtp_server, claim_templates, task_queue
):
    smtp_server.refuse_next(RETRIES + 1)
    message = email_render(
        **claim_email(to="alice@example.org", recall_number="26-090", claim_number="B0B0B0")
    )

    failed_at = _utcnow()
    email_deliver_task(message)
    waits = []
    while task_queue.scheduled():
        [retry] = task_queue.scheduled()
        waits.append(round((retry.eta - failed_at).total_seconds()))
        failed_at = _utcnow()
        _run_when_due(task_queue, retry)

    assert waits == [RETRY_DELAY_SECONDS * RETRY_BACKOFF**attempt for attempt in range(RETRIES)]
    assert waits == sorted(waits) and waits[-1] > waits[0]
    assert len(smtp_server.refused_replies) == RETRIES + 1
    assert smtp_server.messages == []


def test_recipient_refused_for_good_is_not_retried(smtp_server, claim_templates, task_queue):
    smtp_server.reject_recipient("gone@example.org")

    email_deliver_task(
        email_render(
            **claim_email(to="gone@example.org", recall_number="26-090", claim_number="G0G0G0")
        )
    )

    assert smtp_server.refused_recipients == ["gone@example.org"]
    assert task_queue.scheduled() == []
    assert smtp_server.messages == []


def test_mail_server_that_is_down_gets_the_message_when_it_is_back(
    smtp_server, claim_templates, task_queue, settings
):
    listening_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # discard port: nothing listens there on 127.0.0.1

    email_deliver_task(
        email_render(
            **claim_email(to="alice@example.org", recall_number="26-090", claim_number="D0WN00")
        )
    )
    assert len(task_queue.scheduled()) == 1

    settings.EMAIL_PORT = listening_port
    [retry] = task_queue.scheduled()
    _run_when_due(task_queue, retry)

    [message] = smtp_server.wait_for(1)
    assert "D0WN00" in message["Subject"]


def test_message_rejected_for_good_is_not_retried(smtp_server, claim_templates, task_queue):
    smtp_server.refuse_next(1, reply="554 5.7.1 Message rejected")

    email_deliver_task(
        email_render(
            **claim_email(to="alice@example.org", recall_number="26-090", claim_number="S5S5S5")
        )
    )

    assert smtp_server.refused_replies == ["554 5.7.1 Message rejected"]
    assert task_queue.scheduled() == []
