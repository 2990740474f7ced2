"""Synonyms and skill labels come from the skills taxonomy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from indexer.search.base import IndexDocument, ProfileQuery
from indexer.search.tantivy_engine import TantivyEngine
from indexer.search.vocabulary import expand_term, skill_labels


def test_abbreviation_expands_to_the_job_title() -> None:
    assert "undersköterska" in expand_term("USK")


def test_unknown_word_expands_to_itself() -> None:
    assert expand_term("blåbärssoppa") == {"blåbärssoppa"}


def test_skill_labels_cover_the_nordic_languages() -> None:
    labels = skill_labels("care.assistant_nurse")
    assert {"undersköterska", "helsefagarbeider", "assistant nurse"} <= labels


def test_unknown_concept_has_no_labels() -> None:
    assert skill_labels("no.such.concept") == set()


def _cv(cv_id: str, text: str, skills: tuple[str, ...] = ()) -> IndexDocument:
    return IndexDocument(
        cv_id=cv_id,
        version_id="v1",
        visibility="visible",
        language="sv",
        text=text,
        skills=skills,
        updated_at=datetime(2025, 1, 1, tzinfo=UTC),
    )


def test_embedded_engine_finds_usk_by_the_taxonomy(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    engine.upsert([_cv("a", "Undersköterska i hemtjänsten"), _cv("b", "Snickare")])
    assert [h.cv_id for h in engine.search(ProfileQuery(text="USK")).hits] == ["a"]
    engine.close()


def test_embedded_engine_finds_a_skill_by_its_label_in_another_language(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    engine.upsert([_cv("a", "Arbetat i hemtjänsten", skills=("care.assistant_nurse",))])
    assert [h.cv_id for h in engine.search(ProfileQuery(text="helsefagarbeider")).hits] == ["a"]
    engine.close()
