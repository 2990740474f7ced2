"""The engine-neutral query object, result shape and engine interface."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

Sort = Literal["relevance", "recent"]

# Visibility levels that may appear in the index. A hidden CV is never indexed.
SEARCHABLE_VISIBILITIES = ("visible", "anonymous")


@dataclass(frozen=True)
class IndexDocument:
    """What the index holds for one searchable CV (built by ``build_document``)."""

    cv_id: str
    version_id: str
    visibility: str
    language: str
    text: str
    title: str = ""
    skills: tuple[str, ...] = ()
    location: str | None = None
    geo: tuple[float, float] | None = None  # (lat, lon)
    years_experience: float | None = None
    languages: tuple[str, ...] = ()
    blocked_orgs: tuple[str, ...] = ()
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ProfileQuery:
    """One recruiter search, independent of the engine that answers it."""

    text: str = ""
    organisation_id: str | None = None  # blocked organisations never see a CV
    skills: tuple[str, ...] = ()  # all of
    location: tuple[float, float] | None = None
    radius_km: float | None = None
    locations: tuple[str, ...] = ()  # any of (place names, as in the location facet)
    cv_ids: tuple[str, ...] = ()  # only these CVs (the application re-checks lagging ones)
    min_years: float | None = None
    max_years: float | None = None  # fewer than this many years (a facet band's upper end)
    languages: tuple[str, ...] = ()  # all of
    cv_language: str | None = None
    updated_since: datetime | None = None
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True
    snippets: bool = True  # False leaves Hit.snippets empty (saves work for API clients)


@dataclass(frozen=True)
class Hit:
    """One CV found, with HTML snippets where matched terms are wrapped in ``<mark>``."""

    cv_id: str
    version_id: str
    score: float
    snippets: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, the total and facet counts (value, count), most frequent first."""

    total: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


class SearchEngine(Protocol):
    """A search engine that holds the derived CV index."""

    def upsert(self, documents: Iterable[IndexDocument]) -> None:
        """Add or replace documents, keyed by ``cv_id``."""

    def delete(self, cv_ids: Iterable[str]) -> None:
        """Remove documents; unknown ids are ignored."""

    def search(self, query: ProfileQuery) -> SearchResult:
        """Answer a query; raise ``QuerySyntaxError`` or ``SearchUnavailable``."""

    def count(self) -> int:
        """Return how many documents the live index holds."""

    def rebuild(self, documents: Iterable[IndexDocument]) -> None:
        """Write a new index generation from ``documents`` and swap it in atomically."""

    def reload(self) -> None:
        """Pick up the latest committed index (searches also do this themselves)."""

    def close(self) -> None:
        """Release locks and connections."""
