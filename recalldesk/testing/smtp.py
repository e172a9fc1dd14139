"""pytest plugin: a real SMTP server (aiosmtpd) on 127.0.0.1 that Django sends e-mail to.

Tests read what the server received, parsed by the `email` package, as a person's mail program
would see it: `smtp_server.messages[0]["Subject"]`, `.get_body(("html",))`.
"""

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    # aiosmtpd's Controller checks its port by connecting to it, so it cannot take port 0.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """Records each message it accepts; can refuse messages or recipients on request."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.refused_replies: list[str] = []
        self.refused_recipients: list[str] = []
        self._refusals: list[str] = []
        self._rejected_recipients: dict[str, str] = {}
        self._changed = threading.Condition()

    def refuse_next(self, count: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        """Answer the next `count` messages with `reply` instead of accepting them."""
        with self._changed:
            self._refusals.extend([reply] * count)

    def reject_recipient(self, address: str, reply: str = "550 5.1.1 No such mailbox") -> None:
        """Refuse every message to `address` at RCPT TO."""
        with self._changed:
            self._rejected_recipients[address.lower()] = reply

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until `count` messages arrived (or `timeout` seconds passed); return them all."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    # aiosmtpd handler hooks, called on the server's event-loop thread.

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._changed:
            reply = self._rejected_recipients.get(address.lower())
            if reply:
                self.refused_recipients.append(address)
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._changed:
            if self._refusals:
                reply = self._refusals.pop(0)
                self.refused_replies.append(reply)
                self._changed.notify_all()
                return reply
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(message)
            self._changed.notify_all()
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    """A running SMTP server on a free port of 127.0.0.1, with Django's e-mail pointed at it."""
    server = SmtpServer()
    controller = Controller(server, hostname=server.host, port=_free_port())
    controller.start()
    server.port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        controller.stop()
