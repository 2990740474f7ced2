"""Where the engines get skill synonyms and labels from (the skills taxonomy)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from indexer.taxonomy import Taxonomy

# Expands one query word or phrase into the words that mean the same ("USK" → "undersköterska").
Expander = Callable[[str], Iterable[str]]
# Turns a skill concept id into searchable labels in the indexed languages.
Labeller = Callable[[str], Iterable[str]]


def expand_term(term: str) -> set[str]:
    """Return ``term`` and its synonyms from the skills taxonomy."""
    return {term} | Taxonomy.load().expand(term)


def literal(term: str) -> set[str]:
    """Return no synonyms: an excluded word means that word, not everything related to it.

    "sykepleier -helsefagarbeider" must not drop every nurse who once worked as a healthcare
    assistant (an expanded exclusion removed 9 of 10 wanted CVs in the relevance benchmark).
    """
    return set()


def skill_labels(concept_id: str) -> set[str]:
    """Return the labels of a skill concept in every language the taxonomy knows."""
    try:
        concept = Taxonomy.load().get(concept_id)
    except KeyError:
        return set()  # a concept retired from the taxonomy still indexes, just unlabelled
    return set(concept.labels.values())
