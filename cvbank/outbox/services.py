"""Write jobs into the outbox and lease them out to workers, in order per key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from cvbank.db import Database, utcnow
from cvbank.outbox.models import OutboxJob

BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 3600


def enqueue(
    session: Session,
    kind: str,
    key: str,
    payload: dict[str, Any] | None = None,
    *,
    run_after: datetime | None = None,
) -> OutboxJob:
    """Add a job in the caller's transaction; it runs only if that transaction commits."""
    job = OutboxJob(kind=kind, key=key, payload=payload or {}, run_after=run_after or utcnow())
    session.add(job)
    return job


@dataclass(frozen=True)
class LeasedJob:
    """What a worker needs of a job it has leased."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int


def lease_next(db: Database, *, lease_seconds: float) -> LeasedJob | None:
    """Lease the oldest runnable job whose key has no earlier unfinished job; commit the lease."""
    now = utcnow()
    earlier = aliased(OutboxJob)
    pending = and_(OutboxJob.done_at.is_(None), OutboxJob.parked.is_(False))
    stmt = (
        select(OutboxJob)
        .where(
            pending,
            OutboxJob.run_after <= now,
            or_(OutboxJob.leased_until.is_(None), OutboxJob.leased_until < now),
            # Jobs for one key (one CV, one user) run strictly in the order they were written.
            ~exists().where(
                earlier.key == OutboxJob.key,
                earlier.id < OutboxJob.id,
                earlier.done_at.is_(None),
                earlier.parked.is_(False),
            ),
        )
        .order_by(OutboxJob.id)
        .limit(1)
    )
    if db.is_postgres:
        stmt = stmt.with_for_update(skip_locked=True, of=OutboxJob)
    with db.transaction() as session:
        job = session.scalars(stmt).first()
        if job is None:
            return None
        job.leased_until = now + timedelta(seconds=lease_seconds)
        job.attempts += 1
        return LeasedJob(job.id, job.kind, job.key, dict(job.payload), job.attempts)


def mark_done(db: Database, job_id: int) -> None:
    """Record that a job finished."""
    with db.transaction() as session:
        session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id)
            .values(done_at=utcnow(), leased_until=None, error=None)
        )


def mark_failed(db: Database, job: LeasedJob, error: str, *, max_attempts: int) -> bool:
    """Schedule a retry with back-off, or park the job; return whether it was parked."""
    parked = job.attempts >= max_attempts
    delay = min(BACKOFF_BASE_SECONDS * 2 ** (job.attempts - 1), BACKOFF_MAX_SECONDS)
    with db.transaction() as session:
        session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job.id)
            .values(
                leased_until=None,
                error=error[:4000],
                parked=parked,
                run_after=utcnow() + timedelta(seconds=delay),
            )
        )
    return parked


def retry_parked(session: Session, job_id: int | None = None) -> int:
    """Put parked jobs (or one) back in the queue; return how many."""
    stmt = update(OutboxJob).where(OutboxJob.parked.is_(True))
    if job_id is not None:
        stmt = stmt.where(OutboxJob.id == job_id)
    result = session.execute(stmt.values(parked=False, attempts=0, run_after=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def queue_stats(session: Session) -> dict[str, int]:
    """Count pending, leased and parked jobs."""
    from sqlalchemy import func

    now = utcnow()
    pending = (
        session.scalar(
            select(func.count()).where(OutboxJob.done_at.is_(None), OutboxJob.parked.is_(False))
        )
        or 0
    )
    leased = (
        session.scalar(
            select(func.count()).where(OutboxJob.done_at.is_(None), OutboxJob.leased_until > now)
        )
        or 0
    )
    parked = session.scalar(select(func.count()).where(OutboxJob.parked.is_(True))) or 0
    return {"pending": pending, "leased": leased, "parked": parked}
