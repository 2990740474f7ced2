"""A statistical second opinion next to the rules: a linear model over character and word n-grams.

The rules find what their authors thought of; on CV text written blind by people who never saw
them they find 84-90 % of the sensitive passages (docs/benchmarks.md). This model, trained on the
same labelled passages plus ordinary CV lines, recognises the many paraphrases that share
fragments with them ("lulesamisk familie" with "samisk familie", "Iranian-Swede" with
"Somali-Norwegian"). It only adds flags, and only to passages in which the rules found nothing;
it never flags a passage that a rule exclusion of the same category describes (a nurse's
patients, an HR manager's union negotiations), because those are the hard negatives the
exclusions were written for.

The training data is ``indexer/data/flags/training.jsonl``, built by
``fixtures/flags/build_devset.py``. The model is trained when it is first needed (a few seconds,
once per process) rather than shipped as a pickle, so it always matches the data and the
installed scikit-learn.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from indexer.flags.rules import DATA_DIR, RULE_CATEGORIES

TRAINING = DATA_DIR / "training.jsonl"
# Chosen on the blind batches fresh 5-7 (docs/benchmarks.md): at 0.5 the model adds recall
# with precision above 0.9 and fewer than 0.2 false flags per clean CV.
THRESHOLD = 0.5
# The model judges sentences; a CV fragment of fewer words ("Jag är", "Gift med Kari, to barn",
# "Rådgiver i Fagforbundet 2015–2020") is left to the rules, because there the model answered
# from one familiar phrase. Digits are not words here.
MIN_WORDS = 6
# Inverse regularisation strength of the logistic regressions.
_C = 20.0
_WORD = re.compile(r"[^\W\d_]+")


def long_enough(passage: str) -> bool:
    """Tell whether a passage has enough words for the model to judge it."""
    return len(_WORD.findall(passage)) >= MIN_WORDS


@dataclass(frozen=True)
class TrainingRow:
    """One passage of training text, the categories it is labelled with, and where it came from."""

    text: str
    categories: frozenset[str]
    split: str
    source: str


def load_training(path: Path = TRAINING) -> list[TrainingRow]:
    """Read the training passages."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            raw = json.loads(line)
            rows.append(
                TrainingRow(raw["text"], frozenset(raw["categories"]), raw["split"], raw["source"])
            )
    return rows


class PassageModel:
    """One logistic regression per rule category over shared n-gram features."""

    def __init__(self, rows: Sequence[TrainingRow]) -> None:
        if not rows:
            raise ValueError("no training passages")
        self._features = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2
                    ),
                ),
                ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            ]
        )
        matrix = self._features.fit_transform([row.text for row in rows])
        self._models: dict[str, LogisticRegression] = {}
        for category in RULE_CATEGORIES:
            labels = np.array([category in row.categories for row in rows])
            if labels.all() or not labels.any():
                continue
            model = LogisticRegression(C=_C, class_weight="balanced", max_iter=2000)
            self._models[category] = model.fit(matrix, labels)

    def probabilities(self, passages: Sequence[str]) -> dict[str, list[float]]:
        """Return, per category, the probability that each passage holds such data."""
        if not passages:
            return {category: [] for category in self._models}
        matrix = self._features.transform(list(passages))
        return {
            category: [float(p) for p in model.predict_proba(matrix)[:, 1]]
            for category, model in self._models.items()
        }


def train(
    rows: Iterable[TrainingRow], keep: Callable[[TrainingRow], bool] = lambda row: True
) -> PassageModel:
    """Train a model on the rows that ``keep`` accepts (the benchmark leaves a batch out)."""
    return PassageModel([row for row in rows if keep(row)])


@cache
def default_model() -> PassageModel:
    """Return the model trained on all of ``training.jsonl``, training it on first use."""
    return train(load_training())
