"""Map skill words in CVs and queries onto a curated multilingual taxonomy of concepts.

The concepts live in ``indexer/data/taxonomy/*.toml``, one file per domain. Each file names its
``category`` and lists ``concepts``; a concept has a local ``id`` (the full id is
``<category>.<id>``), preferred labels ``sv``, ``nb``, ``da``, ``en`` (``nn`` where it differs
from ``nb``; ``nordic`` sets sv/nb/da at once and ``all`` sets all four) and its other forms:

- ``syn``: synonyms, abbreviations and inflected forms, matched anywhere;
- ``cased``: forms matched in free text only with exactly the case written in the data;
- ``lookup_only``: forms that name the concept in :meth:`Taxonomy.lookup` and
  :meth:`Taxonomy.expand` but are never matched in free text;
- ``local``: forms per language (``{ sv = ["truck"] }``), matched in free text only when the
  caller says the text is in that language.

Rules for ambiguous forms, because a false skill on a CV is worse than a missed one:

1. A one-word form of at most two letters or digits ("C", "R", "Go", "UX", "CE"), or an acronym
   of at most four capitals ("SQL", "DEI", "LAS", "K3"), is matched in free text only with the
   case written in the data, so "c", "go" or Nynorsk "dei" in running text is not a skill. Write
   a lower-case variant as a synonym where people really type one ("usk").
2. Forms that are also everyday words or too vague on their own ("Go", "vård", "Word",
   "SAP") are ``lookup_only`` or ``cased`` in the data.
3. A form may belong to two concepts only if ``ambiguous.toml`` declares it; such a form is never
   matched in free text, :meth:`Taxonomy.lookup` returns ``None`` for it, and
   :meth:`Taxonomy.expand` returns the forms of every concept it names. Any other clash stops
   loading with an error.

Matching works on tokens: words (with a trailing "++" or "#", as in "C++" and "C#"), words with a
leading dot (".NET") and single punctuation marks. Hyphens, dashes and brackets are dropped on
both sides, so "B-körkort", "B körkort" and "Driving licence (B)" name the same form, and case is
folded except under rule 1.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

LANGUAGES = ("sv", "nb", "da", "en")

# Where to look when a concept has no label in the asked language; every concept has the four
# LANGUAGES, so each chain ends with a label.
_FALLBACK = {
    "nn": ("nn", "nb", "da", "sv", "en"),
    "nb": ("nb", "da", "sv", "en"),
    "no": ("nb", "da", "sv", "en"),
    "da": ("da", "nb", "sv", "en"),
    "sv": ("sv", "nb", "da", "en"),
    "fi": ("en", "sv"),
    "en": ("en",),
}

# Nynorsk CVs use the Bokmål forms that are bound to Norwegian.
_LOCAL_LANGUAGE = {"nn": "nb", "no": "nb"}

# Hyphens, dashes and brackets are not tokens, so "B-körkort", "B körkort" and "Driving licence
# (B)" read like "driving licence B".
_TOKEN = re.compile(r"(?<![\w.])\.\w+|\w+(?:\+\+|#)?|[^\w\s\-‐‑–—()\[\]]")

Key = tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    """One skill, trade or qualification with its labels and synonyms."""

    id: str
    category: str
    labels: Mapping[str, str]
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class SkillMatch:
    """A concept found in a text, with the matched text and its offsets."""

    concept_id: str
    label: str
    start: int
    end: int


class TaxonomyError(ValueError):
    """The taxonomy data files are inconsistent."""


class _Tokens(NamedTuple):
    folded: list[str]
    cased: list[str]
    spans: list[tuple[int, int]]


def _tokens(text: str) -> _Tokens:
    spans = [m.span() for m in _TOKEN.finditer(text)]
    # Normalising and case-folding the whole text once is much faster than per token; it is
    # safe when neither changes the length, which holds for all but exotic input.
    if unicodedata.is_normalized("NFC", text):
        folded_text = text.casefold()
        if len(folded_text) == len(text):
            return _Tokens(
                [folded_text[a:b] for a, b in spans],
                [text[a:b] for a, b in spans],
                spans,
            )
    cased = [unicodedata.normalize("NFC", text[a:b]) for a, b in spans]
    return _Tokens([c.casefold() for c in cased], cased, spans)


def _folded_key(form: str) -> Key:
    return tuple(_tokens(form).folded)


def _cased_key(form: str) -> Key:
    return tuple(_tokens(form).cased)


def _fold(key: Key) -> Key:
    return tuple(part.casefold() for part in key)


def _is_guarded(cased: Key) -> bool:
    if len(cased) != 1 or not cased[0].isalnum():
        return False
    word = cased[0]
    return len(word) <= 2 or (len(word) <= 4 and word.isupper())


class Taxonomy:
    """The skills taxonomy with a compiled matcher for free text."""

    def __init__(self, concepts: list[Concept], spec: list[dict[str, Any]], ambiguous: set[str]):
        self._concepts = {c.id: c for c in concepts}
        if len(self._concepts) != len(concepts):
            counts = Counter(c.id for c in concepts)
            raise TaxonomyError(f"duplicate concept ids: {[i for i, k in counts.items() if k > 1]}")
        ambiguous_keys = {_folded_key(f) for f in ambiguous}
        self._lookup: dict[Key, set[str]] = {}
        self._free: dict[Key, str] = {}
        self._cased: dict[Key, str] = {}
        self._local: dict[str, dict[Key, str]] = {}
        for concept, entry in zip(concepts, spec, strict=True):
            self._index_concept(concept, entry)
        clashes = [
            f"{' '.join(key)!r} names {sorted(ids)}"
            for key, ids in self._lookup.items()
            if len(ids) > 1 and key not in ambiguous_keys
        ]
        if clashes:
            raise TaxonomyError("undeclared ambiguous forms: " + "; ".join(clashes))
        for table in (self._free, self._cased, *self._local.values()):
            for key in [k for k in table if len(self._lookup[_fold(k)]) > 1]:
                del table[key]
        # The longest form starting with each first token lets the matcher skip most tokens with
        # one dictionary probe.
        self._longest: dict[str, int] = {}
        for table in (self._free, self._cased, *self._local.values()):
            for key in table:
                first = key[0].casefold()
                self._longest[first] = max(self._longest.get(first, 0), len(key))

    def _index_concept(self, concept: Concept, entry: Mapping[str, Any]) -> None:
        cid = concept.id
        free: list[str] = [*concept.labels.values(), *entry.get("syn", ())]
        for form in free:
            key = _folded_key(form)
            if not key:
                raise TaxonomyError(f"{cid}: empty form {form!r}")
            self._lookup.setdefault(key, set()).add(cid)
            if _is_guarded(_cased_key(form)):
                self._cased[_cased_key(form)] = cid
            else:
                self._free[key] = cid
        for form in entry.get("cased", ()):
            self._lookup.setdefault(_folded_key(form), set()).add(cid)
            self._cased[_cased_key(form)] = cid
        for form in entry.get("lookup_only", ()):
            self._lookup.setdefault(_folded_key(form), set()).add(cid)
        for language, forms in entry.get("local", {}).items():
            for form in forms:
                key = _folded_key(form)
                self._lookup.setdefault(key, set()).add(cid)
                self._local.setdefault(language, {})[key] = cid

    @classmethod
    @cache
    def load(cls) -> Taxonomy:
        """Load the taxonomy shipped with the indexer."""
        root = resources.files("indexer") / "data" / "taxonomy"
        concepts: list[Concept] = []
        specs: list[dict[str, Any]] = []
        ambiguous: set[str] = set()
        for item in sorted(root.iterdir(), key=lambda p: p.name):
            if not item.name.endswith(".toml"):
                continue
            data = tomllib.loads(item.read_text(encoding="utf-8"))
            if item.name == "ambiguous.toml":
                ambiguous.update(data.get("forms", ()))
                continue
            category = data["category"]
            for entry in data["concepts"]:
                concepts.append(_concept(category, entry, item.name))
                specs.append(entry)
        return cls(concepts, specs, ambiguous)

    def __len__(self) -> int:
        return len(self._concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self._concepts.values())

    def get(self, concept_id: str) -> Concept:
        """Return the concept with this id, or raise KeyError."""
        return self._concepts[concept_id]

    def label(self, concept_id: str, language: str) -> str:
        """Return the concept's preferred label in a language, falling back to a related one."""
        labels = self._concepts[concept_id].labels
        for lang in _FALLBACK.get(language, ("en",)):
            if lang in labels:
                return labels[lang]
        return labels["en"]

    def lookup(self, term: str) -> Concept | None:
        """Return the concept a label or synonym names exactly, ignoring case."""
        ids = self._lookup.get(_folded_key(term), set())
        if len(ids) != 1:
            return None
        return self._concepts[next(iter(ids))]

    def expand(self, term: str) -> set[str]:
        """Return every label and synonym, lower-cased, of the concept(s) a term names."""
        forms: set[str] = set()
        for cid in self._lookup.get(_folded_key(term), ()):
            concept = self._concepts[cid]
            forms.update(f.lower() for f in concept.labels.values())
            forms.update(f.lower() for f in concept.synonyms)
        return forms

    def find_in_text(self, text: str, language: str | None = None) -> list[SkillMatch]:
        """Find concepts named in a text, longest form first, without overlaps."""
        tokens = _tokens(text)
        folded, cased = tokens.folded, tokens.cased
        language = _LOCAL_LANGUAGE.get(language, language) if language else None
        local = self._local.get(language, {}) if language else {}
        longest, free, cased_forms = self._longest, self._free, self._cased
        matches: list[SkillMatch] = []
        i, n = 0, len(folded)
        while i < n:
            size = min(longest.get(folded[i], 0), n - i)
            while size:
                key = tuple(folded[i : i + size])
                cid = free.get(key) or local.get(key) or cased_forms.get(tuple(cased[i : i + size]))
                if cid is not None:
                    start, end = tokens.spans[i][0], tokens.spans[i + size - 1][1]
                    matches.append(SkillMatch(cid, text[start:end], start, end))
                    break
                size -= 1
            i += size or 1
        return matches


def _concept(category: str, entry: Mapping[str, Any], source: str) -> Concept:
    labels: dict[str, str] = {}
    if "all" in entry:
        labels.update(dict.fromkeys(LANGUAGES, entry["all"]))
    if "nordic" in entry:
        labels.update(dict.fromkeys(("sv", "nb", "da"), entry["nordic"]))
    for lang in (*LANGUAGES, "nn"):
        if lang in entry:
            labels[lang] = entry[lang]
    missing = [lang for lang in LANGUAGES if lang not in labels]
    if missing:
        raise TaxonomyError(f"{source}: {entry.get('id')!r} has no label in {missing}")
    synonyms: list[str] = [*entry.get("syn", ()), *entry.get("cased", ())]
    synonyms += entry.get("lookup_only", ())
    for forms in entry.get("local", {}).values():
        synonyms += forms
    label_set = set(labels.values())
    unique = tuple(dict.fromkeys(s for s in synonyms if s not in label_set))
    return Concept(
        id=f"{category}.{entry['id']}",
        category=category,
        labels=MappingProxyType(labels),
        synonyms=unique,
    )
