"""Whole-CV checks on the fixture corpus (fixtures/cvs), read without the extractor."""

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

import pypdfium2
import pytest

from indexer.language import detect_language
from indexer.profile import Profile, build_profile

CORPUS = Path(__file__).resolve().parents[4] / "fixtures" / "cvs"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
TODAY = date.fromisoformat(MANIFEST["today"])


def _text(file_name: str) -> str:
    data = (CORPUS / file_name).read_bytes()
    if file_name.endswith(".txt"):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252")
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _expected(file_name: str) -> dict:
    entry = next(cv for cv in MANIFEST["cvs"] if cv["file"] == file_name)
    return json.loads((CORPUS / entry["expected"]).read_text(encoding="utf-8"))


def _pick(fmt: str, language: str, layout: str | None = None) -> str:
    return next(
        cv["file"]
        for cv in MANIFEST["cvs"]
        if cv["format"] == fmt
        and cv["language"] == language
        and (layout is None or cv["layout"] == layout)
    )


def test_corpus_has_at_least_80_cvs_in_four_languages_and_every_format():
    cvs = MANIFEST["cvs"]
    assert len(cvs) >= 80
    by_language = {
        lang: sum(1 for cv in cvs if cv["language"] in lang) for lang in ("sv", "nbnn", "da", "en")
    }
    assert min(by_language.values()) >= 20
    assert {cv["format"] for cv in cvs} == {"pdf", "pdf-scanned", "docx", "txt", "odt", "rtf"}
    assert {cv["layout"] for cv in cvs if cv["format"] == "pdf"} >= {"twocol", "table", "classic"}


def test_every_expected_profile_has_the_profile_shape():
    for cv in MANIFEST["cvs"]:
        expected = json.loads((CORPUS / cv["expected"]).read_text(encoding="utf-8"))
        language = expected.pop("language")
        assert language == cv["language"]
        assert Profile.from_dict(expected).to_dict() == expected, cv["file"]


def test_expected_files_match_the_generator(monkeypatch):
    # A hand edit of an expected file, or a generator change not re-run, shows up here.
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "make_corpus", module)
    spec.loader.exec_module(module)
    for truth in module.build_corpus():
        committed = json.loads((CORPUS / f"{truth.slug}.expected.json").read_text(encoding="utf-8"))
        assert module.expected(truth) == committed, truth.slug


@pytest.mark.parametrize(
    "file_name",
    [
        _pick("pdf", "sv", "twocol"),
        _pick("pdf", "nb", "table"),
        _pick("pdf", "da", "compact"),
        _pick("pdf", "en", "modern"),
        _pick("txt", "sv"),
        _pick("txt", "nn"),
    ],
)
def test_corpus_cv_is_read_as_expected(file_name):
    expected = _expected(file_name)
    text = _text(file_name)
    language = detect_language(text)
    profile = build_profile(text, language, today=TODAY).to_dict()
    assert language == expected["language"]
    for key in ("name", "email", "phone", "location", "links"):
        assert profile[key] == expected[key], key
    got = [(e["title"], e["employer"], e["start"], e["end"]) for e in profile["experience"]]
    want = [(e["title"], e["employer"], e["start"], e["end"]) for e in expected["experience"]]
    assert got == want
    assert abs(profile["years_experience"] - expected["years_experience"]) <= 0.5
