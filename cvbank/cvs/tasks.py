"""Worker tasks for CVs: parse an uploaded version, sync a CV with the index, delete files.

Each task is idempotent: the outbox may run it again after a crash, so it reads the current
state from the database by id and makes the world match it.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cvbank.accounts.models import DataKey, User, UserStatus
from cvbank.accounts.services import wrapped_key
from cvbank.cvs.models import Block, Cv, CvState, CvVersion, Visibility
from cvbank.cvs.services import unseal_content
from cvbank.db import utcnow
from cvbank.outbox.services import enqueue
from cvbank.review.models import Decision, SensitiveFlag
from cvbank.review.services import carry_over_removals, passage_hash
from cvbank.runtime import Runtime
from indexer.documents import build_document
from indexer.errors import IndexerError
from indexer.extract import Limits, extract_isolated
from indexer.flags import detect_flags
from indexer.gazetteer import Gazetteer
from indexer.language import detect_language
from indexer.profile import build_profile
from indexer.search.base import IndexDocument

log = logging.getLogger(__name__)

PARSER_VERSION = "1"


def _limits(rt: Runtime) -> Limits:
    s = rt.settings
    return Limits(
        max_bytes=s.max_upload_bytes,
        max_pages=s.extract_max_pages,
        cpu_seconds=s.extract_cpu_seconds,
        memory_mb=s.extract_memory_mb,
        wall_seconds=s.extract_timeout_seconds,
    )


def parse_version(rt: Runtime, payload: dict[str, Any]) -> None:
    """Extract text, build the profile and detect sensitive passages of one version."""
    version_id = uuid.UUID(payload["version_id"])
    with rt.db.transaction() as session:
        version = session.get(CvVersion, version_id)
        if version is None or version.parsed_at is not None:
            return  # deleted meanwhile, or already parsed by an earlier run of this job
        owner_id = version.cv.owner_id
        sealed = rt.storage.get(version.file_ref)
        data = rt.sealer.open(owner_id, wrapped_key(session, owner_id), sealed)

    # The slow, risky part runs outside any transaction, in an isolated child process.
    try:
        extraction = extract_isolated(data, _limits(rt))
        text = extraction.text
        if not text.strip():
            raise IndexerError("No text was found in this file.", code="no_text")
        language = detect_language(text)
        profile = build_profile(text, language).to_dict()
        flags = detect_flags(text, language)
    except IndexerError as exc:
        log.info("version %s failed to parse: %s (%s)", version_id, exc.message, exc.code)
        _record_failure(rt, version_id, exc.code, exc.message)
        return

    with rt.db.transaction() as session:
        version = session.get(CvVersion, version_id)
        if version is None or version.parsed_at is not None:
            return
        cv = version.cv
        key = wrapped_key(session, cv.owner_id)
        version.text_sealed = rt.sealer.seal(cv.owner_id, key, text.encode())
        version.profile_sealed = rt.sealer.seal(cv.owner_id, key, json.dumps(profile).encode())
        version.language = language
        version.pages = extraction.pages
        version.extraction_method = extraction.method
        version.parser_version = PARSER_VERSION
        version.parsed_at = utcnow()
        previous = _previous_decisions(session, cv, version)
        for flag in flags:
            passage = passage_hash(flag.text)
            decision, decided_at, consent_id = previous.get(
                (flag.category, passage), (Decision.OPEN, None, None)
            )
            session.add(
                SensitiveFlag(
                    version_id=version.id,
                    category=flag.category,
                    start=flag.start,
                    end=flag.end,
                    text_sealed=rt.sealer.seal(cv.owner_id, key, flag.text.encode()),
                    passage_hash=passage,
                    rule=flag.rule,
                    confidence=flag.confidence,
                    decision=decision,
                    decided_at=decided_at,
                    consent_id=consent_id,
                )
            )
        removed = carry_over_removals(session, rt, cv, version, text, key)
        session.flush()
        if cv.current_version_id == version.id:
            has_open = any(
                previous.get((f.category, passage_hash(f.text)), (Decision.OPEN,))[0]
                is Decision.OPEN
                for f in flags
            )
            cv.state = CvState.NEEDS_REVIEW if has_open else CvState.READY
            cv.updated_at = utcnow()
            enqueue(session, "index_cv", key=str(cv.id), payload={"reason": "parsed"})
        log.info(
            "version %s parsed: %s, %d chars, %d flag(s), %d passage(s) removed as before",
            version_id,
            language,
            len(text),
            len(flags),
            len(removed),
        )


def _previous_decisions(
    session: Session, cv: Cv, version: CvVersion
) -> dict[tuple[str, str], tuple[Decision, Any, Any]]:
    """Return decisions made on earlier versions, by (category, identical passage)."""
    rows = session.scalars(
        select(SensitiveFlag)
        .join(CvVersion, CvVersion.id == SensitiveFlag.version_id)
        .where(
            CvVersion.cv_id == cv.id,
            CvVersion.id != version.id,
            SensitiveFlag.decision != Decision.OPEN,
        )
        .order_by(SensitiveFlag.decided_at)
    )
    return {(f.category, f.passage_hash): (f.decision, f.decided_at, f.consent_id) for f in rows}


def _record_failure(rt: Runtime, version_id: uuid.UUID, code: str, message: str) -> None:
    with rt.db.transaction() as session:
        version = session.get(CvVersion, version_id)
        if version is None:
            return
        version.error_code = code
        version.error_message = message[:500]
        version.parsed_at = utcnow()
        cv = version.cv
        if cv.current_version_id == version.id:
            cv.state = CvState.FAILED
            cv.updated_at = utcnow()
            # A failed version is never searchable; if an older one was, take it out.
            enqueue(session, "index_cv", key=str(cv.id), payload={"reason": "failed"})


def searchable_documents(
    session: Session, rt: Runtime, cv_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, IndexDocument]:
    """Return the index documents of those CVs that employers may find (a few queries in all).

    A CV is searchable when it is published, parsed, without open flags, and its owner is
    active. Every flagged span is cut from the document's text (``build_document``).
    """
    rows = session.execute(
        select(Cv, CvVersion, DataKey.wrapped_key)
        .join(CvVersion, CvVersion.id == Cv.current_version_id)
        .join(User, User.id == Cv.owner_id)
        .outerjoin(DataKey, DataKey.user_id == Cv.owner_id)
        .where(
            Cv.id.in_(cv_ids),
            Cv.visibility != Visibility.HIDDEN,
            Cv.state == CvState.READY,
            User.status == UserStatus.ACTIVE,
            CvVersion.text_sealed.is_not(None),
        )
    ).all()
    flags: dict[uuid.UUID, list[SensitiveFlag]] = defaultdict(list)
    for flag in session.scalars(
        select(SensitiveFlag).where(
            SensitiveFlag.version_id.in_([version.id for _, version, _ in rows])
        )
    ):
        flags[flag.version_id].append(flag)
    blocks: dict[uuid.UUID, list[str]] = defaultdict(list)
    for owner_id, org_id in session.execute(
        select(Block.candidate_id, Block.organisation_id).where(
            Block.candidate_id.in_({cv.owner_id for cv, _, _ in rows})
        )
    ):
        blocks[owner_id].append(str(org_id))
    documents = {}
    for cv, version, key in rows:
        version_flags = flags[version.id]
        if any(f.decision is Decision.OPEN for f in version_flags):
            continue
        content = unseal_content(rt, cv.owner_id, key, version, version_flags)
        profile = content.index_profile()
        documents[cv.id] = build_document(
            cv_id=str(cv.id),
            version_id=str(version.id),
            visibility=cv.visibility.value,
            language=version.language,
            text=content.text,
            profile=profile,
            title=cv.title,
            sensitive_spans=[(f.start, f.end) for f in version_flags],
            blocked_orgs=blocks[cv.owner_id],
            updated_at=cv.updated_at,
            geo=_geo(profile),
        )
    return documents


def searchable_document(session: Session, rt: Runtime, cv_id: uuid.UUID) -> IndexDocument | None:
    """Return the index document for a CV, or None if employers must not find it."""
    return searchable_documents(session, rt, [cv_id]).get(cv_id)


def _geo(profile: dict[str, Any]) -> tuple[float, float] | None:
    location = profile.get("location")
    if not location:
        return None
    place = Gazetteer.load().lookup(location)
    return (place.lat, place.lon) if place else None


def index_cv(rt: Runtime, key: str) -> None:
    """Make the index agree with the database about one CV."""
    with rt.db.transaction() as session:
        document = searchable_document(session, rt, uuid.UUID(key))
    engine = rt.search_engine(writer=True)
    if document is None:
        engine.delete([key])
    else:
        engine.upsert([document])


def delete_files(rt: Runtime, payload: dict[str, Any]) -> None:
    """Remove the stored files of a deleted CV."""
    for ref in payload.get("refs", []):
        rt.storage.delete(ref)
