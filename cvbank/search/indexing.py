"""Rebuild the whole index from the database, and report how it compares."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from cvbank.cvs.models import Cv, CvState, Visibility
from cvbank.cvs.tasks import searchable_documents
from cvbank.outbox.services import queue_stats
from cvbank.runtime import Runtime
from indexer.search.base import IndexDocument

log = logging.getLogger(__name__)
BATCH = 500


def _documents(rt: Runtime) -> Iterator[IndexDocument]:
    """Yield the index document of every searchable CV, reading the database in batches."""
    last = None
    while True:
        with rt.db.transaction() as session:
            stmt = (
                select(Cv.id)
                .where(Cv.visibility != Visibility.HIDDEN, Cv.state == CvState.READY)
                .order_by(Cv.id)
                .limit(BATCH)
            )
            if last is not None:
                stmt = stmt.where(Cv.id > last)
            ids = list(session.scalars(stmt))
            documents = searchable_documents(session, rt, ids)
        if not ids:
            return
        last = ids[-1]
        yield from (documents[cv_id] for cv_id in ids if cv_id in documents)


def rebuild_index(rt: Runtime) -> int:
    """Write a new index generation from the database and swap it in; return its size."""
    count = 0

    def counted() -> Iterator[IndexDocument]:
        nonlocal count
        for document in _documents(rt):
            count += 1
            yield document

    rt.search_engine(writer=True).rebuild(counted())
    log.info("index rebuilt with %d document(s)", count)
    return count


def index_status(rt: Runtime) -> dict[str, Any]:
    """Compare the index with the database and show the queue."""
    with rt.db.transaction() as session:
        searchable = (
            session.scalar(
                select(func.count())
                .select_from(Cv)
                .where(Cv.visibility != Visibility.HIDDEN, Cv.state == CvState.READY)
            )
            or 0
        )
        stats = queue_stats(session)
    return {
        "engine": rt.settings.search_engine,
        "documents in index": rt.search_engine().count(),
        "searchable CVs in database": searchable,
        "jobs pending": stats["pending"],
        "jobs parked": stats["parked"],
    }
