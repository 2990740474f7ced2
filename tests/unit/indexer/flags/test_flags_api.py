import pytest

from indexer.flags import (
    CATEGORIES,
    Flag,
    category_label,
    detect_flags,
    explain,
    redact,
    rule_languages,
)
from indexer.flags.rules import languages


def test_categories_are_the_nine_design_keys():
    assert CATEGORIES == (
        "ethnic_origin",
        "political_opinion",
        "religion_belief",
        "trade_union",
        "health",
        "genetic_biometric",
        "sex_life_orientation",
        "criminal_offence",
        "national_id",
    )


def test_flag_to_dict_has_the_cli_shape():
    flag = Flag("health", 0, 13, "Jag har ADHD.", "sv.health.diagnosis", 0.9)
    assert flag.to_dict() == {
        "category": "health",
        "start": 0,
        "end": 13,
        "text": "Jag har ADHD.",
        "rule": "sv.health.diagnosis",
        "confidence": 0.9,
    }


def test_flag_covers_the_whole_sentence_not_only_the_keyword():
    text = "Erfaren projektledare. Jag fick diagnosen ADHD 2019. Gillar friluftsliv."
    [flag] = detect_flags(text, "sv")
    assert flag.text == "Jag fick diagnosen ADHD 2019."
    assert text[flag.start : flag.end] == flag.text


def test_flags_are_sorted_by_start():
    text = "Dömd för rattfylla 2016.\nPersonnummer: 811218-9876\nNykter sedan 2017."
    flags = detect_flags(text, "sv")
    assert [f.category for f in flags] == ["criminal_offence", "national_id", "health"]


def test_explain_names_category_and_evidence_in_swedish():
    [flag] = detect_flags("Jag fick diagnosen ADHD 2019.", "sv")
    text = explain(flag, "sv")
    assert "hälsa" in text
    assert "ADHD" in text


def test_category_label_falls_back_to_english_for_unknown_locale():
    assert category_label("trade_union", "fi") == "trade-union membership"


def test_redact_cuts_spans():
    assert redact("abc def ghi", [(4, 8)]) == "abc ghi"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", ("sv", "en")),
        ("nb", ("nb", "nn", "en")),
        ("no", ("nb", "nn", "en")),
        ("nn-NO", ("nn", "nb", "en")),
        ("en", ("en",)),
        ("en_GB", ("en",)),
    ],
)
def test_rule_languages_run_each_language_once_own_first(language, expected):
    assert rule_languages(language) == expected


def test_rule_languages_run_every_language_when_unknown():
    assert rule_languages(None) == languages()
    assert rule_languages("fi") == languages()
