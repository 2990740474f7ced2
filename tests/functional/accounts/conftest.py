"""Helpers for the account tests: read the mail the worker sent, pull links out of it."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest

from cvbank.runtime import Runtime
from cvbank.worker import Worker


@pytest.fixture
def mailbox(rt: Runtime, worker: Worker) -> Callable[[], list[EmailMessage]]:
    """Return a function that sends what is queued and returns every message so far."""

    def read() -> list[EmailMessage]:
        worker.drain()
        directory = rt.settings.mail_path
        messages = []
        for path in sorted(directory.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            messages.append(message)
        return messages  # type: ignore[return-value]

    return read


def link_in(message: EmailMessage, path_prefix: str) -> str:
    """Return the path (without scheme and host) of the link in ``message`` under a prefix."""
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]+)", text)
    assert match, f"no {path_prefix} link in: {text}"
    return match.group(1)


def signed_in_uid(client: Any) -> str | None:
    """Return the user id the client's session is signed in as, if any."""
    with client.session_transaction() as sess:
        return sess.get("uid")  # type: ignore[no-any-return]
