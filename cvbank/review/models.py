"""Sensitive-content flags on a CV version and the candidate's decision on each."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from cvbank.db import Base, CreatedAt, UuidPk, enum_type


class Decision(enum.StrEnum):
    OPEN = "open"
    REMOVED = "removed"
    KEPT_WITH_CONSENT = "kept_with_consent"


class SensitiveFlag(Base):
    __tablename__ = "sensitive_flags"

    id: Mapped[UuidPk]
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cv_versions.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(40))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # The matched passage is itself sensitive: sealed with the owner's data key.
    text_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # SHA-256 of the passage, so a decision carries over to an identical passage in a new version.
    passage_hash: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(120))
    confidence: Mapped[float] = mapped_column(Float)
    decision: Mapped[Decision] = mapped_column(
        enum_type(Decision, "flag_decision"), default=Decision.OPEN
    )
    decided_at: Mapped[datetime | None]
    consent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("consents.id", ondelete="SET NULL")
    )
    created_at: Mapped[CreatedAt]
