"""What candidates and employers do with CVs: upload, visibility, blocks, employer access."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from cvbank.accounts.models import Organisation, User, UserStatus
from cvbank.accounts.services import wrapped_key
from cvbank.cvs.models import (
    AccessAction,
    AccessEvent,
    Block,
    Cv,
    CvState,
    CvVersion,
    Visibility,
)
from cvbank.cvs.profiles import effective_profile
from cvbank.db import on_rollback, utcnow
from cvbank.errors import Conflict, FileTooLarge, NotFound, UnsupportedFile, ValidationError
from cvbank.outbox.services import enqueue
from cvbank.review.models import Decision, SensitiveFlag
from cvbank.runtime import Runtime
from indexer.errors import UnsupportedFile as IndexerUnsupportedFile
from indexer.extract import sniff
from indexer.flags import redact
from indexer.profile import build_profile

log = logging.getLogger(__name__)

MAX_FILENAME = 255
MAX_TITLE = 200
PUBLISHABLE = (Visibility.HIDDEN, Visibility.VISIBLE)


def _clean_filename(filename: str | None) -> str:
    name = (filename or "cv").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return (name or "cv")[:MAX_FILENAME]


def _title_from(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0].replace("_", " ").strip()
    return (stem or "CV")[:MAX_TITLE]


def upload_cv(
    session: Session,
    rt: Runtime,
    owner: User,
    *,
    filename: str | None,
    data: bytes,
    cv: Cv | None = None,
    title: str | None = None,
) -> Cv:
    """Store a new CV (or a new version of ``cv``) and queue its parsing, in one transaction."""
    if not data:
        raise ValidationError("file", "The file is empty.", code="empty_file")
    if len(data) > rt.settings.max_upload_bytes:
        raise FileTooLarge(
            f"The file is larger than {rt.settings.max_upload_mb} MB.", code="too_large"
        )
    try:
        mime = sniff(data)
    except IndexerUnsupportedFile as exc:
        raise UnsupportedFile(exc.message, code=exc.code) from exc
    filename = _clean_filename(filename)
    key = wrapped_key(session, owner.id)
    ref = rt.storage.put(rt.sealer.seal(owner.id, key, data))
    # If this transaction never commits, the sealed file must not linger on disk.
    on_rollback(session, lambda: rt.storage.delete(ref))

    if cv is None:
        cv = Cv(
            id=uuid.uuid4(),
            owner_id=owner.id,
            title=(title or _title_from(filename)).strip()[:MAX_TITLE] or "CV",
        )
        session.add(cv)
        number = 1
    else:
        number = max((v.number for v in cv.versions), default=0) + 1
    version = CvVersion(
        id=uuid.uuid4(),
        cv_id=cv.id,
        number=number,
        file_ref=ref,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        mime=mime,
        size=len(data),
    )
    session.add(version)
    session.flush()
    cv.current_version_id = version.id
    cv.state = CvState.PROCESSING
    cv.updated_at = utcnow()
    enqueue(session, "parse_version", key=str(cv.id), payload={"version_id": str(version.id)})
    log.info("cv %s version %s uploaded (%s, %d bytes)", cv.id, number, mime, len(data))
    return cv


def owned_cv(session: Session, owner: User, cv_id: uuid.UUID | str) -> Cv:
    """Return the owner's CV or raise ``NotFound``."""
    cv = _get_cv(session, cv_id)
    if cv is None or cv.owner_id != owner.id:
        raise NotFound("No such CV.")
    return cv


def _get_cv(session: Session, cv_id: uuid.UUID | str) -> Cv | None:
    try:
        key = cv_id if isinstance(cv_id, uuid.UUID) else uuid.UUID(str(cv_id))
    except ValueError:
        return None
    return session.get(Cv, key)


def list_cvs(session: Session, owner: User) -> list[Cv]:
    """Return the owner's CVs, most recently changed first."""
    return list(
        session.scalars(select(Cv).where(Cv.owner_id == owner.id).order_by(Cv.updated_at.desc()))
    )


def open_flags(session: Session, version_id: uuid.UUID | None) -> list[SensitiveFlag]:
    """Return the version's flags that still wait for a decision."""
    if version_id is None:
        return []
    return list(
        session.scalars(
            select(SensitiveFlag)
            .where(SensitiveFlag.version_id == version_id, SensitiveFlag.decision == Decision.OPEN)
            .order_by(SensitiveFlag.start)
        )
    )


