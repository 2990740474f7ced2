"""The candidate's review of sensitive-content flags, and the decisions that gate publication."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cvbank.accounts.models import Consent, User
from cvbank.accounts.services import PRIVACY_POLICY_VERSION, wrapped_key
from cvbank.cvs.models import Cv, CvState
from cvbank.db import utcnow
from cvbank.errors import Conflict, NotFound, ValidationError
from cvbank.outbox.services import enqueue
from cvbank.review.models import Decision, SensitiveFlag
from cvbank.runtime import Runtime

log = logging.getLogger(__name__)

# An identity number lets anyone who reads the CV impersonate the candidate; it is never kept.
NEVER_KEPT = frozenset({"national_id"})
DECISIONS = {"remove": Decision.REMOVED, "keep": Decision.KEPT_WITH_CONSENT}


@dataclass(frozen=True)
class ReviewedFlag:
    """A flag with its unsealed passage, for the candidate's own eyes."""

    flag: SensitiveFlag
    text: str

    @property
    def can_keep(self) -> bool:
        return self.flag.category not in NEVER_KEPT


def flags_of(session: Session, rt: Runtime, cv: Cv) -> list[ReviewedFlag]:
    """Return the flags of the CV's current version with their passages, in text order."""
    if cv.current_version_id is None:
        return []
    key = wrapped_key(session, cv.owner_id)
    rows = session.scalars(
        select(SensitiveFlag)
        .where(SensitiveFlag.version_id == cv.current_version_id)
        .order_by(SensitiveFlag.start)
    )
    return [ReviewedFlag(f, rt.sealer.open(cv.owner_id, key, f.text_sealed).decode()) for f in rows]


def resolve_flag(
    session: Session, owner: User, cv: Cv, flag_id: uuid.UUID | str, decision: str
) -> SensitiveFlag:
    """Record the candidate's decision on one flag; keeping a passage records their consent."""
    if cv.owner_id != owner.id:
        raise NotFound("No such CV.")
    wanted = DECISIONS.get(decision)
    if wanted is None:
        raise ValidationError(
            "decision", "The decision must be 'remove' or 'keep'.", code="invalid_decision"
        )
    try:
        key = flag_id if isinstance(flag_id, uuid.UUID) else uuid.UUID(str(flag_id))
    except ValueError:
        raise NotFound("No such flag.") from None
    flag = session.get(SensitiveFlag, key)
    if flag is None or flag.version_id != cv.current_version_id:
        raise NotFound("No such flag.")
    if wanted is Decision.KEPT_WITH_CONSENT and flag.category in NEVER_KEPT:
        raise Conflict(
            "A national identity number can only be removed, never kept.", code="cannot_keep"
        )

    if flag.consent_id is not None and wanted is not Decision.KEPT_WITH_CONSENT:
        consent = session.get(Consent, flag.consent_id)
        if consent is not None and consent.withdrawn_at is None:
            consent.withdrawn_at = utcnow()
        flag.consent_id = None
    if wanted is Decision.KEPT_WITH_CONSENT and flag.decision is not wanted:
        consent = Consent(
            user_id=owner.id,
            purpose=f"publish_sensitive:{flag.category}",
            policy_version=PRIVACY_POLICY_VERSION,
        )
        session.add(consent)
        session.flush()
        flag.consent_id = consent.id
    flag.decision = wanted
    flag.decided_at = utcnow()
    session.flush()

    still_open = session.scalar(
        select(SensitiveFlag.id)
        .where(SensitiveFlag.version_id == flag.version_id, SensitiveFlag.decision == Decision.OPEN)
        .limit(1)
    )
    if still_open is None and cv.state is CvState.NEEDS_REVIEW:
        cv.state = CvState.READY
    cv.updated_at = utcnow()
    # What employers may read changed (a passage is cut or kept): bring the index up to date.
    enqueue(session, "index_cv", key=str(cv.id), payload={"reason": "flag_decision"})
    log.info("cv %s flag %s (%s) decided: %s", cv.id, flag.id, flag.category, wanted)
    return flag


@dataclass(frozen=True)
class Segment:
    """A run of CV text, flagged or not, for highlighting on the review page."""

    text: str
    flag: SensitiveFlag | None = None


def segments(text: str, flags: list[ReviewedFlag]) -> list[Segment]:
    """Split the text into plain and flagged runs (overlapping flags: the first one wins)."""
    out: list[Segment] = []
    cursor = 0
    for reviewed in sorted(flags, key=lambda r: r.flag.start):
        start, end = max(reviewed.flag.start, cursor), reviewed.flag.end
        if start >= end:
            continue
        if start > cursor:
            out.append(Segment(text[cursor:start]))
        out.append(Segment(text[start:end], reviewed.flag))
        cursor = end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out
