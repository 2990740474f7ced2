"""Split extracted CV text into the passages a flag covers."""

from __future__ import annotations

import re

# A sentence ends at . ! ? followed by space and a capital, digit, quote or bullet; a line break,
# a bullet or a pipe also ends a passage, because CVs are written in lines and lists far
# more often than in prose.
_HARD_BREAK = re.compile(r"\n|\s\|\s|•")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)]*\s+(?=[\"'“‘(\-–•*]?[A-ZÅÄÖÆØÉÜ0-9])")
# Abbreviations after which a capital letter does not start a new sentence.
_ABBREVIATIONS = frozenset(
    [
        "t.ex",
        "bl.a",
        "f.d",
        "d.v.s",
        "m.m",
        "ca",
        "nr",
        "e.g",
        "i.e",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "jf",
        "jfr",
        "osv",
        "mv",
        "bl.a",
        "f.eks",
        "bla",
        "fx",
        "dvs",
        "evt",
        "ev",
        "inkl",
        "etc",
        "vs",
        "ang",
        "resp",
        "o.l",
        "mm",
        "sk",
        "s.k",
    ]
)
_LEADING = " \t\r\f\v-–—•*·>+:"
_TRAILING = " \t\r\f\v"


def split_passages(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences and list items in text, trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for chunk_start, chunk_end in _chunks(text):
        pos = chunk_start
        for match in _SENTENCE_END.finditer(text, chunk_start, chunk_end):
            if _ends_with_abbreviation(text, pos, match.start()):
                continue
            _add(spans, text, pos, match.end())
            pos = match.end()
        _add(spans, text, pos, chunk_end)
    return spans


def _chunks(text: str) -> list[tuple[int, int]]:
    chunks = []
    pos = 0
    for match in _HARD_BREAK.finditer(text):
        chunks.append((pos, match.start()))
        pos = match.end()
    chunks.append((pos, len(text)))
    return chunks


def _ends_with_abbreviation(text: str, start: int, dot: int) -> bool:
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lower().rstrip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start] in _LEADING:
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    if end > start:
        spans.append((start, end))