def set_visibility(session: Session, owner: User, cv: Cv, visibility: str) -> Cv:
    """Change who may find the CV; publishing needs a parsed CV without open flags."""
    try:
        wanted = Visibility(visibility)
    except ValueError:
        raise ValidationError(
            "visibility", "Visibility must be 'visible' or 'hidden'.", code="invalid_visibility"
        ) from None
    if wanted not in PUBLISHABLE:
        raise ValidationError(
            "visibility", "Visibility must be 'visible' or 'hidden'.", code="invalid_visibility"
        )
    if cv.owner_id != owner.id:
        raise NotFound("No such CV.")
    if wanted is not Visibility.HIDDEN:
        if cv.state is CvState.PROCESSING:
            raise Conflict(
                "The CV is still being read. Try again in a moment.", code="cv_processing"
            )
        if cv.state is CvState.FAILED:
            raise Conflict("The CV could not be read, so it cannot be published.", code="cv_failed")
        flags = open_flags(session, cv.current_version_id)
        if flags:
            raise Conflict(
                f"Resolve the {len(flags)} sensitive-content flag(s) before publishing.",
                code="open_flags",
                open_flags=[str(f.id) for f in flags],
            )
    if cv.visibility is not wanted:
        cv.visibility = wanted
        cv.updated_at = utcnow()
        enqueue(session, "index_cv", key=str(cv.id), payload={"reason": f"visibility:{wanted}"})
        log.info("cv %s is now %s", cv.id, wanted)
    return cv


def delete_cv(session: Session, rt: Runtime, owner: User, cv: Cv) -> None:
    """Delete a CV with all its versions and files, and take it out of the index."""
    if cv.owner_id != owner.id:
        raise NotFound("No such CV.")
    refs = [v.file_ref for v in cv.versions]
    cv_id = str(cv.id)
    cv.current_version_id = None
    session.flush()
    session.delete(cv)
    enqueue(session, "index_cv", key=cv_id, payload={"reason": "deleted"})
    enqueue(session, "delete_files", key=cv_id, payload={"owner_id": str(owner.id), "refs": refs})


# --- Employers -------------------------------------------------------------------------------


def employer_visible(
    session: Session, org: Organisation, cv_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Cv]:
    """Return those of ``cv_ids`` this organisation may see now, according to the database.

    This is the one check behind every employer path (search hits, CV pages, the API): the CV is
    published, parsed, without open flags, its owner is active and has not blocked ``org``.
    """
    if not cv_ids:
        return {}
    stmt = (
        select(Cv)
        .join(User, User.id == Cv.owner_id)
        .where(
            Cv.id.in_(cv_ids),
            Cv.visibility != Visibility.HIDDEN,
            Cv.state == CvState.READY,
            User.status == UserStatus.ACTIVE,
            ~exists().where(Block.candidate_id == Cv.owner_id, Block.organisation_id == org.id),
            ~exists().where(
                SensitiveFlag.version_id == Cv.current_version_id,
                SensitiveFlag.decision == Decision.OPEN,
            ),
        )
    )
    return {cv.id: cv for cv in session.scalars(stmt)}


def cv_for_employer(session: Session, org: Organisation | None, cv_id: uuid.UUID | str) -> Cv:
    """Return a CV the organisation may open, or ``NotFound`` (never revealing that it exists)."""
    cv = _get_cv(session, cv_id)
    if cv is None or org is None or cv.id not in employer_visible(session, org, [cv.id]):
        raise NotFound("No such CV.")
    return cv


def record_access(
    session: Session, actor: User, org: Organisation | None, cvs: list[Cv], action: AccessAction
) -> None:
    """Log employer accesses so that the candidate can see them."""
    if cvs:
        now = utcnow()
        session.execute(
            insert(AccessEvent),
            [
                {
                    "id": uuid.uuid4(),
                    "actor_id": actor.id,
                    "organisation_id": org.id if org else None,
                    "candidate_id": cv.owner_id,
                    "cv_id": cv.id,
                    "action": action,
                    "at": now,
                }
                for cv in cvs
            ],
        )


def access_log(session: Session, owner: User, limit: int = 200) -> list[tuple[AccessEvent, str]]:
    """Return the latest employer accesses to the owner's CVs with the organisation's name."""
    rows = session.execute(
        select(AccessEvent, Organisation.name)
        .join(Organisation, Organisation.id == AccessEvent.organisation_id, isouter=True)
        .where(AccessEvent.candidate_id == owner.id)
        .order_by(AccessEvent.at.desc())
        .limit(limit)
    ).all()
    return [(event, name or "") for event, name in rows]


# --- Reading sealed data ---------------------------------------------------------------------


