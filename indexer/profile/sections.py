"""Split CV text into its sections by the headings written in it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from indexer.profile._data import load

SECTION_KINDS = ("summary", "experience", "education", "skills", "languages", "references", "other")

BULLET = re.compile(r"^\s*[•◦▪▫●○■□‣⁃∙·*➢➤►–—-]\s*")
_HEADING_TRIM = re.compile(r"^[\s#*•▪●■►➤\-–—=_|]+|[\s:：.#*=_|\-–—]+$")
# A heading is a short line; a longer one that starts with a heading word is prose.
_MAX_HEADING_WORDS = 5
# What the profile reads of a line and of a CV. Real CV lines are far shorter and real CVs far
# smaller; the caps keep a hostile or broken text from making the worker's regexes slow.
MAX_LINE_CHARS = 600
MAX_TEXT_CHARS = 200_000


@dataclass
class Sections:
    """The header (lines before the first heading) and the lines under each kind of heading."""

    header: list[str] = field(default_factory=list)
    by_kind: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, kind: str) -> list[str]:
        """Return the lines under every heading of *kind*, in document order."""
        return self.by_kind.get(kind, [])


def fold(text: str) -> str:
    """Fold Nordic letters to ASCII: "Språk" and OCR's or a US keyboard's "Sprak" meet."""
    text = text.casefold().replace("ø", "o").replace("æ", "ae").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@cache
def _heading_words() -> dict[str, str]:
    words: dict[str, str] = {}
    data = load("headings")
    for kind in SECTION_KINDS:
        for names in data[kind].values():
            for name in names:
                # The first kind that claims a word keeps it ("erfaring" is experience).
                words.setdefault(name.casefold(), kind)
    for name, kind in list(words.items()):
        words.setdefault(fold(name), kind)
    return words


def normalise_heading(line: str) -> str:
    """Return *line* as a heading key: trimmed of decoration, spaces collapsed, case-folded."""
    text = _HEADING_TRIM.sub("", line)
    text = re.sub(r"\s+", " ", text)
    # Headings are sometimes typeset letter-spaced: "E R F A R E N H E T".
    if re.fullmatch(r"(?:\w )+\w", text):
        text = text.replace(" ", "")
    return text.casefold()


def heading_kind(line: str) -> str | None:
    """Return the section kind if *line* is a heading on its own, else None."""
    key = normalise_heading(line)
    if not key or len(key.split()) > _MAX_HEADING_WORDS:
        return None
    words = _heading_words()
    if key in words:
        return words[key]
    if fold(key) in words:
        return words[fold(key)]
    # "Språk och körkort", "Work experience & internships": the heading is the first part.
    for joiner in (" och ", " og ", " & ", " and ", " samt ", " / "):
        if joiner in key:
            first = key.split(joiner, 1)[0].strip()
            if first in words:
                return words[first]
    return None


def _inline_heading(line: str) -> tuple[str, str] | None:
    """Split "Språk: svenska, engelska" into the kind and the text after the colon."""
    if ":" not in line:
        return None
    label, rest = line.split(":", 1)
    kind = heading_kind(label)
    if kind is None or not rest.strip() or kind in ("other",):
        return None
    return kind, rest.strip()


def split_sections(text: str) -> Sections:
    """Split *text* into the header and the lines under each heading."""
    sections = Sections()
    current: list[str] = sections.header
    for raw in text[:MAX_TEXT_CHARS].splitlines():
        line = raw.strip()[:MAX_LINE_CHARS]
        # Rules drawn with characters ("=====", "-----") separate; they say nothing.
        if not any(ch.isalnum() for ch in line):
            continue
        kind = heading_kind(line)
        if kind is not None:
            current = sections.by_kind.setdefault(kind, [])
            continue
        inline = _inline_heading(line)
        if inline is not None:
            kind, rest = inline
            current = sections.by_kind.setdefault(kind, [])
            current.append(rest)
            continue
        current.append(line)
    return sections
