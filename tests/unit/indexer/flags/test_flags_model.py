"""The statistical model adds flags where the rules found nothing, and only there.

The real model (trained on indexer/data/flags/training.jsonl) is used where a test is about what
it recognises; a model that returns fixed probabilities is used where a test is about how its
answers are combined with the rules, so that the test does not depend on training.
"""

from collections.abc import Sequence

import pytest

from indexer.flags import MODEL_RULE_PREFIX, detect_flags, explain
from indexer.flags.model import MIN_WORDS, THRESHOLD, load_training
from indexer.flags.rules import RULE_CATEGORIES


class FixedModel:
    """Answers the same probability for one category and every passage."""

    def __init__(self, category: str, probability: float) -> None:
        self.category = category
        self.probability = probability

    def probabilities(self, passages: Sequence[str]) -> dict[str, list[float]]:
        return {self.category: [self.probability] * len(passages)}


def test_model_flags_a_passage_the_rules_missed():
    text = "Mamma är från Eritrea och pappa från Etiopien, själv är jag uppvuxen i Rinkeby."
    assert detect_flags(text, "sv", model=None) == []
    [flag] = detect_flags(text, "sv")
    assert flag.category == "ethnic_origin"
    assert flag.rule == f"{MODEL_RULE_PREFIX}ethnic_origin"
    assert (flag.start, flag.end) == (0, len(text))
    assert THRESHOLD <= flag.confidence <= 1


@pytest.mark.parametrize(
    "text",
    [
        "Jag har tio års erfarenhet av lagerarbete och truckkörning i Jönköping.",
        "Sjuksköterska på infektionskliniken, arbetade med patienter med hiv och hepatit.",
        "Handled payroll for 400 employees and negotiated the annual pay round with Unite.",
        "Jeg har førerkort klasse B og C og er vant til å kjøre i all slags vær.",
    ],
)
def test_model_leaves_ordinary_and_work_lines_alone(text):
    assert detect_flags(text, None) == []


def test_model_is_not_asked_where_the_rules_flagged_the_passage():
    text = "Medlem i IF Metall sedan 2015 och aktiv i verkstadsklubben."
    flags = detect_flags(text, "sv", model=FixedModel("political_opinion", 0.99))
    assert [f.category for f in flags] == ["trade_union"]
    assert not flags[0].rule.startswith(MODEL_RULE_PREFIX)


def test_model_flag_is_vetoed_by_an_exclusion_of_its_category():
    text = "Sjuksköterska som arbetade med patienter med diabetes i tio år."
    assert detect_flags(text, "sv", model=FixedModel("health", 0.99)) == []


def test_model_skips_fragments_too_short_to_judge():
    model = FixedModel("health", 0.99)
    short = "Jag är noggrann, har"
    assert len(short.split()) < MIN_WORDS
    assert detect_flags(short, "sv", model=model) == []
    [flag] = detect_flags("Jag har arbetat på lager i många år.", "sv", model=model)
    assert flag.rule == f"{MODEL_RULE_PREFIX}health"


def test_model_flags_from_the_threshold_up():
    text = "Jag har arbetat på lager i många år."
    assert detect_flags(text, "sv", model=FixedModel("health", THRESHOLD - 0.01)) == []
    assert len(detect_flags(text, "sv", model=FixedModel("health", THRESHOLD))) == 1


def test_model_flag_is_explained_without_pointing_at_a_word():
    [flag] = detect_flags(
        "Jag har arbetat på lager i många år.", "sv", model=FixedModel("health", 0.9)
    )
    text = explain(flag, "sv")
    assert "statistisk kontroll" in text
    assert "hälsa" in text
    assert "statistical check" in explain(flag, "en")


def test_training_data_covers_every_category_and_ordinary_cv_lines():
    rows = load_training()
    for category in RULE_CATEGORIES:
        assert sum(category in row.categories for row in rows) >= 50, category
    assert sum(row.split == "corpus" for row in rows) >= 1000
    assert not any("national_id" in row.categories for row in rows)
