"""Tests that every file of the bad-file corpus ends with its expected code, within limits."""

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from indexer.extract import Limits, run_isolated

BAD = Path(__file__).resolve().parents[4] / "fixtures" / "bad"
EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text())
# The promise for every bad file: a clear error within 10 s and 512 MB.
LIMITS = Limits(wall_seconds=10.0, memory_mb=512)


def test_corpus_covers_at_least_25_files():
    assert len(EXPECTED) >= 25
    assert sorted(EXPECTED) == sorted(
        p.name for p in BAD.iterdir() if p.suffix not in (".py", ".json")
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_ends_with_expected_code(name):
    report = run_isolated((BAD / name).read_bytes(), LIMITS)
    got = "ok" if report.error is None else report.error.code
    assert got == EXPECTED[name], report.error.message if report.error else report.extraction
    assert report.wall_seconds < LIMITS.wall_seconds
    if report.error is not None:
        assert report.error.message


def test_broken_xref_pdf_still_yields_its_text():
    report = run_isolated((BAD / "broken_xref.pdf").read_bytes(), LIMITS)
    assert report.extraction is not None
    assert "Astrid Lindqvist" in report.extraction.text


def test_committed_corpus_is_what_the_generator_makes():
    spec = importlib.util.spec_from_file_location("make_bad_files", BAD / "make_bad_files.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_bad_files"] = module
    spec.loader.exec_module(module)
    for name, (build, code) in module.BAD_FILES.items():
        assert EXPECTED[name] == code
        if name in module.VARIES_WITH_LIBRARY_VERSIONS:
            continue
        committed = hashlib.sha256((BAD / name).read_bytes()).hexdigest()
        assert hashlib.sha256(build()).hexdigest() == committed, name
