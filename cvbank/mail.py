"""Outgoing mail behind an interface: ``.eml`` files by default, SMTP in production."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from cvbank.db import utcnow

log = logging.getLogger(__name__)


class Mailer(Protocol):
    """Something that delivers one message or raises."""

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message``."""


class FileMailer:
    """Write each message as an ``.eml`` file (the embedded default; read them with any client)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> None:
        name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.directory / (name + ".tmp")
        tmp.write_bytes(bytes(message))
        os.replace(tmp, self.directory / name)
        log.info("mail to %s written to %s", message["To"], name)


class SmtpMailer:
    """Deliver through an SMTP server."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
        log.info("mail to %s sent through %s:%s", message["To"], self.host, self.port)


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """Build a plain-text message."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@cvbank>"
    message.set_content(body)
    return message
