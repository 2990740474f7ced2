"""Sign-up, sign-in, organisations, data keys and API tokens."""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cvbank.accounts.models import (
    AccountToken,
    ApiToken,
    Consent,
    DataKey,
    MemberRole,
    Membership,
    Organisation,
    Role,
    SocialIdentity,
    TokenPurpose,
    User,
    UserStatus,
)
from cvbank.db import utcnow
from cvbank.errors import Conflict, NotFound, Unauthorized, ValidationError
from cvbank.mail_tasks import queue_mail
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


def sign_up_candidate(
    session: Session,
    sealer: Sealer,
    *,
    email: str,
    password: str,
    name: str,
    accepted_policy: bool,
    locale: str | None,
    verify_link_for: LinkFor | None = None,
    verify_lifetime: timedelta = timedelta(hours=48),
) -> User:
    """Register a job seeker who accepted the privacy policy; mail them a verification link."""
    if not accepted_policy:
        raise ValidationError(
            "accept_policy",
            "Please accept the privacy policy to continue.",
            code="policy_not_accepted",
        )
    user = create_user(session, sealer, email=email, password=password, name=name, locale=locale)
    session.add(Consent(user_id=user.id, purpose="account", policy_version=PRIVACY_POLICY_VERSION))
    if verify_link_for is not None:
        send_email_verification(session, user, lifetime=verify_lifetime, link_for=verify_link_for)
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """Return the active user with these credentials or raise ``Unauthorized``."""
    failure = Unauthorized("Wrong email or password.", code="bad_credentials")
    user = find_user_by_email(session, email or "")
    if user is None or user.password_hash is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "")
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


def create_organisation(
    session: Session,
    *,
    name: str,
    org_number: str | None = None,
    seats: int = 5,
    subscription_until: datetime | None = None,
) -> Organisation:
    """Create an employer organisation."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", "Enter the organisation's name.")
    if seats < 1:
        raise ValidationError("seats", "An organisation needs at least one seat.")
    org = Organisation(
        name=name[:200],
        org_number=org_number or None,
        seats=seats,
        subscription_until=subscription_until,
    )
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


def add_recruiter(
    session: Session, org: Organisation, user: User, role: MemberRole = MemberRole.RECRUITER
) -> Membership:
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
    session.add(
        ApiToken(user_id=user.id, name=(name or "API")[:100], token_hash=_token_hash(token))
    )
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """Return the active user an API token belongs to."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.status is not UserStatus.ACTIVE:
        return None
    now = utcnow()
    # Recording every use would turn each API read into a write; a minute's precision is enough.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
    return user


# --- Mail tokens: email verification and password reset -----------------------------------

LinkFor = Callable[[str], str]


def issue_token(
    session: Session,
    purpose: TokenPurpose,
    *,
    email: str,
    lifetime: timedelta,
    user: User | None = None,
    payload: dict[str, Any] | None = None,
) -> str:
    """Store a new single-use token (its hash only) and return the token itself."""
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            user_id=user.id if user is not None else None,
            purpose=purpose,
            token_hash=_token_hash(token),
            email=email,
            payload=payload or {},
            expires_at=utcnow() + lifetime,
        )
    )
    session.flush()
    return token


