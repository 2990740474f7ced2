"""Build the index document of one searchable CV (a pure step, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from indexer.flags import redact
from indexer.search.base import IndexDocument


def build_document(
    *,
    cv_id: str,
    version_id: str,
    visibility: str,
    language: str | None,
    text: str,
    sensitive_spans: Iterable[tuple[int, int]],
    profile: Mapping[str, Any] | None,
    title: str,
    blocked_orgs: Iterable[str],
    updated_at: datetime,
    geo: tuple[float, float] | None = None,
) -> IndexDocument:
    """Return what the index holds for a CV: every sensitive span is cut, consent or not."""
    profile = profile or {}
    skills = tuple(
        dict.fromkeys(s["concept_id"] for s in profile.get("skills", []) if s.get("concept_id"))
    )
    languages = tuple(
        dict.fromkeys(
            lang["language"] for lang in profile.get("languages", []) if lang.get("language")
        )
    )
    years = profile.get("years_experience")
    return IndexDocument(
        cv_id=cv_id,
        version_id=version_id,
        visibility=visibility,
        language=language or "en",
        text=redact(text, sensitive_spans, " "),
        title=profile.get("headline") or title,
        skills=skills,
        location=profile.get("location"),
        geo=geo,
        years_experience=float(years) if years is not None else None,
        languages=languages,
        blocked_orgs=tuple(sorted(blocked_orgs)),
        updated_at=updated_at,
    )
