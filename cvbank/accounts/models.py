"""People, organisations and what ties them together."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cvbank.db import Base, CreatedAt, UuidPk, enum_type, utcnow


class Role(enum.StrEnum):
    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    ADMIN = "admin"


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    RESTRICTED = "restricted"
    ERASED = "erased"


class User(Base):
    __tablename__ = "users"

    id: Mapped[UuidPk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), default=Role.CANDIDATE)
    status: Mapped[UserStatus] = mapped_column(
        enum_type(UserStatus, "user_status"), default=UserStatus.ACTIVE
    )
    locale: Mapped[str | None] = mapped_column(String(10))
    email_verified_at: Mapped[datetime | None]
    # Bumped to end every session of this user at once (sign out everywhere, password change).
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[CreatedAt]
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Two-factor sign-in: the TOTP secret (base32) once enrolment is confirmed, and the last
    # time step accepted, so that one code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # A picture the person chose to keep from a provider; employers see it only if allowed.
    picture_url: Mapped[str | None] = mapped_column(String(1000))
    show_picture_to_employers: Mapped[bool] = mapped_column(default=False, server_default=false())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def is_staff(self) -> bool:
        """Return whether this account works for employers or operators (2FA applies)."""
        return self.role in (Role.RECRUITER, Role.ADMIN)

    @property
    def is_candidate(self) -> bool:
        return self.role is Role.CANDIDATE

    @property
    def is_recruiter(self) -> bool:
        return self.role is Role.RECRUITER

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def organisation(self) -> Organisation | None:
        """Return the organisation a recruiter searches for (recruiters have exactly one)."""
        return self.memberships[0].organisation if self.memberships else None


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[UuidPk]
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    subscription_until: Mapped[datetime | None]
    seats: Mapped[int] = mapped_column(default=5)
    created_at: Mapped[CreatedAt]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def has_subscription(self) -> bool:
        return self.subscription_until is not None and self.subscription_until > utcnow()


class MemberRole(enum.StrEnum):
    RECRUITER = "recruiter"
    ORG_ADMIN = "org_admin"


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MemberRole] = mapped_column(
        enum_type(MemberRole, "member_role"), default=MemberRole.RECRUITER
    )
    created_at: Mapped[CreatedAt]

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="joined")


class DataKey(Base):
    """A user's data key, wrapped by the master key; destroying it crypto-shreds their files."""

    __tablename__ = "data_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[CreatedAt]


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[CreatedAt]
    last_used_at: Mapped[datetime | None]


class Consent(Base):
    """A consent given (and perhaps withdrawn) for one purpose under one policy version."""

    __tablename__ = "consents"

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(80))
    policy_version: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a password
    SOCIAL_SIGNUP = "social_signup"


class AccountToken(Base):
    """A single-use, expiring token sent by mail; only its SHA-256 is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[UuidPk]
    # None for a social sign-up that waits for its email to be confirmed: the account is
    # created only then, so an unconfirmed address never blocks its owner from signing up.
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class RecoveryCode(Base):
    """A one-time code that replaces a TOTP code once; only its SHA-256 is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[CreatedAt]
    used_at: Mapped[datetime | None]


class SocialIdentity(Base):
    """An account at Facebook, Google or LinkedIn, keyed by the provider's subject."""

    __tablename__ = "social_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    email_verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[CreatedAt]
    last_used_at: Mapped[datetime | None]