def consume_token(session: Session, purpose: TokenPurpose, token: str) -> AccountToken:
    """Mark a valid token used and return it, or raise ``ValidationError`` (invalid_token)."""
    row = session.scalar(
        select(AccountToken)
        .where(AccountToken.token_hash == _token_hash(token or ""), AccountToken.purpose == purpose)
        .with_for_update()
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise ValidationError(
            "token", "This link is invalid, used or expired.", code="invalid_token"
        )
    row.used_at = utcnow()
    return row


def _expire_tokens(session: Session, user: User, purpose: TokenPurpose) -> None:
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


def send_email_verification(
    session: Session, user: User, *, lifetime: timedelta, link_for: LinkFor
) -> None:
    """Mail ``user`` a link that proves they own their email address."""
    if user.email_verified_at is not None:
        return
    token = issue_token(
        session, TokenPurpose.VERIFY_EMAIL, email=user.email, user=user, lifetime=lifetime
    )
    hours = int(lifetime.total_seconds() // 3600)
    queue_mail(
        session,
        to=user.email,
        reason="verify_email",
        subject=_("Confirm your email address for cvbank"),
        body=_(
            "Hello,\n\nplease confirm that this is your email address by opening this link "
            "within %(hours)d hours:\n\n%(link)s\n\nIf you did not create a cvbank account, "
            "ignore this message.\n",
            hours=hours,
            link=link_for(token),
        ),
    )


def verify_email(session: Session, token: str) -> User:
    """Mark the email of the token's user as verified."""
    row = consume_token(session, TokenPurpose.VERIFY_EMAIL, token)
    user = session.get(User, row.user_id) if row.user_id else None
    # The address may have changed since the mail left; only the address mailed is proven.
    if user is None or user.email != row.email or user.status is not UserStatus.ACTIVE:
        raise ValidationError(
            "token", "This link is invalid, used or expired.", code="invalid_token"
        )
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def request_password_reset(
    session: Session, email: str, *, lifetime: timedelta, link_for: LinkFor
) -> None:
    """Mail a reset link if an active account has this email; say nothing either way."""
    try:
        address = normalise_email(email)
    except ValidationError:
        return
    user = find_user_by_email(session, address)
    if user is None or user.status is not UserStatus.ACTIVE:
        return
    token = issue_token(
        session, TokenPurpose.RESET_PASSWORD, email=user.email, user=user, lifetime=lifetime
    )
    minutes = int(lifetime.total_seconds() // 60)
    queue_mail(
        session,
        to=user.email,
        reason="reset_password",
        subject=_("Choose a new cvbank password"),
        body=_(
            "Hello,\n\nsomeone (hopefully you) asked to choose a new password for your cvbank "
            "account. Open this link within %(minutes)d minutes to do so:\n\n%(link)s\n\n"
            "The link works once. If you did not ask for it, ignore this message; your "
            "password stays as it is.\n",
            minutes=minutes,
            link=link_for(token),
        ),
    )


def check_reset_token(session: Session, token: str) -> None:
    """Raise ``ValidationError`` unless ``token`` is an unused, unexpired reset token."""
    row = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _token_hash(token or ""),
            AccountToken.purpose == TokenPurpose.RESET_PASSWORD,
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise ValidationError(
            "token", "This link is invalid, used or expired.", code="invalid_token"
        )


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set a new password with a reset token; every session of the account ends."""
    check_password_rules(new_password)
    row = consume_token(session, TokenPurpose.RESET_PASSWORD, token)
    user = session.get(User, row.user_id) if row.user_id else None
    if user is None or user.email != row.email or user.status is not UserStatus.ACTIVE:
        raise ValidationError(
            "token", "This link is invalid, used or expired.", code="invalid_token"
        )
    _set_password(session, user, new_password)
    # Receiving the mail proves the address too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def change_password(session: Session, user: User, current: str, new_password: str) -> None:
    """Replace the password after checking the current one; every session ends."""
    if user.password_hash is not None:
        try:
            _hasher.verify(user.password_hash, current or "")
        except (VerificationError, InvalidHashError):
            raise ValidationError(
                "current_password", "Your current password is wrong.", code="bad_current_password"
            ) from None
    check_password_rules(new_password)
    _set_password(session, user, new_password)


def _set_password(session: Session, user: User, new_password: str) -> None:
    user.password_hash = _hasher.hash(new_password)
    _expire_tokens(session, user, TokenPurpose.RESET_PASSWORD)
    end_all_sessions(user)


def end_all_sessions(user: User) -> None:
    """End every session of ``user`` (each carries the epoch it started in)."""
    user.session_epoch += 1


def sign_in_methods(session: Session, user: User) -> int:
    """Return how many ways ``user`` can sign in (a password and each linked provider)."""
    linked = (
        session.scalar(
            select(func.count())
            .select_from(SocialIdentity)
            .where(SocialIdentity.user_id == user.id)
        )
        or 0
    )
    return linked + (1 if user.password_hash is not None else 0)


def authenticate_for_token(
    session: Session, email: str, password: str, otp: str | None, *, require_staff_2fa: bool
) -> User:
    """Check credentials and, where two-factor applies, the TOTP or recovery code (API tokens).

    Staff who must use two-factor but have not enrolled yet are refused: enrolment happens in
    the browser, where the secret can be shown.
    """
    from cvbank.accounts import totp

    user = authenticate(session, email, password)
    if not totp.second_factor_required(user, require_staff_2fa=require_staff_2fa):
        return user
    if not user.has_totp:
        raise Unauthorized(
            "Set up two-factor sign-in in the browser first.", code="otp_enrolment_required"
        )
    if not otp:
        raise Unauthorized(
            "Send the current code of your authenticator app as 'otp'.", code="otp_required"
        )
    totp.check_second_factor(session, user, otp)
    return user


# --- Social identities -------------------------------------------------------------------


def user_for_identity(session: Session, provider: str, subject: str) -> User | None:
    """Return the active user a provider identity is linked to, if any."""
    identity = session.scalar(
        select(SocialIdentity).where(
            SocialIdentity.provider == provider, SocialIdentity.subject == subject
        )
    )
    if identity is None:
        return None
    user = session.get(User, identity.user_id)
    if user is None or user.status is not UserStatus.ACTIVE:
        raise Unauthorized("This account cannot sign in.", code="account_inactive")
    identity.last_used_at = utcnow()
    user.last_active_at = utcnow()
    return user


def link_identity(
    session: Session,
    user: User,
    *,
    provider: str,
    subject: str,
    email: str | None,
    email_verified: bool,
) -> SocialIdentity:
    """Link a provider identity to ``user``, who has proven they own the account."""
    existing = session.scalar(
        select(SocialIdentity).where(
            SocialIdentity.provider == provider, SocialIdentity.subject == subject
        )
    )
    if existing is not None:
        if existing.user_id != user.id:
            raise Conflict(
                "This account at the provider is already linked to another cvbank account.",
                code="identity_taken",
            )
        return existing
    if session.scalar(
        select(SocialIdentity).where(
            SocialIdentity.user_id == user.id, SocialIdentity.provider == provider
        )
    ):
        raise Conflict(
            "Another account at this provider is already linked. Unlink it first.",
            code="provider_already_linked",
        )
    identity = SocialIdentity(
        user_id=user.id,
        provider=provider,
        subject=subject,
        email=email,
        email_verified=email_verified,
    )
    session.add(identity)
    session.flush()
    return identity


def unlink_identity(session: Session, user: User, identity_id: uuid.UUID) -> None:
    """Remove a linked provider, unless it is the account's last way to sign in."""
    identity = session.get(SocialIdentity, identity_id)
    if identity is None or identity.user_id != user.id:
        raise NotFound("No such linked account.")
    if sign_in_methods(session, user) <= 1:
        raise Conflict(
            "This is your only way to sign in. Set a password or link another provider first.",
            code="last_sign_in_method",
        )
    session.delete(identity)
    session.flush()


def linked_identities(session: Session, user: User) -> list[SocialIdentity]:
    """Return the user's linked provider identities."""
    return list(
        session.scalars(
            select(SocialIdentity)
            .where(SocialIdentity.user_id == user.id)
            .order_by(SocialIdentity.provider)
        )
    )


def sign_up_with_provider(
    session: Session,
    sealer: Sealer,
    *,
    profile: dict[str, Any],
    email: str,
    name: str,
    keep_picture: bool,
    show_picture_to_employers: bool,
    accepted_policy: bool,
    locale: str | None,
    link_for: LinkFor,
    lifetime: timedelta,
) -> User | None:
    """Create a job seeker from a provider identity and the choices they confirmed.

    ``profile`` is what the provider returned (``ProviderProfile.to_json``). The account is
    created at once only if the provider vouched for exactly this email; otherwise the choices
    wait in a token mailed to the address, and the account exists once the link is opened
    (None is returned). An existing account with this email is never taken over: its owner
    must sign in to it and link the provider from the account settings.
    """
    if not accepted_policy:
        raise ValidationError(
            "accept_policy",
            "Please accept the privacy policy to continue.",
            code="policy_not_accepted",
        )
    address = normalise_email(email)
    if find_user_by_email(session, address) is not None:
        raise Conflict(
            "An account with this email already exists. Sign in to it, then link "
            "the provider in your account settings.",
            code="email_taken_social",
        )
    if (
        session.scalar(
            select(SocialIdentity).where(
                SocialIdentity.provider == profile["provider"],
                SocialIdentity.subject == profile["subject"],
            )
        )
        is not None
    ):
        raise Conflict(
            "This account at the provider is already linked to a cvbank account.",
            code="identity_taken",
        )
    choices = {
        "profile": profile,
        "name": name.strip()[:200],
        "picture_url": profile.get("picture_url") if keep_picture else None,
        "show_picture_to_employers": bool(keep_picture and show_picture_to_employers),
        "locale": locale,
    }
    vouched = bool(profile.get("email_verified")) and profile.get("email") == address
    if vouched:
        return _create_social_user(session, sealer, address, choices, verified=True)
    token = issue_token(
        session, TokenPurpose.SOCIAL_SIGNUP, email=address, payload=choices, lifetime=lifetime
    )
    hours = int(lifetime.total_seconds() // 3600)
    queue_mail(
        session,
        to=address,
        reason="social_signup",
        subject=_("Confirm your email address to finish signing up to cvbank"),
        body=_(
            "Hello,\n\nto finish creating your cvbank account, confirm that this is your "
            "email address by opening this link within %(hours)d hours:\n\n%(link)s\n\n"
            "If you did not sign up to cvbank, ignore this message.\n",
            hours=hours,
            link=link_for(token),
        ),
    )
    return None


def complete_social_sign_up(session: Session, sealer: Sealer, token: str) -> User:
    """Create the account a mailed social sign-up link stands for."""
    row = consume_token(session, TokenPurpose.SOCIAL_SIGNUP, token)
    if find_user_by_email(session, row.email) is not None:
        raise Conflict(
            "An account with this email already exists. Sign in to it, then link "
            "the provider in your account settings.",
            code="email_taken_social",
        )
    return _create_social_user(session, sealer, row.email, row.payload, verified=True)


def _create_social_user(
    session: Session, sealer: Sealer, email: str, choices: dict[str, Any], *, verified: bool
) -> User:
    profile = choices["profile"]
    user = create_user(
        session,
        sealer,
        email=email,
        password=None,
        name=choices["name"],
        locale=choices.get("locale"),
        verified=verified,
    )
    user.picture_url = choices.get("picture_url")
    user.show_picture_to_employers = bool(choices.get("show_picture_to_employers"))
    session.add(Consent(user_id=user.id, purpose="account", policy_version=PRIVACY_POLICY_VERSION))
    link_identity(
        session,
        user,
        provider=profile["provider"],
        subject=profile["subject"],
        email=profile.get("email"),
        email_verified=bool(profile.get("email_verified")),
    )
    return user


def set_picture_choice(user: User, *, show_to_employers: bool, remove: bool) -> None:
    """Store whether employers may see the user's picture, or forget the picture."""
    if remove:
        user.picture_url = None
    user.show_picture_to_employers = bool(show_to_employers and user.picture_url)
