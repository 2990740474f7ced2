"""People, organisations and what ties them together."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
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
    status: Mapped[UserStatus] = mapped_column(enum_type(UserStatus, "user_status"),
                                               default=UserStatus.ACTIVE)
    locale: Mapped[str | None] = mapped_column(String(10))
    email_verified_at: Mapped[datetime | None]
    # Bumped to end every session of this user at once (sign out everywhere, password change).
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[CreatedAt]
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

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
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole, "member_role"),
                                             default=MemberRole.RECRUITER)
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
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[CreatedAt]
    last_used_at: Mapped[datetime | None]


class Consent(Base):
    """A consent given (and perhaps withdrawn) for one purpose under one policy version."""

    __tablename__ = "consents"

    id: Mapped[UuidPk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    purpose: Mapped[str] = mapped_column(String(80))
    policy_version: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
