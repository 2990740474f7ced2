"""Normalise extracted CV text so every format reaches the profile parser in one shape.

Extractors separate pages with a form feed (``"\\f"``); :func:`normalise_text` uses the page
breaks to find repeated headers and footers and then drops them. The result keeps the line
structure (the profile parser splits sections on headings), with at most one blank line in a row.
"""

import re
import unicodedata
from collections import Counter

PAGE_BREAK = "\f"

# Bullet glyphs seen in CVs from Word, LibreOffice, Google Docs and PDF producers, including the
# private-use code points that Symbol/Wingdings bullets become when a PDF lacks a ToUnicode map.
_STRONG_BULLETS = "•◦▪▫■●‣⁃∙➢➤►▶✓✔❖◆◇\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf0e0"
# These also start ordinary text ("–2022", "*Java"), so they count only when a space follows.
# "¢" is how Tesseract usually reads a round bullet.
_WEAK_BULLETS = "*·–—→⇒□○✗¢"
_BULLET_LINE = re.compile(
    rf"^(?:[{re.escape(_STRONG_BULLETS)}]\s*|[{re.escape(_WEAK_BULLETS)}]\s+)(?=\S)"
)
_HYPHEN_BULLET = re.compile(r"^-\s+(?=\S)")
_BULLET_STARTS = frozenset(_STRONG_BULLETS + _WEAK_BULLETS + "-")

# Characters that carry no text: soft hyphen, zero-width space/joiners, word joiner, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_RUNS = re.compile(" {2,}")

# Longest word fragment before a line-end hyphen that is worth looking at.
_MAX_FRAGMENT = 64
_DIGITS = re.compile(r"\d+")

# How many non-blank lines at each end of a page count as header or footer territory.
_EDGE_LINES = 3


def normalise_text(text: str) -> str:
    """Return the text in NFC with ligatures, hyphenation, bullets and page furniture tidied."""
    # NFKC first so ligatures (ﬁ, ﬂ) and full-width forms become plain letters, then NFC so
    # any decomposed å/ä/ö/ø/æ from the extractor are composed again.
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text))
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x0b", "\n")
    # Two passes that each match rarely are much faster than one that matches every space.
    text = _SPACE_RUNS.sub(" ", _ODD_SPACES.sub(" ", _CONTROL.sub("", text)))
    pages = [_tidy_lines(page.split("\n")) for page in text.split(PAGE_BREAK)]
    pages = _drop_repeated_edges(pages)
    lines: list[str] = []
    for page in pages:
        if lines and page:
            lines.append("")
        lines.extend(page)
    lines = _join_hyphenated(_join_lone_bullets(lines))
    return _squeeze_blank_lines(lines)


def _tidy_lines(lines: list[str]) -> list[str]:
    """Strip every line and turn a leading bullet glyph into "- "."""
    tidy = []
    for line in lines:
        line = line.strip()
        if line and line[0] in _BULLET_STARTS:
            line = _HYPHEN_BULLET.sub("- ", _BULLET_LINE.sub("- ", line))
        tidy.append(line)
    return tidy


def _drop_repeated_edges(pages: list[list[str]]) -> list[list[str]]:
    """Remove header and footer lines that repeat at the top or bottom of most pages."""
    if len(pages) < 2:
        return pages
    edges = [_edge_indexes(page) for page in pages]
    # Page numbers differ only in their digits, so compare lines with digits masked.
    seen: Counter[str] = Counter()
    for page, indexes in zip(pages, edges, strict=True):
        seen.update({_DIGITS.sub("#", page[i]) for i in indexes})
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {key for key, count in seen.items() if count >= needed}
    if not repeated:
        return pages
    exact: Counter[str] = Counter()
    for page, indexes in zip(pages, edges, strict=True):
        exact.update({page[i] for i in indexes if _DIGITS.sub("#", page[i]) in repeated})
    kept_once: set[str] = set()
    result = []
    for page, indexes in zip(pages, edges, strict=True):
        drop = set()
        for i in indexes:
            line = page[i]
            if _DIGITS.sub("#", line) not in repeated:
                continue
            # A header that is the same on every page (the candidate's name and phone, say)
            # is information: keep its first occurrence. One that changes only in its digits
            # is a page number ("Sida 2 av 3") and goes everywhere.
            if exact[line] >= needed and line not in kept_once:
                kept_once.add(line)
                continue
            drop.add(i)
        result.append([line for i, line in enumerate(page) if i not in drop])
    return result


def _edge_indexes(page: list[str]) -> list[int]:
    """Return the indexes of the first and last few non-blank lines of a page."""
    filled = [i for i, line in enumerate(page) if line]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _join_lone_bullets(lines: list[str]) -> list[str]:
    """Attach a bullet glyph that an extractor put on its own line to the text that follows."""
    joined: list[str] = []
    pending = False
    for line in lines:
        if len(line) == 1 and line in _BULLET_STARTS:
            pending = True
            continue
        if pending and line:
            line = "- " + line
        pending = False
        joined.append(line)
    return joined


def _join_hyphenated(lines: list[str]) -> list[str]:
    """Undo end-of-line hyphenation while keeping the hyphen of real compounds."""
    # The hyphen is dropped only when a lower-case word of at least two letters is split and the
    # next line goes on in lower case ("utveck-" + "lare"). When the part before the hyphen is an
    # abbreviation or has a capital or digit ("IT-" + "konsult", "B-" + "körkort"), or is a single
    # letter ("e-" + "post"), the hyphen belongs to the word and only the line break goes.
    out: list[str] = []
    # Pieces of the logical line being built; joined once, so long runs stay linear.
    pieces: list[str] = []
    for line in lines:
        if pieces and line and pieces[-1].endswith("-"):
            joint = _hyphen_joint(pieces[-1], line)
            if joint is not None:
                if joint == "drop":
                    pieces[-1] = pieces[-1][:-1]
                pieces.append(line)
                continue
        if pieces:
            out.append("".join(pieces))
        pieces = [line]
    if pieces:
        out.append("".join(pieces))
    return out


def _hyphen_joint(previous: str, following: str) -> str | None:
    """Return "drop" or "keep" for the hyphen ending ``previous``, or None not to join."""
    if following.startswith("- "):
        return None
    if not following[0].isalpha():
        return None
    # The word glued to the hyphen, read backwards and bounded so hostile lines stay cheap.
    end = len(previous) - 1
    start = end
    while start > 0 and end - start < _MAX_FRAGMENT and previous[start - 1].isalnum():
        start -= 1
    fragment = previous[start:end]
    if not fragment:
        return None
    if len(fragment) >= 2 and fragment.isalpha() and fragment.islower() and following[0].islower():
        return "drop"
    return "keep"


def _squeeze_blank_lines(lines: list[str]) -> str:
    """Join lines, allowing at most one blank line in a row and none at either end."""
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
