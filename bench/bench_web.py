"""End-to-end search latency through the web app with concurrent clients.

Builds a throw-away cvbank (SQLite, embedded engine) holding N synthetic CVs — database rows
with sealed text and profiles, as uploads would leave them — rebuilds the index from the
database with `cvbank reindex`'s code path, serves the app on loopback (gunicorn with 4
workers as in production, or the threaded server `cvbank serve` uses) and sends the same query
mix from C concurrent clients through `GET /api/v1/search`, which includes the database
re-check of every hit and the access log.

    python -m bench.bench_web --n 10000 --clients 4 --requests 200 [--server werkzeug]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import insert, text
from werkzeug.serving import make_server

from bench.bench_search import PLACES, TEXTS, generate_profiles, percentile
from cvbank import create_app
from cvbank.accounts.models import Role
from cvbank.accounts.services import (
    add_recruiter,
    create_organisation,
    create_user,
    issue_api_token,
)
from cvbank.cvs.models import Cv, CvState, CvVersion, Visibility
from cvbank.db import utcnow
from cvbank.migrate import upgrade
from cvbank.search.indexing import rebuild_index

PASSWORD = "bench-password-1"  # noqa: S105 - a throw-away database
CVS_PER_OWNER = 50
BATCH = 2000


def _rows(rt: Any, n: int, owners: list[tuple[uuid.UUID, bytes]]) -> Iterator[tuple[list, list]]:
    cvs: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for i, doc in enumerate(generate_profiles(n)):
        owner_id, key = owners[i // CVS_PER_OWNER]
        cv_id, version_id = uuid.uuid4(), uuid.uuid4()
        profile = {
            "headline": doc.title,
            "location": doc.location,
            "years_experience": doc.years_experience,
            "skills": [{"label": s, "concept_id": s} for s in doc.skills],
            "languages": [{"language": lang, "level": None} for lang in doc.languages],
        }
        cvs.append(
            {
                "id": cv_id,
                "owner_id": owner_id,
                "title": doc.title,
                "visibility": Visibility.VISIBLE,
                "state": CvState.READY,
                "created_at": doc.updated_at,
                "updated_at": doc.updated_at,
            }
        )
        versions.append(
            {
                "id": version_id,
                "cv_id": cv_id,
                "number": 1,
                "file_ref": "0" * 32,
                "filename": "cv.pdf",
                "sha256": "0" * 64,
                "mime": "application/pdf",
                "size": 1,
                "language": doc.language,
                "parsed_at": doc.updated_at,
                "text_sealed": rt.sealer.seal(owner_id, key, doc.text.encode()),
                "profile_sealed": rt.sealer.seal(owner_id, key, json.dumps(profile).encode()),
            }
        )
        if len(cvs) == BATCH:
            yield cvs, versions
            cvs, versions = [], []
    if cvs:
        yield cvs, versions


def build(rt: Any, n: int) -> str:
    """Fill the database with N CVs and a recruiter; return the recruiter's API token."""
    with rt.db.transaction() as session:
        org = create_organisation(
            session, name="Bench AB", subscription_until=utcnow() + timedelta(days=30)
        )
        recruiter = create_user(
            session, rt.sealer, email="bench@example.com", password=PASSWORD, role=Role.RECRUITER
        )
        add_recruiter(session, org, recruiter)
        token = issue_api_token(session, recruiter, "bench")
        owners = []
        for i in range(n // CVS_PER_OWNER + 1):
            user = create_user(session, rt.sealer, email=f"owner{i}@example.com", password=None)
            owners.append(user.id)
    from cvbank.accounts.services import wrapped_key

    with rt.db.transaction() as session:
        keyed = [(owner, wrapped_key(session, owner) or b"") for owner in owners]
    for cvs, versions in _rows(rt, n, keyed):
        with rt.db.transaction() as session:
            session.execute(insert(Cv), cvs)
            session.execute(insert(CvVersion), versions)
            session.execute(
                Cv.__table__.update()
                .where(Cv.id.in_([c["id"] for c in cvs]))
                .values(current_version_id=CvVersion.__table__.c.id)
                .where(CvVersion.__table__.c.cv_id == Cv.id)
            )
    return token


def queries(count: int, seed: int = 11) -> list[dict[str, str]]:
    """Return the query mix: text, text + a filter, and browsing by a filter alone."""
    rng = random.Random(seed)
    mix = []
    for _ in range(count):
        params: dict[str, str] = {"q": rng.choice(TEXTS)}
        kind = rng.randrange(4)
        if kind == 1:
            params["min_years"] = str(rng.choice([2, 5, 10]))
        elif kind == 2:
            params["near"], params["radius"] = rng.choice(PLACES)[0], "50"
        elif kind == 3:
            params.pop("q")
            params["min_years"] = "5"
            params["lang"] = "en"
        mix.append(params)
    return mix


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="cvbank-bench-web-"))
    # An empty PostgreSQL database may be named instead of the embedded SQLite file.
    url = args.database_url or f"sqlite:///{workdir / 'cvbank.db'}"
    upgrade(url)
    settings = {
        "env": "testing",
        "var_dir": workdir,
        "database_url": url,
        "secret_key": "bench",
        "master_key": base64.b64encode(b"b" * 32).decode(),
        "rate_limits_enabled": False,
    }
    app = create_app(settings)
    rt = app.extensions["cvbank"]
    started = time.perf_counter()
    token = build(rt, args.n)
    if rt.db.is_postgres:
        # A bulk load leaves the planner without statistics (autovacuum would gather them
        # later); without them it joins users before looking CVs up by id, 80x slower.
        with rt.db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    indexed = rebuild_index(rt)
    rebuilt = time.perf_counter() - started

    rt.close()  # the web processes open their own readers
    server, port = _start_server(args.server, app, settings, args.workers)
    base = f"http://127.0.0.1:{port}/api/v1/search"
    mix = queries(args.requests * args.clients)
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        for params in mix[offset :: args.clients]:
            t0 = time.perf_counter()
            response = session.get(base, params=params, timeout=30)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    errors.append(response.status_code)

    try:
        for params in mix[:20]:  # warm the engine's readers and the page cache
            requests.get(
                base, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=30
            )
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server()
    return {
        "server": args.server if args.server == "werkzeug" else f"gunicorn -w {args.workers}",
        "database": url.split(":", 1)[0],
        "n": args.n,
        "clients": args.clients,
        "requests": len(latencies),
        "errors": len(errors),
        "load_seconds": round(loaded, 1),
        "rebuild_seconds": round(rebuilt, 1),
        "indexed": indexed,
        "rebuild_docs_per_second": round(indexed / rebuilt) if rebuilt else None,
        "throughput_rps": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
    }


def _start_server(
    kind: str, app: Any, settings: dict[str, Any], workers: int
) -> tuple[Callable[[], None], int]:
    """Serve the app as `cvbank serve` does (werkzeug, threads) or as in production (gunicorn)."""
    if kind == "werkzeug":
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server.shutdown, server.server_port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {**os.environ, **{f"CVBANK_{k.upper()}": str(v) for k, v in settings.items()}}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [
            gunicorn,
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "cvbank.wsgi:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10)
            break
        except requests.RequestException:  # not listening yet, or workers still starting
            time.sleep(0.2)

    def stop() -> None:
        process.terminate()
        process.wait(timeout=30)

    return stop, port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="CVs in the database")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="requests per client")
    parser.add_argument(
        "--server",
        choices=("werkzeug", "gunicorn"),
        default="gunicorn",
        help="werkzeug: as `cvbank serve`; gunicorn: as in production",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--database-url", default="", help="an EMPTY database (default: SQLite)")
    report = run(parser.parse_args(argv))
    print("End-to-end search through the web app (GET /api/v1/search)")
    for key, value in report.items():
        print(f"  {key:<26} {value}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
