"""The Elasticsearch engine: explicit mappings, bulk indexing, generations behind an alias.

Request bodies are built by pure functions (``build_mappings``, ``build_document``,
``build_search_body``) so that tests can check them without a server. User text only ever
reaches Elasticsearch inside ``match_phrase`` and ``prefix`` clauses built here, never through
``query_string``, so no query can name an internal field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from elasticsearch import (
    ApiError,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
    TransportError,
    helpers,
)

from indexer.errors import SearchUnavailable
from indexer.search.base import (
    SEARCHABLE_VISIBILITIES,
    Hit,
    IndexDocument,
    ProfileQuery,
    SearchResult,
)
from indexer.search.common import (
    FACET_SIZE,
    MAX_RESULT_WINDOW,
    YEARS_BANDS,
    check_query,
    leading_fragment,
    page_window,
)
from indexer.search.query import Node, Not, Or, Phrase, Word
from indexer.search.vocabulary import Expander, Labeller, expand_term, literal, skill_labels

log = logging.getLogger(__name__)

SNIPPET_CHARS = 240
BULK_CHUNK = 500

# CV language → (field, Elasticsearch's built-in language analyser).
LANGUAGE_FIELDS: dict[str, tuple[str, str]] = {
    "sv": ("text_sv", "swedish"),
    "nb": ("text_no", "norwegian"),
    "nn": ("text_no", "norwegian"),
    "no": ("text_no", "norwegian"),
    "da": ("text_da", "danish"),
    "en": ("text_en", "english"),
    "fi": ("text_fi", "finnish"),
    "de": ("text_de", "german"),
}
_STEM_FIELDS = sorted(set(LANGUAGE_FIELDS.values()))
# Fields a query word is looked up in, with their boosts (the shared field uses "standard").
_PLAIN_FIELDS = (("text", 1.0), ("title", 2.0), ("skill_labels", 1.5))


def build_mappings() -> dict[str, Any]:
    """Return the settings and mappings of one index generation."""
    text_fields: dict[str, Any] = {
        "text": {"type": "text", "analyzer": "standard"},
        "title": {"type": "text", "analyzer": "standard"},
        "skill_labels": {"type": "text", "analyzer": "standard"},
    }
    for field, analyzer in _STEM_FIELDS:
        text_fields[field] = {"type": "text", "analyzer": analyzer}
    return {
        "settings": {
            # One shard keeps BM25 statistics and facet counts exact; CV databases are small.
            "number_of_shards": 1,
            "auto_expand_replicas": "0-1",
            "max_result_window": MAX_RESULT_WINDOW,
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "cv_id": {"type": "keyword"},
                "version_id": {"type": "keyword"},
                "visibility": {"type": "keyword"},
                "blocked_orgs": {"type": "keyword"},
                "language": {"type": "keyword"},
                **text_fields,
                "skills": {"type": "keyword"},
                "location": {"type": "keyword"},
                "geo": {"type": "geo_point"},
                "years": {"type": "float"},
                "languages": {"type": "keyword"},
                "updated_at": {"type": "date"},
            },
        },
    }


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def build_document(doc: IndexDocument, labeller: Labeller = skill_labels) -> dict[str, Any]:
    """Return the source Elasticsearch stores for one CV."""
    body: dict[str, Any] = {
        "cv_id": doc.cv_id,
        "version_id": doc.version_id,
        "visibility": doc.visibility,
        "blocked_orgs": list(doc.blocked_orgs),
        "language": doc.language,
        "text": doc.text,
        "title": doc.title,
        "skills": list(doc.skills),
        "skill_labels": sorted({label for skill in doc.skills for label in labeller(skill)}),
        "languages": list(doc.languages),
        "updated_at": _utc(doc.updated_at).isoformat(),
    }
    language_field = LANGUAGE_FIELDS.get(doc.language)
    if language_field is not None:
        body[language_field[0]] = [doc.text, doc.title]
    if doc.location:
        body["location"] = doc.location
    if doc.geo is not None:
        body["geo"] = {"lat": float(doc.geo[0]), "lon": float(doc.geo[1])}
    if doc.years_experience is not None:
        body["years"] = float(doc.years_experience)
    return body


def security_filters(organisation_id: str | None) -> dict[str, list[dict[str, Any]]]:
    """Return the bool clauses that keep hidden CVs and blocking candidates out of every answer."""
    clauses: dict[str, list[dict[str, Any]]] = {
        "filter": [{"terms": {"visibility": list(SEARCHABLE_VISIBILITIES)}}],
        "must_not": [],
    }
    if organisation_id is not None:
        clauses["must_not"].append({"term": {"blocked_orgs": organisation_id}})
    return clauses


def _filters(query: ProfileQuery) -> dict[str, list[dict[str, Any]]]:
    clauses = security_filters(query.organisation_id)
    filters = clauses["filter"]
    filters.extend({"term": {"skills": skill}} for skill in query.skills)
    filters.extend({"term": {"languages": language}} for language in query.languages)
    if query.locations:
        filters.append({"terms": {"location": list(query.locations)}})
    if query.cv_ids:
        filters.append({"terms": {"cv_id": list(query.cv_ids)}})
    if query.cv_language is not None:
        filters.append({"term": {"language": query.cv_language}})
    if query.min_years is not None:
        filters.append({"range": {"years": {"gte": float(query.min_years)}}})
    if query.max_years is not None:
        filters.append({"range": {"years": {"lt": float(query.max_years)}}})
    if query.updated_since is not None:
        filters.append({"range": {"updated_at": {"gte": _utc(query.updated_since).isoformat()}}})
    if query.location is not None and query.radius_km is not None:
        lat, lon = query.location
        filters.append(
            {
                "geo_distance": {
                    "distance": f"{query.radius_km}km",
                    "distance_type": "arc",
                    "geo": {"lat": lat, "lon": lon},
                }
            }
        )
    return clauses


def _text_clause(text: str, *, stemmed: bool) -> dict[str, Any]:
    options: list[dict[str, Any]] = [
        {"match_phrase": {field: {"query": text, "boost": boost}}} for field, boost in _PLAIN_FIELDS
    ]
    if stemmed:
        options.extend({"match_phrase": {field: {"query": text}}} for field, _a in _STEM_FIELDS)
    # Best field wins: a word found both stemmed and exactly should not count twice.
    return {"dis_max": {"queries": options, "tie_breaker": 0.1}}


_PREFIX_SAFE = re.compile(r"[^\w]+")


def _prefix_clause(prefix: str) -> dict[str, Any] | None:
    words = [w for w in _PREFIX_SAFE.split(prefix.lower()) if w]
    if not words:
        return None
    options: list[dict[str, Any]]
    if len(words) == 1:
        options = [{"prefix": {field: {"value": words[0]}}} for field, _b in _PLAIN_FIELDS]
    else:
        options = [
            {"match_phrase_prefix": {field: {"query": " ".join(words)}}}
            for field, _b in _PLAIN_FIELDS
        ]
    return {"dis_max": {"queries": options, "tie_breaker": 0.1}}


def _has_token(text: str) -> bool:
    return any(c.isalnum() for c in text)


def compile_node(node: Node, expand: Expander) -> dict[str, Any] | None:
    """Translate a parsed query into an Elasticsearch query; None when nothing is searchable."""
    if isinstance(node, Word) and node.prefix:
        return _prefix_clause(node.text)
    if isinstance(node, Word | Phrase):
        text = node.text if isinstance(node, Word) else " ".join(node.words)
        if not _has_token(text):
            return None
        # A word is also looked up by stem; an "exact phrase" is exact. Synonyms come from the
        # taxonomy with their inflected forms listed, so they skip the stemmed fields.
        clauses = [_text_clause(text, stemmed=isinstance(node, Word))]
        clauses.extend(
            _text_clause(v, stemmed=False)
            for v in sorted(set(expand(text)) - {text})
            if _has_token(v)
        )
        return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses}}
    if isinstance(node, Not):
        inner = compile_node(node.child, literal)
        return None if inner is None else {"bool": {"must_not": [inner]}}
    if isinstance(node, Or):
        options = [q for child in node.children if (q := compile_node(child, expand)) is not None]
        if not options:
            return None
        return options[0] if len(options) == 1 else {"bool": {"should": options}}
    must: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    for child in node.children:
        if isinstance(child, Not):
            if (inner := compile_node(child.child, literal)) is not None:
                must_not.append(inner)
        elif (q := compile_node(child, expand)) is not None:
            must.append(q)
    if not must and not must_not:
        return None
    out: dict[str, Any] = {"must": must or [{"match_all": {}}]}
    if must_not:
        out["must_not"] = must_not
    return {"bool": out}


def build_search_body(query: ProfileQuery, *, expand: Expander = expand_term) -> dict[str, Any]:
    """Return the search request body for ``query``; raise ``QuerySyntaxError`` when it is bad."""
    node = check_query(query)
    clauses = _filters(query)
    text_query = compile_node(node, expand) if node is not None else None
    bool_query: dict[str, Any] = {
        "must": [text_query or {"match_all": {}}],
        "filter": clauses["filter"],
    }
    if clauses["must_not"]:
        bool_query["must_not"] = clauses["must_not"]
    offset, limit = page_window(query)
    by_recency = query.sort == "recent" or node is None
    body: dict[str, Any] = {
        "query": {"bool": bool_query},
        "from": offset if limit else 0,
        "size": limit,
        "track_total_hits": True,
        "_source": {"excludes": ["text_*", "skill_labels", "blocked_orgs"]},
        "sort": (
            [{"updated_at": {"order": "desc"}}, {"cv_id": {"order": "asc"}}]
            if by_recency
            else [{"_score": {"order": "desc"}}, {"updated_at": {"order": "desc"}}]
        ),
    }
    if node is not None and limit and query.snippets:
        body["highlight"] = {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "require_field_match": False,
            "fields": {
                field: {"number_of_fragments": 1, "fragment_size": SNIPPET_CHARS}
                for field in [*(f for f, _a in _STEM_FIELDS), "text"]
            },
        }
    if query.facets:
        terms = {"size": FACET_SIZE}
        body["aggs"] = {
            "skills": {"terms": {"field": "skills", **terms}},
            "location": {"terms": {"field": "location", **terms}},
            "languages": {"terms": {"field": "languages", **terms}},
            "years": {
                "range": {
                    "field": "years",
                    "keyed": False,
                    "ranges": [_range(label, low, high) for label, low, high in YEARS_BANDS],
                }
            },
        }
    return body


def _range(label: str, low: float | None, high: float | None) -> dict[str, Any]:
    out: dict[str, Any] = {"key": label}
    if low is not None:
        out["from"] = low
    if high is not None:
        out["to"] = high
    return out


def parse_response(response: Mapping[str, Any], query: ProfileQuery) -> SearchResult:
    """Turn an Elasticsearch search response into the engine-neutral result."""
    hits_part = response["hits"]
    total = hits_part["total"]
    total_count = int(total["value"] if isinstance(total, Mapping) else total)
    by_score = query.sort == "relevance" and bool(query.text.strip())
    hits = tuple(_hit(raw, by_score, query.snippets) for raw in hits_part["hits"])
    facets: dict[str, tuple[tuple[str, int], ...]] = {}
    aggs = response.get("aggregations") or {}
    if query.facets and aggs:
        for name in ("skills", "location", "languages"):
            buckets = [(str(b["key"]), int(b["doc_count"])) for b in aggs[name]["buckets"]]
            facets[name] = tuple(sorted(buckets, key=lambda kv: (-kv[1], kv[0])))
        counts = {str(b["key"]): int(b["doc_count"]) for b in aggs["years"]["buckets"]}
        facets["years"] = tuple(
            (label, counts[label]) for label, _low, _high in YEARS_BANDS if counts.get(label)
        )
    return SearchResult(total=total_count, hits=hits, facets=facets)


def _hit(raw: Mapping[str, Any], by_score: bool, with_snippets: bool) -> Hit:
    source = raw.get("_source", {})
    language = source.get("language", "")
    highlight = raw.get("highlight", {})
    own_field = LANGUAGE_FIELDS.get(language, ("text", ""))[0]
    fragments = highlight.get(own_field) or highlight.get("text")
    snippet = fragments[0] if fragments else leading_fragment(source.get("text", ""), SNIPPET_CHARS)
    updated = source.get("updated_at")
    updated_at = datetime.fromisoformat(updated) if updated else None
    if updated_at is not None and updated_at == datetime(1970, 1, 1, tzinfo=UTC):
        updated_at = None
    geo = source.get("geo")
    return Hit(
        cv_id=str(source["cv_id"]),
        version_id=str(source["version_id"]),
        score=float(raw.get("_score") or 0.0) if by_score else 0.0,
        snippets=(snippet,) if with_snippets else (),
        fields={
            "title": source.get("title", ""),
            "language": language,
            "visibility": source.get("visibility"),
            "location": source.get("location"),
            "years_experience": source.get("years"),
            "skills": tuple(source.get("skills", ())),
            "languages": tuple(source.get("languages", ())),
            "updated_at": updated_at,
            "geo": (geo["lat"], geo["lon"]) if geo else None,
        },
    )


class ElasticsearchEngine:
    """Search through an Elasticsearch cluster (8.x or 9.x, matching the client's major)."""

    def __init__(
        self,
        url: str,
        *,
        index_prefix: str = "cvbank",
        username: str | None = None,
        password: str | None = None,
        ca_file: str | None = None,
        timeout: float = 10,
        retries: int = 3,
        refresh: bool | str = "wait_for",
        expand: Expander = expand_term,
        labeller: Labeller = skill_labels,
        client: Any = None,
    ) -> None:
        self.index_prefix = index_prefix
        self.alias = f"{index_prefix}-cvs"
        self._refresh = refresh
        self._expand = expand
        self._labeller = labeller
        if client is None:
            options: dict[str, Any] = {
                "request_timeout": timeout,
                "max_retries": retries,
                "retry_on_timeout": True,
            }
            if username is not None:
                options["basic_auth"] = (username, password or "")
            if ca_file is not None:
                options["ca_certs"] = ca_file
            client = Elasticsearch(url, **options)
        self.client = client

    # -- generations ------------------------------------------------------------------------

    def _generation_names(self) -> list[str]:
        with _unavailable_on_error():
            found = self.client.indices.get(index=f"{self.alias}-*", allow_no_indices=True)
        pattern = re.compile(re.escape(self.alias) + r"-(\d+)$")
        names = [name for name in found if pattern.match(name)]
        return sorted(names, key=lambda name: int(name.rsplit("-", 1)[1]))

    def _live_generations(self) -> list[str]:
        try:
            with _unavailable_on_error(NotFoundError):
                return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def _create_generation(self) -> str:
        names = self._generation_names()
        n = int(names[-1].rsplit("-", 1)[1]) + 1 if names else 1
        while True:
            name = f"{self.alias}-{n}"
            try:
                with _unavailable_on_error(BadRequestError):
                    self.client.indices.create(index=name, **build_mappings())
                return name
            except BadRequestError as exc:
                if "resource_already_exists" not in str(exc):
                    raise SearchUnavailable(f"Cannot create index {name}: {exc}") from exc
                n += 1

    def _ensure_alias(self) -> None:
        if self._live_generations():
            return
        name = self._create_generation()
        with _unavailable_on_error():
            self.client.indices.update_aliases(
                actions=[{"add": {"index": name, "alias": self.alias, "is_write_index": True}}]
            )

    def drop_all(self) -> None:
        """Delete every generation of this prefix (tests and uninstalls)."""
        names = self._generation_names()
        if names:
            with _unavailable_on_error():
                self.client.indices.delete(index=",".join(names))

    # -- writing ----------------------------------------------------------------------------

    def upsert(self, documents: Iterable[IndexDocument]) -> None:
        """Add or replace documents, keyed by ``cv_id``."""
        self._ensure_alias()
        actions = [
            {
                "_op_type": "index",
                "_index": self.alias,
                "_id": doc.cv_id,
                "_source": build_document(doc, self._labeller),
            }
            for doc in documents
        ]
        self._bulk(actions, refresh=self._refresh)

    def delete(self, cv_ids: Iterable[str]) -> None:
        """Remove documents; unknown ids are ignored."""
        self._ensure_alias()
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": i} for i in cv_ids]
        self._bulk(actions, refresh=self._refresh, ignore_status=(404,))

    def _bulk(self, actions: Iterable[dict[str, Any]], **kwargs: Any) -> None:
        with _unavailable_on_error():
            _ok, errors = helpers.bulk(
                self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=False, **kwargs
            )
        if isinstance(errors, list) and errors:
            raise SearchUnavailable(f"Elasticsearch refused {len(errors)} documents: {errors[:3]}")

    def rebuild(self, documents: Iterable[IndexDocument]) -> None:
        """Index ``documents`` into a new generation, swap the alias, drop older generations."""
        old = self._live_generations()
        name = self._create_generation()
        try:
            with _unavailable_on_error():
                self.client.indices.put_settings(
                    index=name, settings={"index": {"refresh_interval": "-1"}}
                )
            self._bulk(self._index_actions(name, documents))
            with _unavailable_on_error():
                self.client.indices.put_settings(
                    index=name, settings={"index": {"refresh_interval": None}}
                )
                self.client.indices.refresh(index=name)
        except BaseException:
            with _unavailable_on_error():
                self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        actions: list[dict[str, Any]] = [
            {"remove": {"index": index, "alias": self.alias}} for index in old
        ]
        actions.append({"add": {"index": name, "alias": self.alias, "is_write_index": True}})
        # One request: searches see the old generation or the new one, never neither.
        with _unavailable_on_error():
            self.client.indices.update_aliases(actions=actions)
        self._drop_older_than_previous(name)

    def _index_actions(
        self, index: str, documents: Iterable[IndexDocument]
    ) -> Iterator[dict[str, Any]]:
        for doc in documents:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": doc.cv_id,
                "_source": build_document(doc, self._labeller),
            }

    def _drop_older_than_previous(self, live: str) -> None:
        names = self._generation_names()
        if live not in names:
            return
        # The previous generation stays one round: a search may still be reading it.
        stale = names[: max(0, names.index(live) - 1)]
        if stale:
            with _unavailable_on_error():
                self.client.indices.delete(index=",".join(stale), ignore_unavailable=True)

    # -- reading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Do nothing: Elasticsearch refreshes on its own (writes wait for it)."""

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()

    def count(self) -> int:
        """Return how many documents the live index holds."""
        try:
            with _unavailable_on_error(NotFoundError):
                return int(self.client.count(index=self.alias)["count"])
        except NotFoundError:
            return 0

    def search(self, query: ProfileQuery) -> SearchResult:
        """Answer a query; raise ``QuerySyntaxError`` or ``SearchUnavailable``."""
        body = build_search_body(query, expand=self._expand)
        try:
            with _unavailable_on_error(NotFoundError):
                response = self.client.search(index=self.alias, **_request_kwargs(body))
        except NotFoundError:
            return SearchResult(total=0, hits=(), facets={})
        return parse_response(response, query)


def _request_kwargs(body: Mapping[str, Any]) -> dict[str, Any]:
    renamed = {"from": "from_", "_source": "source"}
    return {renamed.get(key, key): value for key, value in body.items()}


@contextmanager
def _unavailable_on_error(*passed: type[Exception]) -> Iterator[None]:
    """Turn transport and server errors into ``SearchUnavailable``, except the ``passed`` ones."""
    try:
        yield
    except passed:
        raise
    except (TransportError, ApiError) as exc:
        log.warning("Elasticsearch request failed: %s", exc)
        raise SearchUnavailable(f"Elasticsearch is not answering: {exc}") from exc