@dataclass(frozen=True)
class VersionContent:
    """The readable text and profile of a version, and its flags."""

    text: str
    profile: dict[str, Any]  # what was read, with the candidate's corrections laid over it
    extracted: dict[str, Any]
    corrections: dict[str, Any]
    flags: list[SensitiveFlag]
    language: str | None

    def for_employers(self) -> tuple[str, dict[str, Any]]:
        """Return the text and profile employers read: removed passages are cut from both."""
        return self._without([f for f in self.flags if f.decision is Decision.REMOVED])

    def index_profile(self) -> dict[str, Any]:
        """Return the profile the search index holds: read without any flagged passage."""
        return self._without(self.flags)[1]

    def _without(self, flags: Sequence[SensitiveFlag]) -> tuple[str, dict[str, Any]]:
        if not flags:
            return self.text, self.profile
        text = redact(self.text, [(f.start, f.end) for f in flags], " ")
        # The profile is read again from what is left, so that nothing found only inside a cut
        # passage (a job, a skill, a language) reaches employers; corrections still apply.
        extracted = build_profile(text, self.language).to_dict()
        return text, effective_profile(extracted, self.corrections)


def version_content(
    session: Session, rt: Runtime, cv: Cv, version: CvVersion | None = None
) -> VersionContent | None:
    """Unseal the text and profile of the CV's current (or given) version, if parsed."""
    version = version or cv.current_version
    if version is None or version.text_sealed is None:
        return None
    flags = list(
        session.scalars(
            select(SensitiveFlag)
            .where(SensitiveFlag.version_id == version.id)
            .order_by(SensitiveFlag.start)
        )
    )
    return unseal_content(rt, cv.owner_id, wrapped_key(session, cv.owner_id), version, flags)


def unseal_content(
    rt: Runtime,
    owner_id: uuid.UUID,
    key: bytes | None,
    version: CvVersion,
    flags: list[SensitiveFlag],
) -> VersionContent:
    """Open a parsed version's sealed text, profile and corrections with the owner's key."""

    def open_json(sealed: bytes | None) -> dict[str, Any]:
        return json.loads(rt.sealer.open(owner_id, key, sealed)) if sealed else {}

    text = rt.sealer.open(owner_id, key, version.text_sealed or b"").decode()
    extracted = open_json(version.profile_sealed)
    corrections = open_json(version.corrections_sealed)
    return VersionContent(
        text=text,
        profile=effective_profile(extracted, corrections),
        extracted=extracted,
        corrections=corrections,
        flags=flags,
        language=version.language,
    )


# --- Blocks ----------------------------------------------------------------------------------


def find_organisations(session: Session, text: str, limit: int = 20) -> list[Organisation]:
    """Return organisations whose name contains ``text`` (at least two characters)."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.name.ilike(pattern, escape="\\"))
            .order_by(Organisation.name)
            .limit(limit)
        )
    )


def list_blocks(session: Session, candidate: User) -> list[Organisation]:
    """Return the organisations the candidate blocks, by name."""
    return list(
        session.scalars(
            select(Organisation)
            .join(Block, Block.organisation_id == Organisation.id)
            .where(Block.candidate_id == candidate.id)
            .order_by(Organisation.name)
        )
    )


def _reindex_all(session: Session, candidate: User, reason: str) -> None:
    for cv_id in session.scalars(select(Cv.id).where(Cv.owner_id == candidate.id)):
        enqueue(session, "index_cv", key=str(cv_id), payload={"reason": reason})


def block_organisation(session: Session, candidate: User, organisation_id: str) -> Organisation:
    """Stop an organisation from seeing any of the candidate's CVs, in every path."""
    try:
        org = session.get(Organisation, uuid.UUID(str(organisation_id)))
    except ValueError:
        org = None
    if org is None:
        raise NotFound("No such organisation.")
    exists_already = session.scalar(
        select(Block.id).where(Block.candidate_id == candidate.id, Block.organisation_id == org.id)
    )
    if exists_already is None:
        session.add(Block(candidate_id=candidate.id, organisation_id=org.id))
        _reindex_all(session, candidate, "blocked")
        log.info("candidate %s blocked organisation %s", candidate.id, org.id)
    return org


def unblock_organisation(session: Session, candidate: User, organisation_id: str) -> None:
    """Lift a block."""
    try:
        key = uuid.UUID(str(organisation_id))
    except ValueError:
        raise NotFound("No such block.") from None
    block = session.scalar(
        select(Block).where(Block.candidate_id == candidate.id, Block.organisation_id == key)
    )
    if block is None:
        raise NotFound("No such block.")
    session.delete(block)
    _reindex_all(session, candidate, "unblocked")
