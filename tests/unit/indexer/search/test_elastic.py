"""Elasticsearch request bodies, checked without a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import QuerySyntaxError, SearchUnavailable
from indexer.search.base import IndexDocument, ProfileQuery
from indexer.search.elastic import (
    ElasticsearchEngine,
    build_document,
    build_mappings,
    build_search_body,
    parse_response,
)

# Other engineers' jobs share this machine's two cores; slow generation is not a failure.
SHARED_MACHINE = [HealthCheck.too_slow]

VISIBILITY_FILTER = {"terms": {"visibility": ["visible", "anonymous"]}}


def walk(value: Any) -> list[Any]:
    """Return every dict and list inside a JSON-like value."""
    found = [value]
    if isinstance(value, dict):
        for item in value.values():
            found.extend(walk(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(walk(item))
    return found


def clause_kinds(body: dict[str, Any]) -> set[str]:
    return {key for node in walk(body["query"]) if isinstance(node, dict) for key in node}


# -- mappings ----------------------------------------------------------------------------------


def test_mappings_are_strict() -> None:
    assert build_mappings()["mappings"]["dynamic"] == "strict"


@pytest.mark.parametrize(
    ("field", "analyzer"),
    [
        ("text_sv", "swedish"),
        ("text_no", "norwegian"),
        ("text_da", "danish"),
        ("text_fi", "finnish"),
        ("text_en", "english"),
        ("text", "standard"),
    ],
)
def test_mappings_analyse_each_language_field(field: str, analyzer: str) -> None:
    properties = build_mappings()["mappings"]["properties"]
    assert properties[field] == {"type": "text", "analyzer": analyzer}


@pytest.mark.parametrize(
    "field",
    ["cv_id", "version_id", "visibility", "blocked_orgs", "skills", "location", "languages"],
)
def test_mappings_keep_filter_fields_as_keywords(field: str) -> None:
    assert build_mappings()["mappings"]["properties"][field] == {"type": "keyword"}


def test_mappings_type_location_time_and_years() -> None:
    properties = build_mappings()["mappings"]["properties"]
    assert properties["geo"] == {"type": "geo_point"}
    assert properties["updated_at"] == {"type": "date"}
    assert properties["years"] == {"type": "float"}


def test_mappings_use_one_shard_so_counts_are_exact() -> None:
    assert build_mappings()["settings"]["number_of_shards"] == 1


# -- documents ---------------------------------------------------------------------------------


def test_document_puts_text_in_its_language_field_and_the_shared_field() -> None:
    doc = IndexDocument(
        cv_id="a",
        version_id="v1",
        visibility="visible",
        language="nb",
        text="ingeniører",
        title="Ingeniør",
        geo=(59.9, 10.7),
        years_experience=3,
        blocked_orgs=("org-1",),
        updated_at=datetime(2025, 1, 2, 3, 4),
    )
    body = build_document(doc, labeller=lambda skill: set())
    assert body["text"] == "ingeniører"
    assert body["text_no"] == ["ingeniører", "Ingeniør"]
    assert "text_sv" not in body
    assert body["geo"] == {"lat": 59.9, "lon": 10.7}
    assert body["blocked_orgs"] == ["org-1"]
    assert body["years"] == 3.0
    assert body["updated_at"] == "2025-01-02T03:04:00+00:00"


def test_document_fields_all_exist_in_the_strict_mapping() -> None:
    doc = IndexDocument(
        cv_id="a",
        version_id="v1",
        visibility="visible",
        language="sv",
        text="x",
        skills=("it.java",),
        location="Malmö",
        geo=(55.6, 13.0),
        years_experience=1,
        languages=("sv",),
        updated_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    properties = build_mappings()["mappings"]["properties"]
    assert set(build_document(doc, labeller=lambda skill: {"Java"})) <= set(properties)


def test_document_labels_skills_for_text_search() -> None:
    doc = IndexDocument(
        cv_id="a", version_id="v1", visibility="visible", language="sv", text="", skills=("s",)
    )
    body = build_document(doc, labeller=lambda skill: {"Undersköterska", "USK"})
    assert body["skill_labels"] == ["USK", "Undersköterska"]


# -- search bodies -----------------------------------------------------------------------------


profile_queries = st.builds(
    ProfileQuery,
    text=st.text(max_size=80),
    organisation_id=st.one_of(st.none(), st.text(min_size=1, max_size=10)),
    skills=st.lists(st.text(max_size=8), max_size=3).map(tuple),
    location=st.one_of(st.none(), st.just((59.3, 18.0))),
    radius_km=st.one_of(st.none(), st.floats(min_value=1, max_value=500)),
    min_years=st.one_of(st.none(), st.floats(min_value=0, max_value=40)),
    languages=st.lists(st.sampled_from(["sv", "en"]), max_size=2).map(tuple),
    cv_language=st.sampled_from([None, "sv"]),
    sort=st.sampled_from(["relevance", "recent"]),
    page=st.integers(min_value=1, max_value=1000),
    per_page=st.integers(min_value=1, max_value=100),
    facets=st.booleans(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=SHARED_MACHINE)
@given(query=profile_queries)
def test_every_search_body_filters_visibility_and_blocks(query: ProfileQuery) -> None:
    try:
        body = build_search_body(query, expand=lambda term: {term})
    except QuerySyntaxError:
        return
    top = body["query"]["bool"]
    assert VISIBILITY_FILTER in top["filter"]
    if query.organisation_id is not None:
        assert {"term": {"blocked_orgs": query.organisation_id}} in top["must_not"]
    # Filters sit at the top level only, where nothing the recruiter typed can undo them.
    assert set(top) <= {"must", "filter", "must_not"}
    assert len(top["must"]) == 1


@settings(max_examples=300, deadline=None, suppress_health_check=SHARED_MACHINE)
@given(text=st.text(max_size=200))
def test_user_text_never_reaches_a_query_string(text: str) -> None:
    try:
        body = build_search_body(ProfileQuery(text=text), expand=lambda term: {term})
    except QuerySyntaxError:
        return
    kinds = clause_kinds(body)
    assert not kinds & {"query_string", "simple_query_string", "regexp", "wildcard", "script"}


@settings(max_examples=200, deadline=None, suppress_health_check=SHARED_MACHINE)
@given(text=st.text(max_size=200))
def test_user_text_only_searches_text_fields(text: str) -> None:
    try:
        body = build_search_body(ProfileQuery(text=text), expand=lambda term: {term})
    except QuerySyntaxError:
        return
    searched: set[str] = set()
    for node in walk(body["query"]["bool"]["must"]):
        if isinstance(node, dict):
            for kind in ("match_phrase", "prefix", "match_phrase_prefix"):
                if kind in node:
                    searched.update(node[kind])
    allowed = {"text", "title", "skill_labels"} | {
        f"text_{lang}" for lang in ("sv", "no", "da", "en", "fi", "de")
    }
    assert searched <= allowed


def test_colon_stays_inside_the_phrase_text() -> None:
    body = build_search_body(ProfileQuery(text="visibility:hidden"), expand=lambda t: {t})
    rendered = json.dumps(body["query"]["bool"]["must"])
    assert '"query": "visibility:hidden"' in rendered
    assert '"visibility"' not in rendered


def test_words_become_phrase_matches_across_language_fields() -> None:
    body = build_search_body(ProfileQuery(text="sjuksköterskor"), expand=lambda t: {t})
    (must,) = body["query"]["bool"]["must"]
    fields = {next(iter(q["match_phrase"])) for q in must["dis_max"]["queries"]}
    assert {"text", "title", "text_sv", "text_no", "text_da", "text_fi", "text_en"} <= fields


def test_synonyms_are_alternatives() -> None:
    body = build_search_body(
        ProfileQuery(text="USK"), expand=lambda t: {t, "undersköterska"} if t == "USK" else {t}
    )
    (must,) = body["query"]["bool"]["must"]
    assert len(must["bool"]["should"]) == 2


def test_exclusion_becomes_must_not() -> None:
    body = build_search_body(ProfileQuery(text="java -php"), expand=lambda t: {t})
    (must,) = body["query"]["bool"]["must"]
    assert len(must["bool"]["must"]) == 1
    assert len(must["bool"]["must_not"]) == 1


def test_prefix_is_lowercased_and_searches_plain_fields() -> None:
    body = build_search_body(ProfileQuery(text="Sjuksköt*"), expand=lambda t: {t})
    (must,) = body["query"]["bool"]["must"]
    assert {"prefix": {"text": {"value": "sjuksköt"}}} in must["dis_max"]["queries"]


def test_filters_are_translated() -> None:
    query = ProfileQuery(
        skills=("java", "kotlin"),
        languages=("sv",),
        locations=("Lund", "Malmö"),
        cv_language="sv",
        min_years=3,
        updated_since=datetime(2025, 1, 1, tzinfo=UTC),
        location=(55.6, 13.0),
        radius_km=25,
    )
    filters = build_search_body(query)["query"]["bool"]["filter"]
    assert {"term": {"skills": "java"}} in filters
    assert {"term": {"skills": "kotlin"}} in filters
    assert {"term": {"languages": "sv"}} in filters
    assert {"terms": {"location": ["Lund", "Malmö"]}} in filters
    assert {"term": {"language": "sv"}} in filters
    assert {"range": {"years": {"gte": 3.0}}} in filters
    assert {"range": {"updated_at": {"gte": "2025-01-01T00:00:00+00:00"}}} in filters
    geo = next(f for f in filters if "geo_distance" in f)["geo_distance"]
    assert geo["distance"] == "25km"
    assert geo["geo"] == {"lat": 55.6, "lon": 13.0}


def test_highlights_are_html_encoded_with_marks() -> None:
    highlight = build_search_body(ProfileQuery(text="java"))["highlight"]
    assert highlight["encoder"] == "html"
    assert highlight["pre_tags"] == ["<mark>"]
    assert highlight["post_tags"] == ["</mark>"]


def test_empty_text_sorts_by_recency_without_highlights() -> None:
    body = build_search_body(ProfileQuery())
    assert body["sort"][0] == {"updated_at": {"order": "desc"}}
    assert "highlight" not in body
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]


def test_page_beyond_the_window_asks_for_no_hits_but_exact_totals() -> None:
    body = build_search_body(ProfileQuery(page=600, per_page=20))
    assert body["size"] == 0
    assert body["track_total_hits"] is True


def test_facets_are_aggregations_over_the_whole_match() -> None:
    aggs = build_search_body(ProfileQuery())["aggs"]
    assert aggs["skills"] == {"terms": {"field": "skills", "size": 30}}
    assert [r["key"] for r in aggs["years"]["range"]["ranges"]] == ["0-2", "3-5", "6-10", "10+"]


def test_bad_query_text_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError):
        build_search_body(ProfileQuery(text="a*"))


# -- responses ---------------------------------------------------------------------------------


def test_response_becomes_hits_facets_and_total() -> None:
    response = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {
                    "_score": 3.5,
                    "_source": {
                        "cv_id": "a",
                        "version_id": "v2",
                        "language": "sv",
                        "text": "Sjuksköterska i Malmö",
                        "title": "Sjuksköterska",
                        "visibility": "visible",
                        "skills": ["nursing"],
                        "languages": ["sv"],
                        "location": "Malmö",
                        "geo": {"lat": 55.6, "lon": 13.0},
                        "years": 4.0,
                        "updated_at": "2025-01-01T00:00:00+00:00",
                    },
                    "highlight": {"text_sv": ["<mark>Sjuksköterska</mark> i Malmö"]},
                }
            ],
        },
        "aggregations": {
            "skills": {"buckets": [{"key": "nursing", "doc_count": 2}]},
            "location": {
                "buckets": [{"key": "Malmö", "doc_count": 1}, {"key": "Lund", "doc_count": 1}]
            },
            "languages": {"buckets": []},
            "years": {
                "buckets": [
                    {"key": "0-2", "doc_count": 0},
                    {"key": "3-5", "doc_count": 2},
                    {"key": "6-10", "doc_count": 0},
                    {"key": "10+", "doc_count": 0},
                ]
            },
        },
    }
    result = parse_response(response, ProfileQuery(text="sjuksköterska"))
    assert result.total == 2
    (hit,) = result.hits
    assert (hit.cv_id, hit.version_id, hit.score) == ("a", "v2", 3.5)
    assert hit.snippets == ("<mark>Sjuksköterska</mark> i Malmö",)
    assert hit.fields["updated_at"] == datetime(2025, 1, 1, tzinfo=UTC)
    assert result.facets["location"] == (("Lund", 1), ("Malmö", 1))
    assert result.facets["years"] == (("3-5", 2),)


def test_unreachable_server_makes_search_unavailable() -> None:
    # Port 9 (discard) is closed on loopback, so the connection is refused at once.
    engine = ElasticsearchEngine("http://127.0.0.1:9", timeout=1, retries=0)
    with pytest.raises(SearchUnavailable):
        engine.search(ProfileQuery(text="java"))
    with pytest.raises(SearchUnavailable):
        engine.upsert([IndexDocument("a", "v1", "visible", "sv", "x")])
