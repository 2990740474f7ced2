"""Finding the passage a candidate asks to remove in their CV's text."""

from __future__ import annotations

from cvbank.review.services import find_passage, passage_hash

TEXT = "Kompetens: C++ (5 år), Python.\nFritid: körsång i\nS:t Johannes kyrkokör; C++ (5 år)."


def test_every_occurrence_is_found_whatever_its_case_and_line_breaks() -> None:
    spans = find_passage(TEXT, "c++  (5 ÅR)")
    assert [TEXT[start:end] for start, end in spans] == ["C++ (5 år)", "C++ (5 år)"]
    assert spans[0] == (11, 21)
    (span,) = find_passage(TEXT, "körsång i s:t johannes")
    assert TEXT[span[0] : span[1]] == "körsång i\nS:t Johannes"


def test_words_are_matched_literally_and_nothing_is_found_for_blank_input() -> None:
    assert find_passage(TEXT, "C.. (5 år)") == []
    assert find_passage(TEXT, " \n ") == []


def test_identical_passages_share_a_fingerprint() -> None:
    assert passage_hash(" Jag har astma. ") == passage_hash("jag har ASTMA.")
    assert passage_hash("Jag har astma.") != passage_hash("Jag har diabetes.")
