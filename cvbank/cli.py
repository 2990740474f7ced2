"""The ``cvbank`` command: serve, work, migrate, seed, administer, parse and inspect."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from cvbank.settings import SettingsError, load_settings

log = logging.getLogger("cvbank")


class Context:
    """Settings and runtime, built on first use so that ``--help`` needs no configuration."""

    def __init__(self) -> None:
        self._runtime: Any = None

    @property
    def runtime(self) -> Any:
        if self._runtime is None:
            from cvbank.runtime import build_runtime

            try:
                self._runtime = build_runtime(load_settings())
            except SettingsError as exc:
                raise click.ClickException(str(exc)) from exc
            # Release the database pool and the index when the command ends.
            click.get_current_context().call_on_close(self._runtime.close)
        return self._runtime


pass_ctx = click.make_pass_decorator(Context, ensure=True)


class Group(click.Group):
    """A command group that reports domain errors as one line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from cvbank.errors import CvbankError

        try:
            return super().invoke(ctx)
        except CvbankError as exc:
            raise click.ClickException(exc.message) from exc


@click.group(cls=Group)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def main(verbose: bool) -> None:
    """cvbank: a self-hostable CV database."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not run a worker thread in this process.")
@pass_ctx
def serve(ctx: Context, host: str, port: int, no_worker: bool) -> None:
    """Run the web app, with a worker thread (the embedded mode)."""
    from werkzeug.serving import run_simple

    from cvbank import create_app
    from cvbank.worker import start_thread

    rt = ctx.runtime
    app = create_app(rt.settings, runtime=rt)
    worker = None
    if not no_worker and rt.settings.in_process_worker:
        worker, _ = start_thread(rt)
    click.echo(f"cvbank is running at http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if worker is not None:
            worker.stop()


@main.command()
@click.option("--drain", is_flag=True, help="Run the jobs that are due, then exit.")
@pass_ctx
def worker(ctx: Context, drain: bool) -> None:
    """Run outbox jobs: parsing, indexing, mail."""
    import signal

    from cvbank.worker import Worker

    w = Worker(ctx.runtime)
    if drain:
        click.echo(f"ran {w.drain()} job(s)")
        return
    signal.signal(signal.SIGTERM, lambda *_: w.stop())
    try:
        w.run_forever()
    except KeyboardInterrupt:
        w.stop()


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_ctx
def db_upgrade(ctx: Context, revision: str) -> None:
    """Apply the migrations."""
    from cvbank.migrate import upgrade

    upgrade(ctx.runtime.settings.database_url, revision)
    click.echo("database is up to date")


def _password_option(env: str) -> Any:
    return click.option(
        "--password",
        envvar=env,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help=f"Or set {env}.",
    )


@main.command("create-admin")
@click.option("--email", required=True)
@_password_option("CVBANK_NEW_PASSWORD")
@pass_ctx
def create_admin(ctx: Context, email: str, password: str) -> None:
    """Create an operator (admin) account."""
    from cvbank.accounts.models import Role
    from cvbank.accounts.services import create_user

    rt = ctx.runtime
    with rt.db.transaction() as session:
        create_user(
            session, rt.sealer, email=email, password=password, role=Role.ADMIN, verified=True
        )
    click.echo(f"admin {email} created")


@main.command("create-org")
@click.argument("name")
@click.option("--org-number", default=None)
@click.option("--seats", default=5, show_default=True, type=int)
@click.option(
    "--months", default=12, show_default=True, type=int, help="Subscription length from today."
)
@pass_ctx
def create_org(ctx: Context, name: str, org_number: str | None, seats: int, months: int) -> None:
    """Create an employer organisation with a subscription."""
    from datetime import timedelta

    from cvbank.accounts.services import create_organisation
    from cvbank.db import utcnow

    rt = ctx.runtime
    with rt.db.transaction() as session:
        org = create_organisation(
            session,
            name=name,
            org_number=org_number,
            seats=seats,
            subscription_until=utcnow() + timedelta(days=30 * months),
        )
        click.echo(f"organisation {org.name} created with id {org.id}")


@main.command("create-recruiter")
@click.option("--org", "org_name", required=True, help="Organisation name or id.")
@click.option("--email", required=True)
@click.option("--name", default="")
@_password_option("CVBANK_NEW_PASSWORD")
@pass_ctx
def create_recruiter(ctx: Context, org_name: str, email: str, name: str, password: str) -> None:
    """Create a recruiter account in an organisation."""
    from cvbank.accounts.models import Role
    from cvbank.accounts.services import add_recruiter, create_user, find_organisation

    rt = ctx.runtime
    with rt.db.transaction() as session:
        org = find_organisation(session, org_name)
        user = create_user(
            session,
            rt.sealer,
            email=email,
            password=password,
            name=name,
            role=Role.RECRUITER,
            verified=True,
        )
        add_recruiter(session, org, user)
    click.echo(f"recruiter {email} created in {org_name}")


@main.command()
@click.option("--parked", is_flag=True, help="Only parked jobs.")
@click.option("--retry", "retry_id", type=int, default=None, help="Re-queue a parked job.")
@click.option("--retry-all", is_flag=True, help="Re-queue every parked job.")
@pass_ctx
def jobs(ctx: Context, parked: bool, retry_id: int | None, retry_all: bool) -> None:
    """Show the outbox queue; re-queue parked jobs."""
    from sqlalchemy import select

    from cvbank.outbox.models import OutboxJob
    from cvbank.outbox.services import queue_stats, retry_parked

    rt = ctx.runtime
    with rt.db.transaction() as session:
        if retry_id is not None or retry_all:
            click.echo(f"re-queued {retry_parked(session, retry_id)} job(s)")
            return
        stmt = select(OutboxJob).where(OutboxJob.done_at.is_(None)).order_by(OutboxJob.id)
        if parked:
            stmt = stmt.where(OutboxJob.parked.is_(True))
        stats = queue_stats(session)
        click.echo("pending {pending}, leased {leased}, parked {parked}".format(**stats))
        for job in session.scalars(stmt.limit(200)):
            status = "PARKED" if job.parked else "pending"
            click.echo(
                f"{job.id:>6} {status:<7} {job.kind:<14} {job.key:<38} "
                f"attempts={job.attempts} run_after={job.run_after:%Y-%m-%d %H:%M:%S}"
            )
            if job.error:
                click.echo(f"       error: {job.error.splitlines()[-1][:200]}")


@main.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per file.")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """Extract text and a profile from CV files, as the worker would."""
    from indexer.errors import IndexerError
    from indexer.extract import extract_isolated
    from indexer.flags import detect_flags
    from indexer.language import detect_language
    from indexer.profile import build_profile

    failed = False
    for path in files:
        result: dict[str, Any] = {
            "file": str(path),
            "ok": False,
            "error": None,
            "language": None,
            "text": None,
            "profile": None,
            "flags": [],
        }
        try:
            text = extract_isolated(path.read_bytes()).text
            language = detect_language(text)
            result.update(
                ok=True,
                language=language,
                text=text,
                profile=build_profile(text, language).to_dict(),
                flags=[f.to_dict() for f in detect_flags(text, language)],
            )
        except IndexerError as exc:
            failed = True
            result["error"] = {"code": exc.code, "message": exc.message}
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        elif result["ok"]:
            profile = result["profile"]
            click.echo(
                f"{path}: {result['language']}, {len(text)} characters, "
                f"name={profile.get('name')!r}, {len(profile.get('experience', []))} "
                f"job(s), {len(result['flags'])} flag(s)"
            )
        else:
            click.echo(f"{path}: {result['error']['code']}: {result['error']['message']}")
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="A JSON array of flags.")
@click.option("--language", default=None, help="sv, nb, nn, da or en (default: detect).")
def flags(as_json: bool, language: str | None) -> None:
    """Find sensitive-category passages in text read from standard input."""
    from indexer.flags import detect_flags

    text = sys.stdin.read()
    found = detect_flags(text, language)
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in found], ensure_ascii=False))
        return
    for flag in found:
        click.echo(
            f"{flag.start}-{flag.end} {flag.category} ({flag.rule}, "
            f"{flag.confidence:.2f}): {flag.text}"
        )


@main.command()
@click.option("--here", is_flag=True, help="Rebuild in this process (when no worker runs).")
@click.option("--timeout", default=3600, show_default=True, help="Seconds to wait for the worker.")
@pass_ctx
def reindex(ctx: Context, here: bool, timeout: int) -> None:
    """Rebuild the search index from the database and swap it in without downtime.

    By default the rebuild is queued for the worker, the one process that writes the index,
    and this command waits for it; searches keep answering from the old index meanwhile.
    """
    import time

    from cvbank.outbox.models import OutboxJob
    from cvbank.outbox.services import enqueue
    from cvbank.search.indexing import rebuild_index

    rt = ctx.runtime
    if here:
        from indexer.errors import IndexerError

        try:
            click.echo(f"index rebuilt with {rebuild_index(rt)} searchable CV(s)")
        except IndexerError as exc:
            raise click.ClickException(exc.message) from exc
        return
    with rt.db.transaction() as session:
        job = enqueue(session, "reindex", key="index:rebuild")
        session.flush()
        job_id = job.id
    click.echo(f"rebuild queued as job {job_id}; waiting for the worker (Ctrl+C stops waiting)")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with rt.db.transaction() as session:
            job = session.get(OutboxJob, job_id)
            assert job is not None
            if job.done_at is not None:
                click.echo("index rebuilt")
                return
            if job.parked:
                raise click.ClickException(f"the rebuild failed: {job.error}")
        time.sleep(1)
    raise click.ClickException(
        "no worker finished the rebuild in time; is `cvbank worker` running?"
    )


@main.group()
def index() -> None:
    """Search index commands."""


@index.command("status")
@pass_ctx
def index_status(ctx: Context) -> None:
    """Show documents in the index, searchable CVs in the database, and the queue."""
    from cvbank.search.indexing import index_status as status

    for key, value in status(ctx.runtime).items():
        click.echo(f"{key}: {value}")


@main.command("demo-code")
def demo_code() -> None:
    """Print the current two-factor code of the demo recruiters (demo data only)."""
    import pyotp

    from cvbank.demo import DEMO_TOTP_SECRET

    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@main.command("reset-2fa")
@click.option("--email", required=True)
@pass_ctx
def reset_2fa(ctx: Context, email: str) -> None:
    """Turn off a user's two-factor sign-in (they lost the phone and the recovery codes)."""
    from cvbank.accounts.services import find_user_by_email
    from cvbank.accounts.totp import disable_totp

    rt = ctx.runtime
    with rt.db.transaction() as session:
        user = find_user_by_email(session, email)
        if user is None:
            raise click.ClickException(f"no user {email}")
        disable_totp(session, user)
    log.warning("two-factor sign-in of %s turned off by an operator", email)
    click.echo(f"two-factor sign-in turned off for {email}; they enrol again at the next sign-in")


@main.command("seed-demo")
@click.option(
    "--fixtures",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("fixtures/cvs"),
    show_default=True,
)
@pass_ctx
def seed_demo(ctx: Context, fixtures: Path) -> None:
    """Load demo organisations, recruiters and candidates with CVs (idempotent)."""
    from cvbank.demo import seed

    for line in seed(ctx.runtime, fixtures):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
