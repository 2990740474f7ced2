"""The candidate's review of sensitive-content flags, and the decisions that gate publication."""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cvbank.accounts.models import Consent, User
from cvbank.accounts.services import PRIVACY_POLICY_VERSION, wrapped_key
from cvbank.cvs.models import Cv, CvState, CvVersion
from cvbank.cvs.services import version_content
from cvbank.db import utcnow
from cvbank.errors import Conflict, NotFound, ValidationError
from cvbank.outbox.services import enqueue
from cvbank.review.models import Decision, SensitiveFlag
from cvbank.runtime import Runtime

log = logging.getLogger(__name__)

# An identity number lets anyone who reads the CV impersonate the candidate; it is never kept.
NEVER_KEPT = frozenset({"national_id"})
DECISIONS = {"remove": Decision.REMOVED, "keep": Decision.KEPT_WITH_CONSENT}
# A passage the candidate cut out themselves, because the check did not flag it.
MANUAL_RULE = "manual"
MANUAL_CATEGORY = "other"
MAX_PASSAGE_CHARS = 2000


def passage_hash(text: str) -> str:
    """Fingerprint a passage so a decision carries over to an identical one in a new version."""
    return hashlib.sha256(text.strip().casefold().encode()).hexdigest()


@dataclass(frozen=True)
class ReviewedFlag:
    """A flag with its unsealed passage, for the candidate's own eyes."""

    flag: SensitiveFlag
    text: str

    @property
    def can_keep(self) -> bool:
        return self.flag.category not in NEVER_KEPT and not self.is_manual

    @property
    def is_manual(self) -> bool:
        return self.flag.rule == MANUAL_RULE


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
    flag = _own_flag(session, owner, cv, flag_id)
    if flag.rule == MANUAL_RULE:
        raise Conflict(
            "You removed this passage yourself; restore it to show it again.", code="manual_flag"
        )
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


def find_passage(text: str, passage: str) -> list[tuple[int, int]]:
    """Return where the passage occurs in the text, ignoring case and how it is spaced."""
    words = passage.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)
    return [match.span() for match in pattern.finditer(text)]


def remove_passage(
    session: Session, rt: Runtime, owner: User, cv: Cv, passage: str
) -> list[SensitiveFlag]:
    """Cut a passage the check did not flag from what employers see and from the index.

    Every occurrence in the current version is cut. The passage is kept sealed, like a flagged
    one, so the candidate can see and undo the removal, and it is cut again from a new version
    that contains it.
    """
    if cv.owner_id != owner.id:
        raise NotFound("No such CV.")
    passage = passage.strip()
    if not passage:
        raise ValidationError("text", "Give the passage to remove.", code="missing_text")
    if len(passage) > MAX_PASSAGE_CHARS:
        raise ValidationError(
            "text",
            f"A passage can be at most {MAX_PASSAGE_CHARS} characters.",
            code="text_too_long",
        )
    content = version_content(session, rt, cv)
    if content is None or cv.current_version_id is None:
        raise Conflict("The CV has not been read yet.", code="cv_processing")
    spans = find_passage(content.text, passage)
    if not spans:
        raise ValidationError(
            "text",
            "This passage is not in the CV's text; copy it from the text shown.",
            code="passage_not_found",
        )
    key = wrapped_key(session, cv.owner_id)
    taken = {(f.start, f.end) for f in content.flags if f.rule == MANUAL_RULE}
    added = [
        _manual_flag(rt, cv, cv.current_version_id, key, content.text[start:end], start, end)
        for start, end in spans
        if (start, end) not in taken
    ]
    session.add_all(added)
    session.flush()
    if added:
        cv.updated_at = utcnow()
        enqueue(session, "index_cv", key=str(cv.id), payload={"reason": "passage_removed"})
    log.info("cv %s: the candidate removed %d passage(s)", cv.id, len(added))
    return added


def restore_passage(session: Session, owner: User, cv: Cv, flag_id: uuid.UUID | str) -> None:
    """Undo a removal the candidate made themselves; detected flags are decided, not undone."""
    flag = _own_flag(session, owner, cv, flag_id)
    if flag.rule != MANUAL_RULE:
        raise Conflict(
            "Only a passage you removed yourself can be restored; decide on a detected one.",
            code="detected_flag",
        )
    session.delete(flag)
    cv.updated_at = utcnow()
    enqueue(session, "index_cv", key=str(cv.id), payload={"reason": "passage_restored"})
    log.info("cv %s: the candidate restored a removed passage", cv.id)


def carry_over_removals(
    session: Session, rt: Runtime, cv: Cv, version: CvVersion, text: str, key: bytes | None
) -> list[SensitiveFlag]:
    """Cut from a new version the passages the candidate removed from the one before it."""
    previous = session.scalar(
        select(CvVersion)
        .where(
            CvVersion.cv_id == cv.id,
            CvVersion.id != version.id,
            CvVersion.parsed_at.is_not(None),
        )
        .order_by(CvVersion.number.desc())
        .limit(1)
    )
    if previous is None:
        return []
    removed = session.scalars(
        select(SensitiveFlag).where(
            SensitiveFlag.version_id == previous.id, SensitiveFlag.rule == MANUAL_RULE
        )
    )
    passages = {rt.sealer.open(cv.owner_id, key, f.text_sealed).decode() for f in removed}
    spans = sorted({span for passage in passages for span in find_passage(text, passage)})
    added = [_manual_flag(rt, cv, version.id, key, text[s:e], s, e) for s, e in spans]
    session.add_all(added)
    return added


def _manual_flag(
    rt: Runtime,
    cv: Cv,
    version_id: uuid.UUID,
    key: bytes | None,
    text: str,
    start: int,
    end: int,
) -> SensitiveFlag:
    return SensitiveFlag(
        version_id=version_id,
        category=MANUAL_CATEGORY,
        start=start,
        end=end,
        text_sealed=rt.sealer.seal(cv.owner_id, key, text.encode()),
        passage_hash=passage_hash(text),
        rule=MANUAL_RULE,
        confidence=1.0,
        decision=Decision.REMOVED,
        decided_at=utcnow(),
    )


def _own_flag(session: Session, owner: User, cv: Cv, flag_id: uuid.UUID | str) -> SensitiveFlag:
    if cv.owner_id != owner.id:
        raise NotFound("No such CV.")
    try:
        key = flag_id if isinstance(flag_id, uuid.UUID) else uuid.UUID(str(flag_id))
    except ValueError:
        raise NotFound("No such flag.") from None
    flag = session.get(SensitiveFlag, key)
    if flag is None or flag.version_id != cv.current_version_id:
        raise NotFound("No such flag.")
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
