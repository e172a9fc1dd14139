"""A real consumer process, as `make run` starts it, takes queued e-mail and sends it."""

import os
import signal
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from django.db import transaction
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from recalldesk.notify.services import email_enqueue
from recalldesk.notify.tests.conftest import claim_email, cpsc_recall

# A database of its own, so the test never touches the queue of a Recall Desk running here.
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture(params=["sqlite", "redis"])
def real_queue(request, tmp_path):
    """This process's Huey on a real queue; yields the environment that points a consumer at it."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "RECALLDESK_TESTING", "HUEY_IMMEDIATE", "EMAIL_URL"}
    }
    environment.update(HUEY_IMMEDIATE="0", RECALLDESK_VAR_DIR=str(tmp_path), DEBUG="0")
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip("no Redis server at 127.0.0.1:6379")
        environment["REDIS_URL"] = REDIS_TEST_URL
    original_storage_kwargs = HUEY.storage_kwargs
    # The same file the consumer will use: settings put it under RECALLDESK_VAR_DIR.
    HUEY.storage_kwargs = {**original_storage_kwargs, "filename": str(tmp_path / "huey.sqlite3")}
    HUEY.immediate = False
    if request.param == "redis":
        HUEY.storage = RedisStorage(HUEY.name, url=REDIS_TEST_URL)
        HUEY.storage.flush_all()
    try:
        yield environment
    finally:
        if request.param == "redis":
            HUEY.storage.flush_all()
        HUEY.storage.close()
        HUEY.storage_kwargs = original_storage_kwargs
        HUEY.immediate = True


@pytest.mark.django_db(transaction=True, available_apps=["recalldesk.notify"])
def test_consumer_process_sends_email_queued_before_it_started(
    real_queue, smtp_server, claim_templates, tmp_path
):
    with transaction.atomic():
        email_enqueue(
            **claim_email(to="alice@example.org", recall_number="26-090", claim_number="Q7Q7Q7")
        )
    assert smtp_server.messages == [], "with a real queue nothing is sent in this process"

    log_path = tmp_path / "consumer.log"
    with log_path.open("w") as log:
        consumer = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "1", "--no-periodic"],
            cwd=settings.BASE_DIR,
            env={**real_queue, "EMAIL_URL": f"smtp://{smtp_server.host}:{smtp_server.port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            messages = smtp_server.wait_for(1, timeout=60)
        finally:
            consumer.send_signal(signal.SIGINT)  # the consumer's graceful stop
            try:
                consumer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                consumer.kill()
                consumer.wait()

    output = log_path.read_text()
    assert len(messages) == 1, output
    assert messages[0]["To"] == "alice@example.org"
    assert messages[0]["Subject"] == f"Claim Q7Q7Q7 received: {cpsc_recall('26-090')['heading']}"
    assert messages[0].get_body(("html",)) is not None
    assert consumer.returncode == 0, output
