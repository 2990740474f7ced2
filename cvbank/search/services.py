"""Employer search: the engine finds candidates, the database decides what may be shown."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from cvbank.accounts.models import Organisation, User
from cvbank.cvs.models import AccessAction, Cv
from cvbank.cvs.services import employer_visible, record_access
from cvbank.db import utcnow
from cvbank.errors import Forbidden, ServiceUnavailable, ValidationError
from cvbank.outbox.models import OutboxJob
from cvbank.runtime import Runtime
from indexer.errors import QuerySyntaxError, SearchUnavailable
from indexer.search.base import Hit, ProfileQuery, SearchResult
from indexer.search.common import years_band

log = logging.getLogger(__name__)

MAX_PAGE = 50
MAX_LAGGING = 1000
LAGGING_PAGE = 100  # the engines' largest page
MAX_QUERY_LENGTH = 500


@dataclass(frozen=True)
class SearchPage:
    """One page of results an employer may see."""

    query: ProfileQuery
    total: int
    hits: list[tuple[Hit, Cv]]
    facets: dict[str, Any]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def recruiter_organisation(user: User) -> Organisation:
    """Return the organisation a recruiter searches for, with a live subscription."""
    org = user.organisation
    if org is None:
        raise Forbidden(
            "Your account does not belong to an employer organisation.", code="no_organisation"
        )
    if not org.has_subscription:
        raise Forbidden(
            f"{org.name} has no active subscription to the CV database.", code="no_subscription"
        )
    return org


CV_LANGUAGES = ("sv", "nb", "nn", "da", "fi", "en", "de")
DEFAULT_RADIUS_KM = 25.0
MAX_RADIUS_KM = 500.0
MAX_FILTER_VALUES = 10


# Request arguments (``request.args``): one key may carry several values.
Args = MultiDict[str, str]


def _number(args: Args, name: str, low: float, high: float, message: str) -> float | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ValidationError(name, message, code=f"invalid_{name}") from None
    if not low <= value <= high or value != value:
        raise ValidationError(name, message, code=f"invalid_{name}")
    return value


def _values(args: Args, name: str) -> list[str]:
    values = [v.strip() for v in args.getlist(name) if v and v.strip()]
    if len(values) > MAX_FILTER_VALUES:
        raise ValidationError(
            name, f"Choose at most {MAX_FILTER_VALUES} values for {name}.", code="too_many_values"
        )
    return list(dict.fromkeys(values))


def make_query(rt: Runtime, args: Args) -> ProfileQuery:
    """Validate a recruiter's search input (words and filters) into a query object."""
    from indexer.taxonomy import Taxonomy

    text = (args.get("q") or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            "q", f"Keep the search under {MAX_QUERY_LENGTH} characters.", code="query_too_long"
        )
    page = _number(args, "page", 1, MAX_PAGE, f"The page must be between 1 and {MAX_PAGE}.")
    if page is not None and page != int(page):
        raise ValidationError("page", "The page must be a whole number.", code="invalid_page")

    taxonomy = Taxonomy.load()
    skills = []
    for value in _values(args, "skill"):
        concept = taxonomy.lookup(value)
        if concept is None:
            try:
                concept = taxonomy.get(value)
            except KeyError:
                raise ValidationError(
                    "skill", f"Unknown skill {value!r}.", code="unknown_skill"
                ) from None
        skills.append(concept.id)

    location = None
    radius = _number(
        args,
        "radius",
        1,
        MAX_RADIUS_KM,
        f"The distance must be between 1 and {MAX_RADIUS_KM:.0f} km.",
    )
    near = (args.get("near") or "").strip()
    if near:
        from indexer.gazetteer import Gazetteer

        place = Gazetteer.load().lookup(near)
        if place is None:
            raise ValidationError(
                "near", f"We do not know the place {near!r}.", code="unknown_place"
            )
        location = (place.lat, place.lon)
        radius = radius or DEFAULT_RADIUS_KM

    cv_language = (args.get("cv_lang") or "").strip() or None
    if cv_language is not None and cv_language not in CV_LANGUAGES:
        raise ValidationError("cv_lang", "Unknown CV language.", code="invalid_cv_lang")
    within = _number(
        args, "updated_within", 1, 3650, "'Updated within' must be between 1 and 3650 days."
    )
    sort = args.get("sort") or "relevance"
    if sort not in ("relevance", "recent"):
        raise ValidationError("sort", "Sort by 'relevance' or 'recent'.", code="invalid_sort")
    min_years = _number(
        args, "min_years", 0, 60, "Minimum years of experience must be between 0 and 60."
    )
    max_years = _number(
        args, "max_years", 1, 61, "Maximum years of experience must be between 1 and 61."
    )
    if min_years is not None and max_years is not None and max_years <= min_years:
        raise ValidationError(
            "max_years", "The maximum years must be above the minimum.", code="invalid_max_years"
        )
    return ProfileQuery(
        text=text,
        skills=tuple(skills),
        location=location,
        radius_km=radius if location else None,
        locations=tuple(_values(args, "loc")),
        min_years=min_years,
        max_years=max_years,
        languages=tuple(_values(args, "lang")),
        cv_language=cv_language,
        updated_since=utcnow() - timedelta(days=within) if within else None,
        sort=sort,  # type: ignore[arg-type]
        page=int(page or 1),
        per_page=rt.settings.search_per_page,
    )


