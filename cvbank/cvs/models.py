"""CVs, their immutable versions, and what a candidate decided about them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cvbank.db import Base, CreatedAt, UuidPk, enum_type, utcnow


class Visibility(enum.StrEnum):
    HIDDEN = "hidden"
    ANONYMOUS = "anonymous"
    VISIBLE = "visible"


class CvState(enum.StrEnum):
    PROCESSING = "processing"
    NEEDS_REVIEW = "needs_review"
    READY = "ready"
    FAILED = "failed"


class Cv(Base):
    __tablename__ = "cvs"

    id: Mapped[UuidPk]
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility, "visibility"), default=Visibility.HIDDEN
    )
    state: Mapped[CvState] = mapped_column(
        enum_type(CvState, "cv_state"), default=CvState.PROCESSING
    )
    current_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cv_versions.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[CvVersion]] = relationship(
        back_populates="cv",
        cascade="all, delete-orphan",
        foreign_keys="CvVersion.cv_id",
        order_by="CvVersion.number",
    )
    current_version: Mapped[CvVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class CvVersion(Base):
    """One uploaded file and what was read from it; never changed after parsing."""

    __tablename__ = "cv_versions"
    __table_args__ = (UniqueConstraint("cv_id", "number"),)

    id: Mapped[UuidPk]
    cv_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cvs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    file_ref: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    # Extracted text and profile are sealed with the owner's data key (see cvbank.storage).
    text_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    profile_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The candidate's corrections of the extracted profile; they live and die with the version.
    corrections_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    language: Mapped[str | None] = mapped_column(String(8))
    pages: Mapped[int | None]
    extraction_method: Mapped[str | None] = mapped_column(String(20))
    parser_version: Mapped[str | None] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(String(500))
    parsed_at: Mapped[datetime | None]
    created_at: Mapped[CreatedAt]

    cv: Mapped[Cv] = relationship(back_populates="versions", foreign_keys=[cv_id])


class Block(Base):
    """A candidate's block of one organisation: it never sees their CVs."""

    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("candidate_id", "organisation_id"),)

    id: Mapped[UuidPk]
    candidate_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[CreatedAt]


class AccessAction(enum.StrEnum):
    APPEARED_IN_SEARCH = "appeared_in_search"
    VIEW = "view"
    DOWNLOAD = "download"


class AccessEvent(Base):
    """One employer access to a candidate's CV, shown to the candidate."""

    __tablename__ = "access_events"
    __table_args__ = (Index("ix_access_events_candidate_at", "candidate_id", "at"),)

    id: Mapped[UuidPk]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cv_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cvs.id", ondelete="CASCADE"), index=True)
    action: Mapped[AccessAction] = mapped_column(enum_type(AccessAction, "access_action"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
