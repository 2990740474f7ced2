"""The labelled development set keeps the composition the benchmark promises."""

import json
from collections import Counter
from pathlib import Path

import pytest

from indexer.flags import CATEGORIES

ROOT = Path(__file__).resolve().parents[4]
DEVSET = ROOT / "fixtures" / "flags" / "devset.jsonl"
CVS = ROOT / "fixtures" / "flags" / "cvs"


@pytest.fixture(scope="module")
def items():
    return [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]


def test_set_has_at_least_700_passages(items):
    assert len(items) >= 700


@pytest.mark.parametrize(
    ("languages", "minimum"), [(("sv",), 250), (("nb", "nn"), 200), (("en",), 150), (("da",), 100)]
)
def test_each_language_has_its_share(items, languages, minimum):
    assert sum(item["language"] in languages for item in items) >= minimum


def test_at_least_40_percent_are_negatives(items):
    negatives = sum(not item["labels"] for item in items)
    assert negatives / len(items) >= 0.4


@pytest.mark.parametrize("language", ["sv", "nb", "nn", "en", "da"])
def test_every_category_appears_in_every_language(items, language):
    found = {
        label["category"]
        for item in items
        if item["language"] == language
        for label in item["labels"]
    }
    assert found == set(CATEGORIES)


def test_labels_lie_inside_their_text(items):
    for item in items:
        for label in item["labels"]:
            assert 0 <= label["start"] < label["end"] <= len(item["text"]), item["id"]


def test_ids_are_unique(items):
    assert len({item["id"] for item in items}) == len(items)


def test_a_fifth_of_the_main_sources_is_held_out(items):
    # Passages from src/tuning/ were tuned on by design and are never held out.
    splits = Counter(item["split"] for item in items if not item["id"].startswith("tuning-"))
    assert 0.18 <= splits["holdout"] / (splits["dev"] + splits["holdout"]) <= 0.22


def test_fresh_passages_cover_every_category(items):
    found = {
        label["category"] for item in items if item["split"] == "fresh" for label in item["labels"]
    }
    assert found == set(CATEGORIES)


def test_fixture_cvs_have_enough_sensitive_and_clean_cvs():
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in CVS.glob("*.labels.json")]
    assert sum(bool(meta["labels"]) for meta in metas) >= 15
    assert sum(not meta["labels"] for meta in metas) >= 20


def test_fixture_cv_labels_point_into_their_text():
    for path in CVS.glob("*.labels.json"):
        text = path.with_name(path.name.replace(".labels.json", ".txt")).read_text(encoding="utf-8")
        for label in json.loads(path.read_text(encoding="utf-8"))["labels"]:
            assert text[label["start"] : label["end"]].strip(), path.name
