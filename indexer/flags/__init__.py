"""Find passages of sensitive-category data in CV text, explain them and cut them out.

Rules live in ``indexer/data/flags/<language>/<category>.toml``; national identity numbers are
found by :mod:`indexer.flags.ids`. With ``language=None`` the rules of every language run,
because Nordic CVs often mix their own language with English; with a language, its rules run
together with English (and bokmål with nynorsk), for the same reason. A statistical model
(:mod:`indexer.flags.model`) then adds the passages the rules missed but that read like the
labelled sensitive passages it was trained on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from indexer.flags.explain import category_label, explanation
from indexer.flags.ids import find_national_ids
from indexer.flags.model import THRESHOLD as MODEL_THRESHOLD
from indexer.flags.model import PassageModel, default_model, long_enough
from indexer.flags.rules import (
    RULE_CATEGORIES,
    Rule,
    RuleFileError,
    RuleSet,
    all_rules,
    languages,
)
from indexer.flags.segment import split_passages

__all__ = [
    "CATEGORIES",
    "MODEL_RULE_PREFIX",
    "Flag",
    "RuleFileError",
    "category_label",
    "detect_flags",
    "explain",
    "redact",
]

CATEGORIES: tuple[str, ...] = (*RULE_CATEGORIES, "national_id")
# A flag the statistical model added is named "model.<category>".
MODEL_RULE_PREFIX = "model."


class Default:
    """Marks the default argument "the model trained on all the training data"."""


DEFAULT = Default()
# Languages whose rules also run when a CV is in the key language.
_COMPANIONS = {"nb": ("nn",), "nn": ("nb",), "no": ("nb", "nn")}


@dataclass(frozen=True)
class Flag:
    """One sensitive passage: where it is, what it is, and which rule found it."""

    category: str
    start: int
    end: int
    text: str
    rule: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used by the CLI and the API."""
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule": self.rule,
            "confidence": self.confidence,
        }


def rule_languages(language: str | None) -> tuple[str, ...]:
    """Return the rule languages that run for a CV in the given language."""
    available = languages()
    code = (language or "").lower().replace("_", "-").split("-")[0]
    if code not in available and code not in _COMPANIONS:
        return available
    # The CV's own language comes first so that its rule wins a tie and names the flag.
    wanted = [code, *_COMPANIONS.get(code, ()), "en"]
    return tuple(lang for lang in dict.fromkeys(wanted) if lang in available)


def detect_flags(
    text: str, language: str | None = None, *, model: PassageModel | Default | None = DEFAULT
) -> list[Flag]:
    """Return the sensitive passages in text, sorted by start offset.

    The rules run first; then the statistical model (:mod:`indexer.flags.model`) may flag a
    passage in which the rules found nothing. ``model=None`` runs the rules alone; the
    benchmark passes a model trained without the batch it measures.
    """
    flags = [
        Flag("national_id", m.start, m.end, text[m.start : m.end], m.rule, round(m.confidence, 2))
        for m in find_national_ids(text)
    ]
    rule_sets = all_rules(rule_languages(language))
    spans = split_passages(text)
    passages = [text[start:end] for start, end in spans]
    found = [_best_rules(passage, rule_sets) for passage in passages]
    for (start, end), passage, rules in zip(spans, passages, found, strict=True):
        flags.extend(
            Flag(category, start, end, passage, rule.id, rule.confidence)
            for category, rule in rules.items()
        )
    if model is not None:
        chosen = default_model() if isinstance(model, Default) else model
        flags.extend(_model_flags(chosen, spans, passages, found, rule_sets))
    flags.sort(key=lambda f: (f.start, f.end, CATEGORIES.index(f.category)))
    return flags


