"""Sign-up, sign-in, organisations, data keys and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cvbank.accounts.models import (
    ApiToken,
    Consent,
    DataKey,
    Membership,
    MemberRole,
    Organisation,
    Role,
    User,
    UserStatus,
)
from cvbank.db import utcnow
from cvbank.errors import Conflict, NotFound, Unauthorized, ValidationError
from cvbank.storage import Sealer

PRIVACY_POLICY_VERSION = "2026-11"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
# Deliberately simple: one @, something on each side, a dot in the domain. Ownership is proven
# by the verification mail, not by a regular expression.
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that sign-in takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    """Return the email trimmed and lower-cased, or raise ``ValidationError``."""
    email = (email or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValidationError("email", "Enter a valid email address.", code="invalid_email")
    return email


def check_password_rules(password: str) -> None:
    """Raise ``ValidationError`` if ``password`` is too short or too long."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "password", f"Use at least {MIN_PASSWORD_LENGTH} characters.", code="weak_password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError("password", "That password is too long.", code="invalid_password")


def find_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with this email, if any."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(
    session: Session,
    sealer: Sealer,
    *,
    email: str,
    password: str | None,
    name: str = "",
    role: Role = Role.CANDIDATE,
    locale: str | None = None,
    verified: bool = False,
) -> User:
    """Create a user with a data key; the caller's transaction commits it."""
    email = normalise_email(email)
    if password is not None:
        check_password_rules(password)
    if find_user_by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.", code="email_taken")
    user = User(
        id=uuid.uuid4(),
        email=email,
        password_hash=_hasher.hash(password) if password is not None else None,
        name=name.strip()[:200],
        role=role,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    session.add(user)
    session.flush()  # the data key refers to the user row
    session.add(DataKey(user_id=user.id, wrapped_key=sealer.new_wrapped_key(user.id)))
    session.flush()
    return user


def sign_up_candidate(session: Session, sealer: Sealer, *, email: str, password: str, name: str,
                      accepted_policy: bool, locale: str | None) -> User:
    """Register a job seeker who accepted the privacy policy."""
    if not accepted_policy:
        raise ValidationError("accept_policy", "Please accept the privacy policy to continue.",
                              code="policy_not_accepted")
    user = create_user(session, sealer, email=email, password=password, name=name,
                       locale=locale)
    session.add(Consent(user_id=user.id, purpose="account", policy_version=PRIVACY_POLICY_VERSION))
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """Return the active user with these credentials or raise ``Unauthorized``."""
    failure = Unauthorized("Wrong email or password.", code="bad_credentials")
    user = find_user_by_email(session, email or "")
    if user is None or user.password_hash is None:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        raise failure
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        raise failure from None
    if user.status is not UserStatus.ACTIVE:
        raise Unauthorized("This account cannot sign in.", code="account_inactive")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_active_at = utcnow()
    return user


def wrapped_key(session: Session, user_id: uuid.UUID) -> bytes | None:
    """Return the user's wrapped data key, or None once it has been destroyed."""
    key = session.get(DataKey, user_id)
    return key.wrapped_key if key is not None else None


def create_organisation(session: Session, *, name: str, org_number: str | None = None,
                        seats: int = 5, subscription_until: datetime | None = None
                        ) -> Organisation:
    """Create an employer organisation."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", "Enter the organisation's name.")
    if seats < 1:
        raise ValidationError("seats", "An organisation needs at least one seat.")
    org = Organisation(name=name[:200], org_number=org_number or None, seats=seats,
                       subscription_until=subscription_until)
    session.add(org)
    session.flush()
    return org


def find_organisation(session: Session, name_or_id: str) -> Organisation:
    """Return the organisation with this id or exact name."""
    try:
        org = session.get(Organisation, uuid.UUID(name_or_id))
    except ValueError:
        org = session.scalar(select(Organisation).where(Organisation.name == name_or_id))
    if org is None:
        raise NotFound(f"No organisation {name_or_id!r}.")
    return org


def add_recruiter(session: Session, org: Organisation, user: User,
                  role: MemberRole = MemberRole.RECRUITER) -> Membership:
    """Give ``user`` a seat in ``org``, within its number of seats."""
    if user.role is not Role.RECRUITER:
        raise ValidationError("user", "Only recruiter accounts can join an organisation.")
    used = session.scalar(
        select(func.count()).select_from(Membership).where(Membership.organisation_id == org.id)
    )
    if (used or 0) >= org.seats:
        raise Conflict(f"{org.name} has no free seats ({org.seats} in use).", code="no_seats")
    membership = Membership(user=user, organisation=org, role=role)
    session.add(membership)
    session.flush()
    return membership


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(session: Session, user: User, name: str) -> str:
    """Create an API token for ``user`` and return it; only its hash is kept."""
    token = "cvb_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=(name or "API")[:100], token_hash=_token_hash(token)))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """Return the active user an API token belongs to."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.status is not UserStatus.ACTIVE:
        return None
    row.last_used_at = utcnow()
    return user
