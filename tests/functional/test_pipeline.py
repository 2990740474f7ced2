"""The outbox pipeline: order per key, retries, parking, crash safety, several workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from cvbank.cvs.models import Cv, Visibility
from cvbank.cvs.tasks import searchable_document
from cvbank.db import utcnow
from cvbank.outbox.models import OutboxJob
from cvbank.outbox.services import enqueue
from cvbank.worker import Worker


def _queue(rt: Any, *jobs: tuple[str, str]) -> None:
    with rt.db.transaction() as session:
        for kind, key in jobs:
            enqueue(session, kind, key)


def test_jobs_for_one_key_run_in_the_order_they_were_written(rt: Any) -> None:
    ran: list[str] = []
    handlers = {"note": lambda _rt, job: ran.append(f"{job.key}:{job.id}")}
    _queue(rt, ("note", "a"), ("note", "b"), ("note", "a"), ("note", "b"))
    Worker(rt, handlers).drain()
    assert [r.split(":")[0] for r in ran] == ["a", "b", "a", "b"]
    assert ran == sorted(ran, key=lambda r: int(r.split(":")[1]))


def test_a_failing_job_holds_back_later_jobs_of_its_key_but_not_others(rt: Any) -> None:
    ran: list[str] = []

    def handler(_rt: Any, job: Any) -> None:
        if job.key == "bad":
            raise RuntimeError("engine down")
        ran.append(job.key)

    _queue(rt, ("note", "bad"), ("note", "bad"), ("note", "good"))
    Worker(rt, {"note": handler}).drain()
    assert ran == ["good"]
    with rt.db.transaction() as session:
        first = session.scalars(select(OutboxJob).order_by(OutboxJob.id)).first()
        assert first is not None
        assert first.attempts == 1
        assert "engine down" in (first.error or "")
        assert first.run_after > first.created_at  # backed off


def test_a_job_that_keeps_failing_is_parked_with_its_error(rt: Any) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    def handler(_rt: Any, _job: Any) -> None:
        raise ValueError("broken file")

    _queue(rt, ("note", "x"))
    worker = Worker(rt, {"note": handler})
    for _ in range(rt.settings.job_max_attempts):
        with rt.db.transaction() as session:  # skip the back-off wait
            session.execute(update(OutboxJob).values(run_after=utcnow() - timedelta(seconds=1)))
        assert worker.run_once()
    assert not worker.run_once()
    with rt.db.transaction() as session:
        job = session.scalars(select(OutboxJob)).one()
        assert job.parked
        assert job.done_at is None
        assert "broken file" in (job.error or "")


def test_an_unknown_job_kind_is_an_error_not_a_silent_success(rt: Any) -> None:
    _queue(rt, ("mystery", "k"))
    Worker(rt, {}).run_once()
    with rt.db.transaction() as session:
        job = session.scalars(select(OutboxJob)).one()
        assert job.done_at is None
        assert "no handler" in (job.error or "")


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_several_workers_never_run_a_job_twice(rt: Any) -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def handler(_rt: Any, job: Any) -> None:
        time.sleep(0.002)
        with lock:
            seen.append(job.id)

    _queue(rt, *[("note", f"k{i}") for i in range(200)])
    workers = [Worker(rt, {"note": handler}) for _ in range(4)]
    threads = [threading.Thread(target=w.drain) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(seen) == 200
    assert len(set(seen)) == 200


def _index_matches_database(rt: Any) -> tuple[set[str], set[str]]:
    with rt.db.transaction() as session:
        ids = list(session.scalars(select(Cv.id)))
        expected = {str(i) for i in ids if searchable_document(session, rt, i) is not None}
    engine = rt.search_engine()
    from indexer.search.base import ProfileQuery

    result = engine.search(ProfileQuery(text="", per_page=100, facets=False))
    return expected, {hit.cv_id for hit in result.hits}


def test_killing_the_worker_mid_batch_loses_no_index_update(
    rt: Any, settings_overrides: dict[str, Any], make_user: Any, make_cv: Any
) -> None:
    owner = make_user()
    cv_ids = [make_cv(owner, f"Lagerarbetare nummer {i} truckkort") for i in range(60)]
    with rt.db.transaction() as session:  # hide every third one again: more jobs, same keys
        for cv_id in cv_ids[::3]:
            cv = session.get(Cv, cv_id)
            cv.visibility = Visibility.HIDDEN
            enqueue(session, "index_cv", key=str(cv_id))

    env = {
        **os.environ,
        **{
            f"CVBANK_{k.upper()}": str(v)
            for k, v in settings_overrides.items()
            if k in ("var_dir", "database_url", "secret_key", "master_key", "env")
        },
        "CVBANK_JOB_LEASE_SECONDS": "21",
        "CVBANK_EXTRACT_TIMEOUT_SECONDS": "20",
        "CVBANK_WORKER_POLL_SECONDS": "0.05",
    }
    command = [sys.executable, "-m", "cvbank.cli", "worker"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # kill it once it is part-way through the batch
            with rt.db.transaction() as session:
                done = len(
                    list(
                        session.scalars(select(OutboxJob.id).where(OutboxJob.done_at.is_not(None)))
                    )
                )
            if done >= 10:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    with rt.db.transaction() as session:
        left = len(list(session.scalars(select(OutboxJob.id).where(OutboxJob.done_at.is_(None)))))
    assert left > 0, "the worker finished before it was killed; the test proved nothing"

    # Restart: leases of the killed worker run out, and the rest of the queue drains.
    from datetime import timedelta

    from sqlalchemy import update

    with rt.db.transaction() as session:  # time travel past the lease instead of sleeping
        session.execute(
            update(OutboxJob)
            .where(OutboxJob.leased_until.is_not(None))
            .values(leased_until=utcnow() - timedelta(seconds=1))
        )
    subprocess.run([*command, "--drain"], env=env, check=True, capture_output=True, timeout=120)
    expected, indexed = _index_matches_database(rt)
    assert len(expected) == 40
    assert indexed == expected


def test_a_hidden_cv_never_leaks_while_cvs_are_hidden_during_searches(
    rt: Any, make_user: Any, make_cv: Any, make_recruiter: Any
) -> None:
    from cvbank.accounts.models import User
    from cvbank.search.services import make_query, recruiter_organisation, run_query, visible_page

    owner = make_user()
    cv_ids = [make_cv(owner, f"Sjuksköterska {i} i Malmö") for i in range(30)]
    Worker(rt).drain()
    recruiter = make_recruiter()
    with rt.db.transaction() as session:
        org = recruiter_organisation(session.get(User, recruiter.id))
    hidden: set[uuid.UUID] = set()
    leaks: list[uuid.UUID] = []
    stop = threading.Event()

    def hide_all() -> None:
        for cv_id in cv_ids:
            with rt.db.transaction() as session:
                cv = session.get(Cv, cv_id)
                cv.visibility = Visibility.HIDDEN
                enqueue(session, "index_cv", key=str(cv_id))
            hidden.add(cv_id)
        stop.set()

    thread = threading.Thread(target=hide_all)
    thread.start()
    while not stop.is_set():
        hidden_before = set(hidden)
        # As the views do: ask the engine outside a transaction, then re-check in one.
        answer = run_query(rt, org, make_query(rt, MultiDict({"q": "sjuksköterska"})))
        with rt.db.transaction() as session:
            page = visible_page(session, session.get(User, recruiter.id), org, answer)
        leaks += [cv.id for _, cv in page.hits if cv.id in hidden_before]
    thread.join()
    assert leaks == []
