"""The `cvbank` command against a real database and index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cvbank.cli import main
from cvbank.worker import Worker
from tests.conftest import SAMPLE_CV, make_pdf


@pytest.fixture
def cli(settings_overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    for key in ("var_dir", "database_url", "secret_key", "master_key", "env"):
        monkeypatch.setenv(f"CVBANK_{key.upper()}", str(settings_overrides[key]))

    def run(*args: str, input: str | None = None) -> Any:
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)

    return run


def test_reindex_rebuilds_the_index_from_the_database(
    cli: Any, rt: Any, make_user: Any, make_cv: Any
) -> None:
    owner = make_user()
    for i in range(3):
        make_cv(owner, f"Svetsare {i} med truckkort")
    make_cv(owner, "Dold svetsare", visibility="hidden")
    queued = cli("reindex", "--timeout", "0")  # no worker runs: it says so
    assert queued.exit_code != 0
    assert "is `cvbank worker` running?" in queued.output
    Worker(rt).drain()  # the worker runs the queued rebuild after the index jobs
    with rt.db.transaction() as session:
        from sqlalchemy import select

        from cvbank.outbox.models import OutboxJob

        rebuild = session.scalars(select(OutboxJob).where(OutboxJob.kind == "reindex")).one()
        assert rebuild.done_at is not None
    status = cli("index", "status").output
    assert "documents in index: 3" in status
    assert "searchable CVs in database: 3" in status
    busy = CliRunner().invoke(main, ["reindex", "--here"])  # the worker holds the writer
    assert busy.exit_code != 0
    assert "only the worker writes" in busy.output
    rt.close()  # the worker stops
    assert cli("reindex", "--here").output.strip() == "index rebuilt with 3 searchable CV(s)"


def test_parse_prints_one_json_object_per_file(cli: Any, tmp_path: Path) -> None:
    good = tmp_path / "cv.pdf"
    good.write_bytes(make_pdf(SAMPLE_CV))
    bad = tmp_path / "photo.pdf"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = cli("parse", str(good), str(bad), "--json")
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert first["ok"] is True
    assert first["profile"]["email"] == "karin.lindqvist@example.com"
    assert first["language"] == "sv"
    assert second["ok"] is False
    assert second["error"]["code"] == "unsupported_format"
    assert result.exit_code == 1


def test_flags_reads_stdin_and_prints_json(cli: Any) -> None:
    result = cli("flags", "--json", input="Personnummer: 811218-9876\nJag har diabetes.\n")
    categories = [flag["category"] for flag in json.loads(result.output)]
    assert categories == ["national_id", "health"]


def test_jobs_shows_parked_jobs_and_requeues_them(cli: Any, rt: Any) -> None:
    from sqlalchemy import update

    from cvbank.outbox.models import OutboxJob
    from cvbank.outbox.services import enqueue

    with rt.db.transaction() as session:
        enqueue(session, "mystery", key="x")
        session.flush()
        session.execute(update(OutboxJob).values(parked=True, error="LookupError: no handler"))
    listing = cli("jobs", "--parked").output
    assert "PARKED" in listing
    assert "no handler" in listing
    assert "re-queued 1 job(s)" in cli("jobs", "--retry-all").output


def test_a_bad_setting_stops_the_command_naming_it(cli: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("CVBANK_MAX_UPLOAD_MB", "lots")
    result = CliRunner().invoke(main, ["index", "status"])
    assert result.exit_code != 0
    assert "CVBANK_MAX_UPLOAD_MB" in result.output
