"""Two-factor sign-in: TOTP codes (RFC 6238, via pyotp) and one-time recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cvbank.accounts.models import RecoveryCode, User
from cvbank.db import utcnow
from cvbank.errors import Unauthorized, ValidationError

ISSUER = "cvbank"
RECOVERY_CODE_COUNT = 10
# Accept the code of the previous and next 30-second step too: phone clocks drift.
VALID_WINDOW = 1


def new_secret() -> str:
    """Return a fresh base32 TOTP secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """Return the otpauth:// URI an authenticator app reads (typed or scanned)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """Return the time step whose code equals ``code``, or None."""
    code = "".join((code or "").split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = int(at if at is not None else time.time())
    step = now // totp.interval
    found = None
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        candidate = totp.generate_otp(step + offset)
        # Compare every candidate (constant time) rather than stopping at the first match.
        if hmac.compare_digest(candidate, code):
            found = step + offset
    return found


def enrol_totp(session: Session, user: User, secret: str, code: str | None = None) -> list[str]:
    """Turn on TOTP with ``secret`` (checking ``code`` if given); return new recovery codes.

    Without ``code`` the secret is trusted as is: for the demo seed and operators' scripts.
    """
    try:
        pyotp.TOTP(secret).now()
    except (ValueError, TypeError) as exc:  # binascii.Error is a ValueError
        raise ValidationError(
            "secret", "That is not a valid TOTP secret.", code="invalid_secret"
        ) from exc
    if code is not None:
        step = _matching_step(secret, code)
        if step is None:
            raise ValidationError(
                "code",
                "That code is not right. Check your phone's clock and try the current code.",
                code="bad_otp",
            )
        user.totp_last_step = step
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    return new_recovery_codes(session, user)


def disable_totp(session: Session, user: User) -> None:
    """Turn two-factor sign-in off and forget the recovery codes."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones and return them (shown once)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(code)))
    session.flush()
    return codes


def _code_hash(code: str) -> str:
    # Recovery codes carry 48 random bits and are rate limited, so a plain hash suffices.
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()


def check_second_factor(session: Session, user: User, code: str) -> bool:
    """Accept a current TOTP code (once) or an unused recovery code; return True if it was
    a recovery code. Raise ``Unauthorized`` (bad_otp) otherwise."""
    if not user.has_totp or user.totp_secret is None:
        raise Unauthorized(
            "Two-factor sign-in is not set up for this account.", code="otp_not_enrolled"
        )
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        # A code seen once (by us, or by someone looking over a shoulder) is spent.
        if user.totp_last_step is not None and step <= user.totp_last_step:
            raise Unauthorized(
                "That code was already used. Wait for the next one.", code="otp_reused"
            )
        user.totp_last_step = step
        return False
    row = session.scalar(
        select(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(code or ""),
            RecoveryCode.used_at.is_(None),
        )
        .with_for_update()
    )
    if row is None:
        raise Unauthorized("That code is not right.", code="bad_otp")
    row.used_at = utcnow()
    return True


def recovery_codes_left(session: Session, user: User) -> int:
    """Return how many unused recovery codes the user has."""
    return len(
        list(
            session.scalars(
                select(RecoveryCode.id).where(
                    RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
                )
            )
        )
    )


def second_factor_required(user: User, *, require_staff_2fa: bool) -> bool:
    """Return whether ``user`` must pass a second factor to sign in."""
    return user.has_totp or (require_staff_2fa and user.is_staff)
