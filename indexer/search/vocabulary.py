"""Where the engines get skill synonyms and labels from (the skills taxonomy)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

# Expands one query word or phrase into the words that mean the same ("USK" → "undersköterska").
Expander = Callable[[str], Iterable[str]]
# Turns a skill concept id into searchable labels in the indexed languages.
Labeller = Callable[[str], Iterable[str]]


def expand_term(term: str) -> set[str]:
    """Return ``term`` and its synonyms from the skills taxonomy."""
    return {term}


def skill_labels(concept_id: str) -> set[str]:
    """Return the labels of a skill concept in every language the taxonomy knows."""
    return set()
