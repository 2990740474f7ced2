"""Queue mail in the outbox so that it leaves only after the change behind it committed."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from cvbank.mail import build_message
from cvbank.outbox.services import enqueue
from cvbank.runtime import Runtime

log = logging.getLogger(__name__)


def queue_mail(session: Session, *, to: str, subject: str, body: str, reason: str) -> None:
    """Queue one plain-text message; ``reason`` is logged when it leaves."""
    enqueue(
        session,
        "send_mail",
        key=f"mail:{to}",
        payload={"to": to, "subject": subject, "body": body, "reason": reason},
    )


def send_mail(rt: Runtime, payload: dict[str, Any]) -> None:
    """Deliver a queued message."""
    message = build_message(
        rt.settings.mail_from, payload["to"], payload["subject"], payload["body"]
    )
    rt.mailer.send(message)
    log.info("mail sent: reason=%s", payload.get("reason", "unspecified"))
