"""The labelled set is built from its sources, and the passages the rules were tuned on stay right.

The tuning passages (fixtures/flags/src/tuning/) were written from the category definitions
while the rules were widened: each is a sentence the detector must flag with exactly its
labelled categories, or a hard negative it must leave alone. The unseen splits are measured by
``make bench-flags``, never asserted here.
"""

import importlib.util
import json
from pathlib import Path

import pytest

from indexer.flags import detect_flags

ROOT = Path(__file__).resolve().parents[4]
DEVSET = ROOT / "fixtures" / "flags" / "devset.jsonl"


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_devset", ROOT / "fixtures" / "flags" / "build_devset.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ITEMS = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]
TUNING = [item for item in ITEMS if item["id"].startswith("tuning-")]


def test_devset_is_built_from_the_sources():
    assert _load_builder().build() == ITEMS, "run: python fixtures/flags/build_devset.py"


def test_model_training_data_is_built_from_the_devset():
    builder = _load_builder()
    lines = builder.TRAINING.read_text(encoding="utf-8").splitlines()
    assert builder.build_training(ITEMS) == [json.loads(line) for line in lines], (
        "run: python fixtures/flags/build_devset.py"
    )


def test_tuning_passages_cover_sensitive_and_clean_text():
    assert sum(bool(item["labels"]) for item in TUNING) >= 50
    assert sum(not item["labels"] for item in TUNING) >= 50


@pytest.mark.parametrize("language_known", [True, False], ids=["language", "no-language"])
@pytest.mark.parametrize("item", TUNING, ids=[item["id"] for item in TUNING])
def test_tuning_passage_is_flagged_as_labelled(item, language_known):
    # Without a language every language's rules and exclusions run (a CV whose language was
    # not detected), so one language's exclusion must not hide another's sentence.
    language = item["language"] if language_known else None
    found = {flag.category for flag in detect_flags(item["text"], language)}
    assert found == {label["category"] for label in item["labels"]}, item["text"]
