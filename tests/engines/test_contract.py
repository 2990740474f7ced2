"""The contract every search engine keeps; runs against each engine in ``conftest.kit``."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from conftest import EngineKit
from engine_corpus import (
    BLOCKED_ORG,
    CORPUS,
    LUND,
    MALMO,
    OTHER_ORG,
    VISIBLE_IDS,
)

from indexer.errors import QuerySyntaxError
from indexer.search.base import IndexDocument, ProfileQuery, SearchEngine, SearchResult
from indexer.search.common import MAX_RESULT_WINDOW


def ids(result: SearchResult) -> set[str]:
    return {hit.cv_id for hit in result.hits}


def find(engine: SearchEngine, text: str = "", **kwargs: object) -> set[str]:
    return ids(engine.search(ProfileQuery(text=text, per_page=100, **kwargs)))  # type: ignore[arg-type]


def doc(cv_id: str, text: str, **kwargs: object) -> IndexDocument:
    fields: dict[str, object] = {
        "version_id": "v1",
        "visibility": "visible",
        "language": "sv",
        "updated_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    fields.update(kwargs)
    return IndexDocument(cv_id=cv_id, text=text, **fields)  # type: ignore[arg-type]


# -- indexing ----------------------------------------------------------------------------------


def test_upserted_document_is_found(kit: EngineKit) -> None:
    engine = kit.make()
    engine.upsert([doc("a", "Elektriker med behörighet")])
    assert find(engine, "elektriker") == {"a"}


def test_count_is_the_number_of_indexed_documents(engine: SearchEngine) -> None:
    assert engine.count() == len(CORPUS)


def test_upsert_replaces_the_document_with_the_same_cv_id(kit: EngineKit) -> None:
    engine = kit.make()
    engine.upsert([doc("a", "Elektriker med behörighet")])
    engine.upsert([doc("a", "Snickare med gesällbrev", version_id="v2")])
    assert find(engine, "elektriker") == set()
    result = engine.search(ProfileQuery(text="snickare"))
    assert [(h.cv_id, h.version_id) for h in result.hits] == [("a", "v2")]
    assert engine.count() == 1


def test_the_last_version_wins_within_one_batch(kit: EngineKit) -> None:
    engine = kit.make()
    engine.upsert([doc("a", "elektriker", version_id="v1"), doc("a", "snickare", version_id="v2")])
    assert engine.count() == 1
    assert find(engine, "snickare") == {"a"}


def test_deleted_document_is_not_found(engine: SearchEngine) -> None:
    engine.delete(["nurse-malmo"])
    assert "nurse-malmo" not in find(engine)
    assert engine.count() == len(CORPUS) - 1


def test_deleting_an_unknown_id_is_ignored(engine: SearchEngine) -> None:
    engine.delete(["no-such-cv"])
    assert engine.count() == len(CORPUS)


def test_empty_index_answers_with_no_hits(kit: EngineKit) -> None:
    result = kit.make().search(ProfileQuery(text="sjuksköterska"))
    assert (result.total, result.hits) == (0, ())


def test_reader_sees_the_writers_commits(kit: EngineKit) -> None:
    writer = kit.make()
    writer.upsert([doc("a", "elektriker")])
    reader = kit.open_reader(writer)
    assert find(reader, "elektriker") == {"a"}
    writer.upsert([doc("b", "elektriker i Kiruna")])
    writer.delete(["a"])
    assert find(reader, "elektriker") == {"b"}


# -- the query language ------------------------------------------------------------------------


def test_every_word_is_required(engine: SearchEngine) -> None:
    assert find(engine, "sjuksköterska Malmö") == {"nurse-malmo"}
    assert find(engine, "sjuksköterska Lund") == set()


def test_phrase_matches_adjacent_words_in_order(engine: SearchEngine) -> None:
    assert find(engine, '"agila team"') == {"dev-stockholm"}
    assert find(engine, '"team agila"') == set()


def test_phrase_is_exact_while_words_are_stemmed(engine: SearchEngine) -> None:
    assert find(engine, "legitimerad sjuksköterskor") == {"nurse-malmo"}
    assert find(engine, '"legitimerad sjuksköterskor"') == set()
    assert find(engine, '"legitimerad sjuksköterska"') == {"nurse-malmo"}


def test_or_matches_either_side(engine: SearchEngine) -> None:
    assert find(engine, "kotlin OR django") == {"dev-stockholm", "dev-gothenburg"}


def test_or_binds_tighter_than_and(engine: SearchEngine) -> None:
    assert find(engine, "triage lund OR malmö") == {"nurse-malmo", "assistant-lund"}
    assert find(engine, "triage hemtjänsten OR akutmottagningen") == {
        "nurse-malmo",
        "assistant-lund",
    }


def test_exclusion_removes_matches(engine: SearchEngine) -> None:
    assert find(engine, "triage -hemtjänsten") == {"nurse-malmo"}


def test_excluded_phrase_removes_matches(engine: SearchEngine) -> None:
    assert find(engine, 'triage -"hemtjänsten i Lund"') == {"nurse-malmo"}


def test_exclusion_alone_matches_everything_else(engine: SearchEngine) -> None:
    assert find(engine, "-triage") == VISIBLE_IDS - {"nurse-malmo", "assistant-lund"}


def test_an_excluded_word_is_not_expanded_to_its_synonyms(engine: SearchEngine) -> None:
    # "USK" finds the Undersköterska through the taxonomy, but "-USK" excludes only the word.
    assert "assistant-lund" in find(engine, "-USK")
    assert "assistant-lund" not in find(engine, "-undersköterska")


def test_prefix_matches_the_start_of_words(engine: SearchEngine) -> None:
    assert find(engine, "akutmott*") == {"nurse-malmo"}
    assert find(engine, "system*") == {"dev-stockholm"}


def test_parentheses_group_alternatives(engine: SearchEngine) -> None:
    assert find(engine, "(kotlin OR django) -python") == {"dev-stockholm"}


def test_colon_is_punctuation_not_field_syntax(engine: SearchEngine) -> None:
    assert find(engine, "visibility:hidden") == set()
    assert find(engine, "text:sjuksköterska") == set()


def test_query_of_punctuation_only_matches_everything(engine: SearchEngine) -> None:
    assert find(engine, "+ - * ( )") == VISIBLE_IDS


def test_too_short_prefix_is_a_syntax_error(engine: SearchEngine) -> None:
    with pytest.raises(QuerySyntaxError, match="at least 2 letters"):
        engine.search(ProfileQuery(text="s*"))


def test_words_match_whatever_their_case(engine: SearchEngine) -> None:
    assert find(engine, "KOTLIN") == {"dev-stockholm"}


# -- stemming and synonyms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("sjuksköterskor", "nurse-malmo", id="swedish"),
        pytest.param("ingeniør", "engineer-oslo", id="norwegian"),
        pytest.param("sygeplejerske", "nurse-copenhagen", id="danish"),
        pytest.param("developer", "dev-gothenburg", id="english"),
        pytest.param("sairaanhoitajat", "nurse-helsinki", id="finnish"),
    ],
)
def test_inflected_forms_find_each_other(engine: SearchEngine, text: str, expected: str) -> None:
    assert expected in find(engine, text)


def test_swedish_stemming_does_not_leak_into_other_languages(engine: SearchEngine) -> None:
    # "sjuksköterskor" stems to the same as "sjuksköterska" only in the Swedish field.
    assert find(engine, "sjuksköterskor") == {"nurse-malmo"}


def test_synonym_finds_the_word_it_stands_for(engine: SearchEngine) -> None:
    assert find(engine, "USK") == {"assistant-lund"}


def test_synonym_inside_a_phrase_query_is_expanded(engine: SearchEngine) -> None:
    assert find(engine, '"SSK"') == {"nurse-malmo"}


# -- an empty query ----------------------------------------------------------------------------


def test_empty_query_returns_every_visible_cv_most_recent_first(engine: SearchEngine) -> None:
    result = engine.search(ProfileQuery(per_page=100))
    assert result.total == len(VISIBLE_IDS)
    expected = sorted(
        (d for d in CORPUS if d.cv_id in VISIBLE_IDS), key=lambda d: d.updated_at, reverse=True
    )
    assert [h.cv_id for h in result.hits] == [d.cv_id for d in expected]


def test_empty_query_with_a_filter_returns_the_matching_cvs(engine: SearchEngine) -> None:
    assert find(engine, skills=("nursing",)) == {
        "nurse-malmo",
        "nurse-copenhagen",
        "nurse-helsinki",
    }


# -- visibility and blocks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        ProfileQuery(),
        ProfileQuery(text="sjuksköterska"),
        ProfileQuery(text="java python"),
        ProfileQuery(text="-nothing"),
        ProfileQuery(skills=("nursing", "java")),
        ProfileQuery(location=MALMO, radius_km=5),
        ProfileQuery(min_years=15),
        ProfileQuery(languages=("da", "nb", "fi")),
        ProfileQuery(updated_since=datetime(2025, 12, 1, tzinfo=UTC)),
        ProfileQuery(text="systemutvecklare", sort="recent", organisation_id=OTHER_ORG),
    ],
    ids=repr,
)
def test_hidden_cv_is_never_found(engine: SearchEngine, query: ProfileQuery) -> None:
    result = engine.search(dataclasses.replace(query, per_page=100))
    assert "hidden-malmo" not in ids(result)
    assert result.total == len(ids(result))


def test_hidden_cv_is_not_counted_in_facets(engine: SearchEngine) -> None:
    facets = engine.search(ProfileQuery(location=MALMO, radius_km=5)).facets
    assert dict(facets["skills"]) == {"nursing": 1, "triage": 1}
    assert dict(facets["years"]) == {"10+": 1}


def test_anonymous_cv_is_found(engine: SearchEngine) -> None:
    result = engine.search(ProfileQuery(text="django"))
    assert [(h.cv_id, h.fields["visibility"]) for h in result.hits] == [
        ("dev-gothenburg", "anonymous")
    ]


def test_blocked_organisation_does_not_find_the_cv(engine: SearchEngine) -> None:
    assert find(engine, "undersköterska", organisation_id=BLOCKED_ORG) == set()
    assert "assistant-lund" not in find(engine, organisation_id=BLOCKED_ORG)


def test_other_organisations_find_a_cv_that_blocks_someone_else(engine: SearchEngine) -> None:
    assert find(engine, "undersköterska", organisation_id=OTHER_ORG) == {"assistant-lund"}


def test_blocked_cv_is_not_counted_in_facets_for_the_blocked_organisation(
    engine: SearchEngine,
) -> None:
    facets = engine.search(ProfileQuery(text="triage", organisation_id=BLOCKED_ORG)).facets
    assert dict(facets["skills"]) == {"nursing": 1, "triage": 1}
    assert dict(facets["location"]) == {"Malmö": 1}


# -- filters -----------------------------------------------------------------------------------


def test_skills_filter_requires_all_skills(engine: SearchEngine) -> None:
    assert find(engine, skills=("nursing", "triage")) == {"nurse-malmo"}


def test_languages_filter_requires_all_languages(engine: SearchEngine) -> None:
    assert find(engine, languages=("sv", "en")) == {
        "nurse-malmo",
        "dev-stockholm",
        "dev-gothenburg",
    }


def test_locations_filter_accepts_any_of_the_places(engine: SearchEngine) -> None:
    assert find(engine, locations=("Lund", "Oslo")) == {"assistant-lund", "engineer-oslo"}


def test_cv_ids_filter_keeps_only_those_cvs(engine: SearchEngine) -> None:
    assert find(engine, cv_ids=("assistant-lund", "engineer-oslo", "no-such-cv")) == {
        "assistant-lund",
        "engineer-oslo",
    }


def test_cv_ids_filter_keeps_the_security_filters(engine: SearchEngine) -> None:
    hidden = {d.cv_id for d in CORPUS} - VISIBLE_IDS
    assert find(engine, cv_ids=tuple(hidden)) == set()


def test_years_band_filter_excludes_its_upper_end(engine: SearchEngine) -> None:
    expected = {
        d.cv_id
        for d in CORPUS
        if d.cv_id in VISIBLE_IDS
        and d.years_experience is not None
        and 6 <= d.years_experience < 10
    }
    assert expected  # the corpus has CVs in the band, so the test can fail
    assert find(engine, min_years=6, max_years=10) == expected


def test_cv_language_filter(engine: SearchEngine) -> None:
    assert find(engine, cv_language="da") == {"nurse-copenhagen"}


def test_minimum_years_filter_includes_the_bound(engine: SearchEngine) -> None:
    assert find(engine, min_years=8) == {"nurse-malmo", "engineer-oslo", "nurse-helsinki"}


def test_updated_since_filter(engine: SearchEngine) -> None:
    since = datetime(2025, 3, 1, tzinfo=UTC)
    assert find(engine, updated_since=since) == {"nurse-malmo", "dev-stockholm", "dev-gothenburg"}


def test_radius_filter_keeps_places_within_the_distance(engine: SearchEngine) -> None:
    assert find(engine, location=MALMO, radius_km=20) == {"nurse-malmo", "assistant-lund"}
    assert find(engine, location=MALMO, radius_km=30) == {
        "nurse-malmo",
        "assistant-lund",
        "nurse-copenhagen",
        "cook-corner",
    }


def test_radius_filter_is_a_circle_not_a_box(engine: SearchEngine) -> None:
    # cook-corner lies inside the 20 km bounding box but 24 km away: neither hit nor counted.
    result = engine.search(ProfileQuery(location=MALMO, radius_km=20))
    assert result.total == 2
    assert "Hörby" not in dict(result.facets["location"])


def test_radius_filter_combines_with_text(engine: SearchEngine) -> None:
    assert find(engine, "triage", location=LUND, radius_km=5) == {"assistant-lund"}


def test_radius_without_a_place_is_a_query_error(engine: SearchEngine) -> None:
    with pytest.raises(QuerySyntaxError):
        engine.search(ProfileQuery(radius_km=10))


def test_filters_combine(engine: SearchEngine) -> None:
    assert find(engine, "erfaren*", skills=("java",), min_years=3, languages=("en",)) == {
        "dev-stockholm"
    }


# -- facets ------------------------------------------------------------------------------------


def test_facets_count_the_whole_match_set_not_the_page(engine: SearchEngine) -> None:
    result = engine.search(ProfileQuery(per_page=1))
    assert len(result.hits) == 1
    skills = dict(result.facets["skills"])
    assert skills["nursing"] == 3
    assert skills["triage"] == 2
    assert sum(dict(result.facets["location"]).values()) == len(VISIBLE_IDS)


def test_facets_are_ordered_by_count_then_name(engine: SearchEngine) -> None:
    languages = engine.search(ProfileQuery()).facets["languages"]
    assert languages == (("sv", 6), ("en", 4), ("da", 1), ("fi", 1), ("nb", 1))


def test_years_facet_counts_bands_in_order(engine: SearchEngine) -> None:
    years = engine.search(ProfileQuery()).facets["years"]
    assert years == (("0-2", 1), ("3-5", 3), ("6-10", 2), ("10+", 2))


def test_facets_follow_the_query(engine: SearchEngine) -> None:
    facets = engine.search(ProfileQuery(text="sjuksköterska OR sygeplejerske")).facets
    assert dict(facets["location"]) == {"Malmö": 1, "København": 1}


@pytest.mark.parametrize("text", ["", "triage", "sjuksköterska OR kotlin", "-triage"])
def test_total_is_the_same_with_and_without_facets(engine: SearchEngine, text: str) -> None:
    with_facets = engine.search(ProfileQuery(text=text, organisation_id=BLOCKED_ORG))
    without = engine.search(ProfileQuery(text=text, organisation_id=BLOCKED_ORG, facets=False))
    assert with_facets.total == without.total
    assert with_facets.total == len(find(engine, text, organisation_id=BLOCKED_ORG))


def test_facets_can_be_turned_off(engine: SearchEngine) -> None:
    assert engine.search(ProfileQuery(facets=False)).facets == {}


# -- highlighting ------------------------------------------------------------------------------


def test_snippet_marks_the_matched_word(engine: SearchEngine) -> None:
    (hit,) = engine.search(ProfileQuery(text="akutmottagningen")).hits
    assert "<mark>akutmottagningen</mark>" in hit.snippets[0]


def test_snippet_marks_the_inflected_form_found_by_stemming(engine: SearchEngine) -> None:
    (hit,) = engine.search(ProfileQuery(text="sjuksköterskor")).hits
    assert "<mark>sjuksköterska</mark>" in hit.snippets[0]


def test_snippet_marks_words_found_by_prefix(engine: SearchEngine) -> None:
    (hit,) = engine.search(ProfileQuery(text="akutmott*")).hits
    assert "<mark>akutmottagningen</mark>" in hit.snippets[0]


def test_snippet_escapes_markup_from_the_cv(engine: SearchEngine) -> None:
    (hit,) = engine.search(ProfileQuery(text="shop")).hits
    snippet = hit.snippets[0]
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "&amp;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_excluded_words_are_not_marked(engine: SearchEngine) -> None:
    (hit,) = engine.search(ProfileQuery(text="triage -hemtjänsten")).hits
    assert "<mark>" in hit.snippets[0]
    assert "<mark>hemtjänsten</mark>" not in hit.snippets[0]


def test_hit_without_a_text_match_shows_the_start_of_the_cv(engine: SearchEngine) -> None:
    (hit,) = engine.search(ProfileQuery(cv_language="da")).hits
    assert hit.snippets[0].startswith("Sygeplejersker på hospitalet")


def test_snippets_can_be_turned_off(engine: SearchEngine) -> None:
    (hit,) = engine.search(ProfileQuery(text="vannkraft", snippets=False)).hits
    assert hit.snippets == ()


def test_hit_carries_the_display_fields(engine: SearchEngine) -> None:
    (hit,) = engine.search(ProfileQuery(text="vannkraft")).hits
    assert hit.version_id == "v1"
    assert hit.fields["title"] == "Prosjektleder"
    assert hit.fields["location"] == "Oslo"
    assert hit.fields["years_experience"] == 12.0
    assert tuple(hit.fields["skills"]) == ("project_management",)
    assert hit.fields["updated_at"] == datetime(2024, 11, 1, tzinfo=UTC)


# -- sorting and pages -------------------------------------------------------------------------


def test_relevance_puts_the_better_match_first(kit: EngineKit) -> None:
    engine = kit.make()
    engine.upsert(
        [
            doc("once", "Snickare. " + "Erfaren av byggprojekt och renovering. " * 5),
            doc("often", "Snickare snickare snickare, snickare med eget snickeri."),
        ]
    )
    result = engine.search(ProfileQuery(text="snickare"))
    assert [h.cv_id for h in result.hits] == ["often", "once"]
    assert result.hits[0].score > result.hits[1].score


def test_recent_sort_orders_by_update_time(engine: SearchEngine) -> None:
    result = engine.search(ProfileQuery(text="nursing OR triage OR sjuksköterska", sort="recent"))
    dates = [h.fields["updated_at"] for h in result.hits]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) >= 2


def test_pages_do_not_overlap_and_cover_every_match(engine: SearchEngine) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        result = engine.search(ProfileQuery(page=page, per_page=3))
        assert result.total == len(VISIBLE_IDS)
        seen.extend(h.cv_id for h in result.hits)
    assert sorted(seen) == sorted(VISIBLE_IDS)


def test_page_past_the_end_is_empty(engine: SearchEngine) -> None:
    result = engine.search(ProfileQuery(page=10, per_page=20))
    assert (result.total, result.hits) == (len(VISIBLE_IDS), ())


def test_page_beyond_the_result_window_is_empty(engine: SearchEngine) -> None:
    result = engine.search(ProfileQuery(page=MAX_RESULT_WINDOW // 20 + 1, per_page=20))
    assert (result.total, result.hits) == (len(VISIBLE_IDS), ())


def test_page_zero_is_a_query_error(engine: SearchEngine) -> None:
    with pytest.raises(QuerySyntaxError):
        engine.search(ProfileQuery(page=0))


# -- rebuilding --------------------------------------------------------------------------------


def test_rebuild_replaces_the_whole_index(engine: SearchEngine) -> None:
    engine.rebuild([doc("fresh", "Elektriker")])
    assert engine.count() == 1
    assert find(engine) == {"fresh"}


def test_reader_follows_a_rebuild(kit: EngineKit) -> None:
    writer = kit.loaded()
    reader = kit.open_reader(writer)
    assert find(reader, "triage") == {"nurse-malmo", "assistant-lund"}
    writer.rebuild([doc("fresh", "triage")])
    assert find(reader, "triage") == {"fresh"}


def test_writes_after_a_rebuild_go_to_the_new_index(kit: EngineKit) -> None:
    engine = kit.loaded()
    engine.rebuild([doc("fresh", "Elektriker")])
    engine.upsert([doc("later", "Elektriker")])
    engine.delete(["fresh"])
    assert find(engine, "elektriker") == {"later"}


def test_searches_keep_answering_during_a_rebuild(kit: EngineKit) -> None:
    writer = kit.loaded()
    reader = kit.open_reader(writer)
    halfway = threading.Event()
    answers: list[int] = []

    def slow_documents() -> Iterator[IndexDocument]:
        for i in range(40):
            if i == 20:
                halfway.set()
                time.sleep(0.3)  # leave the searcher time to search mid-rebuild
            yield doc(f"new-{i}", "triage")

    rebuilding = threading.Thread(target=writer.rebuild, args=(slow_documents(),))
    rebuilding.start()
    assert halfway.wait(10)
    while rebuilding.is_alive():
        answers.append(reader.search(ProfileQuery(text="triage")).total)
    rebuilding.join()
    assert answers, "no search ran during the rebuild"
    assert set(answers) <= {2, 40}
    assert answers[0] == 2
    assert reader.search(ProfileQuery(text="triage")).total == 40


def test_failed_rebuild_keeps_the_old_index(kit: EngineKit) -> None:
    engine = kit.loaded()

    def broken_documents() -> Iterator[IndexDocument]:
        yield doc("new", "Elektriker")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        engine.rebuild(broken_documents())
    assert engine.count() == len(CORPUS)
    assert find(engine, "elektriker") == set()
    engine.upsert([doc("after", "Elektriker")])
    assert find(engine, "elektriker") == {"after"}
