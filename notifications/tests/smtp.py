"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port) and Django pointed at it.

Use the ``smtp`` fixture (import it into a conftest or a test module): it yields the
:class:`Mailbox` of received messages.
"""

import email
import email.policy
import re
import socket
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message the server received, parsed."""

    to: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content()
        raise AssertionError(f"no {content_type} part")

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")

    def links(self) -> set[str]:
        return set(re.findall(r"https?://\S+", self.text))


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given, and refuses the recipients
    named in ``rejected`` (``550`` to their ``RCPT TO``, as a server refuses an unknown user)."""

    def __init__(self):
        self.received: list[Received] = []
        self.rejected: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(Received(to=list(envelope.rcpt_tos), message=message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(settings):
    """An SMTP server on 127.0.0.1 while the block runs, Django's default mailer pointed at it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp(settings):
    """The :class:`Mailbox` of a real SMTP server that Django sends to."""
    with smtp_server(settings) as mailbox:
        yield mailbox
