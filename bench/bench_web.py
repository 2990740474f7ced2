"""End-to-end search latency through the web app with concurrent clients.

Builds a throw-away cvbank (SQLite, embedded engine) holding N synthetic CVs — database rows
with sealed text and profiles, as uploads would leave them — rebuilds the index from the
database with `cvbank reindex`'s code path, serves the app on loopback (the threaded server
`cvbank serve` uses) and sends the same query mix from C concurrent clients through
`GET /api/v1/search`, which includes the database re-check of every hit and the access log.

    python -m bench.bench_web --n 10000 --clients 4 --requests 200
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import insert
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
    url = f"sqlite:///{workdir / 'cvbank.db'}"
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
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    indexed = rebuild_index(rt)
    rebuilt = time.perf_counter() - started

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/api/v1/search"
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

    for params in mix[:20]:  # warm the engine's reader and the page cache
        requests.get(base, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    server.shutdown()
    rt.close()
    return {
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="CVs in the database")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="requests per client")
    report = run(parser.parse_args(argv))
    print("End-to-end search through the web app (GET /api/v1/search)")
    for key, value in report.items():
        print(f"  {key:<26} {value}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