def has_criteria(query: ProfileQuery) -> bool:
    """Return whether the query asks for anything (an empty search shows nothing)."""
    return bool(
        query.max_years is not None
        or query.text
        or query.skills
        or query.location
        or query.locations
        or query.min_years is not None
        or query.languages
        or query.cv_language
        or query.updated_since
    )


@dataclass(frozen=True)
class EngineAnswer:
    """What the engine said, and what it holds about CVs it may not have caught up with."""

    query: ProfileQuery
    result: SearchResult
    # Hits among CVs that still wait for an index job: the database may disagree with them.
    lagging: tuple[Hit, ...] = ()


def _lagging_cv_ids(rt: Runtime) -> list[str]:
    """Return the CVs an index job still waits for (their index entries may be stale)."""
    with rt.db.transaction() as session:
        return list(
            session.scalars(
                select(OutboxJob.key)
                .where(OutboxJob.kind == "index_cv", OutboxJob.done_at.is_(None))
                .distinct()
                .limit(MAX_LAGGING)
            )
        )


def run_query(rt: Runtime, org: Organisation, query: ProfileQuery) -> EngineAnswer:
    """Ask the engine, filtered for ``org``; call it outside the request's transaction."""
    query = dataclasses.replace(query, organisation_id=str(org.id))
    lagging_ids = _lagging_cv_ids(rt)
    engine = rt.search_engine()
    try:
        result = engine.search(query)
        lagging: list[Hit] = []
        # The same query, restricted to lagging CVs, tells which of them the index still
        # counts in the total and the facets, so that visible_page can take them out.
        for start in range(0, len(lagging_ids), LAGGING_PAGE):
            chunk = tuple(lagging_ids[start : start + LAGGING_PAGE])
            lagging += engine.search(
                dataclasses.replace(
                    query,
                    cv_ids=chunk,
                    page=1,
                    per_page=LAGGING_PAGE,
                    facets=False,
                    snippets=False,
                    sort="relevance",
                )
            ).hits
    except QuerySyntaxError as exc:
        raise ValidationError("q", exc.message, code="bad_query") from exc
    except SearchUnavailable as exc:
        log.error("search engine unavailable: %s", exc)
        raise ServiceUnavailable(
            "Search is unavailable right now. Please try again shortly.", code="search_unavailable"
        ) from exc
    return EngineAnswer(query, result, tuple(lagging))


def visible_page(
    session: Session, recruiter: User, org: Organisation, answer: EngineAnswer
) -> SearchPage:
    """Keep what the database says ``org`` may see now, and log the hits' appearance.

    Hits, the total and the facet counts all leave out CVs that the index still holds but the
    database no longer shows to ``org`` (just hidden, blocked, deleted): a lagging index never
    reveals a hidden CV, not even as a count.
    """
    result = answer.result
    candidates = [*result.hits, *answer.lagging]
    cvs = employer_visible(
        session, org, [i for hit in candidates if (i := _uuid_or_none(hit.cv_id)) is not None]
    )
    shown = [(hit, cvs[i]) for hit in result.hits if (i := _uuid_or_none(hit.cv_id)) in cvs]
    gone = {hit.cv_id: hit for hit in candidates if _uuid_or_none(hit.cv_id) not in cvs}
    if gone:
        log.info("search left out %d CV(s) the index has not caught up with", len(gone))
    record_access(session, recruiter, org, [cv for _, cv in shown], AccessAction.APPEARED_IN_SEARCH)
    return SearchPage(
        query=answer.query,
        total=max(0, result.total - len(gone)),
        hits=shown,
        facets=_facets_without(result.facets, gone.values()),
    )


def _facets_without(
    facets: Mapping[str, Sequence[tuple[str, int]]], hits: Iterable[Hit]
) -> dict[str, list[tuple[str, int]]]:
    """Take the given hits' contributions out of facet counts."""
    counts = {name: dict(values) for name, values in facets.items()}
    for hit in hits:
        fields = hit.fields
        taken_by_facet = {
            "skills": list(fields.get("skills") or ()),
            "languages": list(fields.get("languages") or ()),
            "location": [fields["location"]] if fields.get("location") else [],
            "years": [years_band(fields["years_experience"])]
            if fields.get("years_experience") is not None
            else [],
        }
        for name, taken in taken_by_facet.items():
            for value in taken:
                if value in counts.get(name, {}):
                    counts[name][value] -= 1
    out: dict[str, list[tuple[str, int]]] = {}
    for name, values in facets.items():
        kept = [(value, counts[name][value]) for value, _ in values if counts[name][value] > 0]
        # Years keep their band order; the others stay most frequent first.
        out[name] = kept if name == "years" else sorted(kept, key=lambda vc: (-vc[1], vc[0]))
    return out


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        log.error("index holds a malformed cv id %r", value)
        return None
