"""The SMTP mail backend, against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cvbank.accounts.models import User
from cvbank.worker import Worker


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def settings_overrides(
    settings_overrides: dict[str, Any], smtp_server: tuple[Inbox, int]
) -> dict[str, Any]:
    return {
        **settings_overrides,
        "mail_backend": "smtp",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_server[1],
        "mail_from": "cvbank <no-reply@cvbank.test>",
    }


def test_reset_mail_leaves_through_smtp(
    client: Any, worker: Worker, make_user: Callable[..., User], smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp_server
    user = make_user()
    assert client.post("/reset-password", data={"email": user.email}).status_code == 200
    assert inbox.messages == []  # queued in the outbox: nothing leaves before the worker runs
    worker.drain()
    [(sender, recipients, content)] = inbox.messages
    assert sender == "no-reply@cvbank.test"
    assert recipients == [user.email]
    message = message_from_bytes(content, policy=default_policy)
    assert message["Subject"] == "Choose a new cvbank password"
    assert "/reset-password/" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
