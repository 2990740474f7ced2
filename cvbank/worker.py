"""The worker: runs outbox jobs with retries, back-off and parking of jobs that keep failing."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable

from cvbank.outbox.services import LeasedJob, lease_next, mark_done, mark_failed
from cvbank.runtime import Runtime

log = logging.getLogger(__name__)

Handler = Callable[[Runtime, LeasedJob], object]


def _handlers() -> dict[str, Handler]:
    from cvbank.cvs import tasks as cv_tasks
    from cvbank.mail_tasks import send_mail
    from cvbank.search.indexing import rebuild_index

    return {
        "parse_version": lambda rt, job: cv_tasks.parse_version(rt, job.payload),
        "index_cv": lambda rt, job: cv_tasks.index_cv(rt, job.key),
        "delete_files": lambda rt, job: cv_tasks.delete_files(rt, job.payload),
        "send_mail": lambda rt, job: send_mail(rt, job.payload),
        "reindex": lambda rt, job: rebuild_index(rt),
    }


class Worker:
    """Take jobs from the outbox one at a time until told to stop."""

    def __init__(self, rt: Runtime, handlers: dict[str, Handler] | None = None) -> None:
        self.rt = rt
        self.handlers = handlers or _handlers()
        self.stopping = threading.Event()

    def run_once(self) -> bool:
        """Run one job if there is one; return whether there was."""
        job = lease_next(self.rt.db, lease_seconds=self.rt.settings.job_lease_seconds)
        if job is None:
            return False
        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            handler(self.rt, job)
        except Exception as exc:
            parked = mark_failed(
                self.rt.db, job, _describe(exc), max_attempts=self.rt.settings.job_max_attempts
            )
            log.log(
                logging.ERROR if parked else logging.WARNING,
                "job %s (%s %s) failed on attempt %d%s: %s",
                job.id,
                job.kind,
                job.key,
                job.attempts,
                ", parked" if parked else ", will retry",
                exc,
                exc_info=parked,
            )
            return True
        mark_done(self.rt.db, job.id)
        log.debug("job %s (%s %s) done", job.id, job.kind, job.key)
        return True

    def drain(self, max_jobs: int = 10_000) -> int:
        """Run jobs until none is runnable now; return how many ran (tests, seeding, CLI)."""
        count = 0
        while count < max_jobs and self.run_once():
            count += 1
        return count

    def run_forever(self) -> None:
        """Poll the outbox until ``stop`` is called."""
        log.info("worker started")
        _train_flag_model()
        while not self.stopping.is_set():
            try:
                busy = self.run_once()
            except Exception:
                # The database itself failed (not a job): wait and try again rather than die.
                log.exception("worker could not reach the outbox")
                busy = False
            if not busy:
                self.stopping.wait(self.rt.settings.worker_poll_seconds)
        log.info("worker stopped")

    def stop(self) -> None:
        """Ask ``run_forever`` to return after the current job."""
        self.stopping.set()


def _train_flag_model() -> None:
    """Train the sensitive-content model now, so that the first CV does not wait for it."""
    from indexer.flags.model import default_model

    started = time.perf_counter()
    default_model()
    log.info("flag model trained in %.1f s", time.perf_counter() - started)


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def start_thread(rt: Runtime) -> tuple[Worker, threading.Thread]:
    """Run a worker in a daemon thread of this process (embedded mode)."""
    worker = Worker(rt)
    thread = threading.Thread(target=worker.run_forever, name="cvbank-worker", daemon=True)
    thread.start()
    return worker, thread