def _model_flags(
    model: PassageModel,
    spans: list[tuple[int, int]],
    passages: list[str],
    found: list[dict[str, Rule]],
    rule_sets: tuple[RuleSet, ...],
) -> list[Flag]:
    """Flag, from the model, the passages of six words or more in which no rule fired.

    Where a rule did fire, a further category from the model was more often a confusion (a union
    read as a party) than one the rules missed (docs/benchmarks.md); and an exclusion of the
    category (a nurse's patients) vetoes the model as it does the rules.
    """
    candidates = [i for i, passage in enumerate(passages) if not found[i] and long_enough(passage)]
    flags = []
    probabilities = model.probabilities([passages[i] for i in candidates])
    for category, values in probabilities.items():
        for i, probability in zip(candidates, values, strict=True):
            if probability >= MODEL_THRESHOLD and not _excluded(passages[i], category, rule_sets):
                start, end = spans[i]
                rule = f"{MODEL_RULE_PREFIX}{category}"
                flags.append(Flag(category, start, end, passages[i], rule, round(probability, 2)))
    return flags


def _exclusions(category: str, rule_sets: tuple[RuleSet, ...]) -> Iterator[re.Pattern[str]]:
    """Yield the exclusions of a category in every active language."""
    for rule_set in rule_sets:
        if rule_set.category == category:
            yield from rule_set.exclusions


def _excluded(passage: str, category: str, rule_sets: tuple[RuleSet, ...]) -> bool:
    """Tell whether an exclusion of the category (a job, patients, a course) covers the passage."""
    return any(pattern.search(passage) for pattern in _exclusions(category, rule_sets))


def _best_rules(passage: str, rule_sets: tuple[RuleSet, ...]) -> dict[str, Rule]:
    """Return the most confident firing rule of each category in one passage."""
    masks: dict[str, list[tuple[int, int]]] = {}

    def masked(category: str) -> list[tuple[int, int]]:
        # Exclusions are the costly patterns, so they run only once a trigger has matched.
        # Those of every active language apply, so an English rule does not fire on a
        # Norwegian "pasienter med diabetes" that the Norwegian exclusions recognise.
        if category not in masks:
            masks[category] = [
                m.span()
                for pattern in _exclusions(category, rule_sets)
                for m in pattern.finditer(passage)
            ]
        return masks[category]

    best: dict[str, Rule] = {}
    for rule_set in rule_sets:
        for rule in rule_set.rules:
            current = best.get(rule.category)
            if current is not None and current.confidence >= rule.confidence:
                continue
            matches = [m.span() for pattern in rule.triggers for m in pattern.finditer(passage)]
            if matches and _evidence(rule, passage, masked(rule.category)) is not None:
                best[rule.category] = rule
    return best


def _evidence(rule: Rule, passage: str, masked: list[tuple[int, int]]) -> str | None:
    if rule.context and not any(p.search(passage) for p in rule.context):
        return None
    for pattern in rule.triggers:
        for match in pattern.finditer(passage):
            # An exclusion (a job title, a workplace, "patients with …") hides the words it
            # covers, so the same word elsewhere in the passage still counts.
            if not any(match.start() < end and start < match.end() for start, end in masked):
                return match.group()
    return None


def evidence_of(flag: Flag) -> str:
    """Return the words in the flagged passage that triggered its rule."""
    if flag.category == "national_id":
        return flag.text
    language = flag.rule.split(".", 1)[0]
    if language not in languages():
        return flag.text
    for rule_set in all_rules((language,)):
        for rule in rule_set.rules:
            if rule.id == flag.rule:
                found = _evidence(rule, flag.text, [])
                if found:
                    return found.strip()
    return flag.text


def explain(flag: Flag, locale: str) -> str:
    """Explain to the job seeker, in their UI language, why the passage was flagged."""
    return explanation(flag.category, flag.rule, evidence_of(flag), locale)


def redact(text: str, spans: Iterable[tuple[int, int]], replacement: str = "") -> str:
    """Cut the spans out of text, merging overlapping and touching spans first."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts = []
    pos = 0
    for start, end in merged:
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
