"""Helpers shared by the engines: snippets, geography, query checks."""

from __future__ import annotations

import pytest

from indexer.errors import QuerySyntaxError
from indexer.gazetteer import distance_km
from indexer.search.base import ProfileQuery
from indexer.search.common import (
    MAX_RESULT_WINDOW,
    Highlighter,
    best_fragment,
    bounding_box,
    check_query,
    highlight_html,
    page_window,
    years_band,
)


def test_highlight_marks_whole_words_only() -> None:
    pattern = Highlighter({"java"})
    assert best_fragment("Java and javascript", pattern, 100) == "<mark>Java</mark> and javascript"


def test_highlight_marks_words_by_prefix() -> None:
    pattern = Highlighter(set(), {"utveckl"})
    assert best_fragment("Utvecklare, utveckling", pattern, 100) == (
        "<mark>Utvecklare</mark>, <mark>utveckling</mark>"
    )


def test_highlight_escapes_everything_outside_the_marks() -> None:
    pattern = Highlighter({"x"})
    assert best_fragment("<b>x</b> & <script>", pattern, 100) == (
        "&lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; &lt;script&gt;"
    )


def test_highlight_treats_query_words_as_literals() -> None:
    assert Highlighter({"a.b"}).spans("aXb a.b") == [(4, 7)]


def test_highlight_keeps_offsets_when_lower_case_is_longer() -> None:
    assert Highlighter({"java"}).spans("İİ java") == [(3, 7)]


def test_fragment_is_the_window_with_most_matches() -> None:
    text = "java " + "filler " * 100 + "python python python " + "filler " * 100
    fragment = best_fragment(text, Highlighter({"python"}), 80)
    assert fragment.count("<mark>python</mark>") == 3
    assert fragment.startswith("… ")
    assert fragment.endswith(" …")


def test_fragment_without_matches_is_the_start_of_the_text() -> None:
    assert best_fragment("Hej <du>", Highlighter({"java"}), 100) == "Hej &lt;du&gt;"


def test_overlapping_spans_are_not_nested() -> None:
    assert highlight_html("abcdef", [(0, 4), (2, 6)]) == "<mark>abcd</mark>ef"


def test_distance_between_malmo_and_lund() -> None:
    assert distance_km((55.6050, 13.0038), (55.7047, 13.1910)) == pytest.approx(16.1, abs=0.3)


def test_bounding_box_contains_the_circle() -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box((59.33, 18.07), 50)
    assert min_lon is not None
    assert max_lon is not None
    assert distance_km((59.33, 18.07), (max_lat, 18.07)) == pytest.approx(50, abs=0.1)
    assert distance_km((59.33, 18.07), (59.33, max_lon)) >= 50
    assert distance_km((59.33, 18.07), (min_lat, 18.07)) == pytest.approx(50, abs=0.1)
    assert distance_km((59.33, 18.07), (59.33, min_lon)) >= 50


def test_bounding_box_near_the_pole_leaves_longitude_open() -> None:
    assert bounding_box((89.5, 0.0), 100)[2:] == (None, None)


@pytest.mark.parametrize(
    ("years", "band"), [(0, "0-2"), (2.9, "0-2"), (3, "3-5"), (9.9, "6-10"), (10, "10+")]
)
def test_years_bands(years: float, band: str) -> None:
    assert years_band(years) == band


def test_page_beyond_the_window_has_no_rows() -> None:
    assert page_window(ProfileQuery(page=MAX_RESULT_WINDOW // 10 + 1, per_page=10))[1] == 0
    assert page_window(ProfileQuery(page=2, per_page=10)) == (10, 10)


@pytest.mark.parametrize(
    "query",
    [
        ProfileQuery(page=0),
        ProfileQuery(per_page=0),
        ProfileQuery(per_page=101),
        ProfileQuery(radius_km=10),
        ProfileQuery(location=(55.6, 13.0), radius_km=-1),
        ProfileQuery(location=(55.6, 13.0), radius_km=float("nan")),
        ProfileQuery(location=(95.0, 13.0), radius_km=10),
        ProfileQuery(min_years=float("inf")),
    ],
    ids=repr,
)
def test_impossible_queries_are_syntax_errors(query: ProfileQuery) -> None:
    with pytest.raises(QuerySyntaxError):
        check_query(query)
