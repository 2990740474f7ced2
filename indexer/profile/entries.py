"""Read experience, education, language and skill entries from their sections."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from indexer.profile._data import load
from indexer.profile.dates import (
    Period,
    YearMonth,
    find_period,
    find_single_date,
    wrapped_date,
)
from indexer.profile.sections import BULLET

# Prose (a bullet's continuation, a sentence) is not a title or an employer line.
_MAX_TITLE_WORDS = 10
_SPLIT = re.compile(r"\s+[|–—-]\s+|\s*\|\s*|\t+|\s{3,}|\s*[·•]\s+")
_SPLIT_WORDS = re.compile(r"\s+(?:at|på|hos|ved|hjå|bei)\s+(?=[A-ZÅÄÖÆØ0-9])")
_LEADING_PUNCT = re.compile(r"^[\s,;:|–—-]+|[\s,;:|–—(-]+$")


@dataclass(frozen=True)
class RawEntry:
    """An entry before it is typed: the two names on it and its period."""

    first: str | None
    second: str | None
    start: YearMonth | None
    end: YearMonth | None


def _is_prose(line: str) -> bool:
    if BULLET.match(line):
        return True
    words = line.split()
    return len(words) > _MAX_TITLE_WORDS or (line.endswith(".") and len(words) > 4)


def _clean(text: str) -> str:
    text = _LEADING_PUNCT.sub("", text)
    text = re.sub(r"\(\s*\)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _fragments(part: str) -> list[str]:
    return [_clean(f) for f in _SPLIT.split(part) if _clean(f)]


def _split_parts(parts: list[str]) -> list[str]:
    """Turn the lines around a date into [name, other name, ...]."""
    if not parts:
        return []
    first = _fragments(parts[0])
    if len(first) >= 2:
        return first
    if len(parts) >= 2:
        # Two lines: each carries one name, perhaps followed by a city after a comma.
        second = _fragments(parts[1])
        head = first[0] if first else parts[0]
        other = second[0] if second else parts[1]
        if "," in other:
            name, tail = other.split(",", 1)
            if _is_place(tail.strip()):
                other = name.strip()
        if "," in head and not _looks_like_org(head):
            pieces = [p.strip() for p in head.split(",")]
            return [pieces[0], pieces[1], other] if len(pieces) > 1 else [head, other]
        return [head, other]
    only = first[0] if first else parts[0]
    # "Lærer hos Oslo kommune, Utdanningsetaten": the word splits; the comma is the employer's.
    # Not in "Høgskulen på Vestlandet", where the words before it already name a school.
    pieces = [p.strip() for p in _SPLIT_WORDS.split(only, maxsplit=1) if p.strip()]
    if len(pieces) >= 2 and not _looks_like_institution(pieces[0]):
        return pieces
    return [p.strip() for p in only.split(",") if p.strip()]


def _is_place(text: str) -> bool:
    """Tell whether the words after an employer's comma name a town ("…, Göteborg")."""
    if not text or not text[0].isupper():
        return False  # "Göteborgs Stad, hemtjänsten": a department, not a town
    from indexer.profile.contacts import gazetteer

    places = gazetteer()
    if places is not None:
        return places.find_in_text(text) is not None
    return len(text.split()) <= 2


@cache
def _org_words() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    data = load("organisations")
    return (
        frozenset(data["employer_suffixes"]),
        tuple(data["employer_stems"]),
        tuple(data["institution_stems"]),
    )


def _looks_like_org(text: str) -> bool:
    suffixes, stems, _ = _org_words()
    words = re.findall(r"[\w/]+", text.casefold())
    if any(w in suffixes for w in words[1:]) or (words and words[0] in ("region", "stiftelsen")):
        return True
    return any(stem in w for w in words for stem in stems)


def _looks_like_institution(text: str) -> bool:
    _, _, stems = _org_words()
    lowered = text.casefold()
    return any(re.search(rf"(?<!\w){re.escape(s)}|{re.escape(s)}(?!\w)", lowered) for s in stems)


_ORG_TAIL = re.compile(r"^(?:AB|AS|ASA|A/S|ApS|Oy|Oyj|Ltd|GmbH|Inc)\.?$")


_OPEN_END = re.compile(r"(?:\s(?:vid|i|på|of|for|og|och|and|ved|&|for|in)|[–,&-])$", re.IGNORECASE)


def join_wrapped(lines: list[str]) -> list[str]:
    """Join lines a narrow column wrapped: the next starts in lower case, is "AB", or the
    previous ends in mid-phrase ("Handelshögskolan vid")."""
    out: list[str] = []
    for line in lines:
        wrapped = line[:1].islower() or _ORG_TAIL.match(line) or (out and _OPEN_END.search(out[-1]))
        # A line with a date of its own ("januar 2021 – februar") starts something new.
        continues = (
            wrapped
            and not BULLET.match(line)
            and find_single_date(line) is None
            and find_period(out[-1] if out else "") is None
        )
        if out and (wrapped_date(out[-1], line) or continues):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _name_count(text: str) -> int:
    return len(_split_parts([text])) if text else 0


def _entries(lines: list[str], *, allow_single: bool) -> list[tuple[list[str], Period]]:
    lines = join_wrapped(lines)
    anchors: list[tuple[int, Period]] = []
    for i, line in enumerate(lines):
        if BULLET.match(line) and len(line.split()) > 6:
            continue
        period = find_period(line)
        if period is None and allow_single and not _is_prose(line):
            period = find_single_date(line)
        if period is not None:
            anchors.append((i, period))
    if not anchors:
        return []
    first_anchor = anchors[0][0]
    date_first = all(_is_prose(line) for line in lines[:first_anchor])
    out = []
    for k, (i, period) in enumerate(anchors):
        line = lines[i]
        before_period, after_period = line[: period.span[0]], line[period.span[1] :]
        if before_period.rstrip().endswith("(") and ")" in after_period:
            # "(2015 – 2018, part-time while studying)": the note goes with the period.
            before_period = before_period.rstrip()[:-1]
            after_period = after_period.split(")", 1)[1]
        rest = _clean(BULLET.sub("", before_period + "  " + after_period))
        parts = [rest] if rest else []
        if date_first:
            stop = anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)
            following = []
            for candidate in lines[i + 1 : stop]:
                if _is_prose(candidate):
                    break
                following.append(candidate)
            needed = 2 - _name_count(rest)
            parts += following[: max(needed, 0)]
        else:
            stop = anchors[k - 1][0] if k > 0 else -1
            before: list[str] = []
            for j in range(i - 1, stop, -1):
                if _is_prose(lines[j]):
                    if before:
                        break
                    continue
                before.insert(0, lines[j])
            needed = 2 - _name_count(rest)
            if needed > 0 and before:
                parts = before[-needed:] + parts
        out.append((parts, period))
    return out


_TITLE_LABEL = re.compile(
    r"^(?:befattning|titel|tjänst|roll|yrkesroll|stilling|stillingstittel|tittel|stillingsbetegnelse|"
    r"title|job title|position|role)\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_EMPLOYER_LABEL = re.compile(
    r"^(?:arbetsgivare|företag|arbeidsgiver|arbeidsgjevar|firma|arbejdsgiver|virksomhed|"
    r"employer|company|organisation|organization)\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)


def _read_labelled(lines: list[str]) -> list[RawEntry] | None:
    """Read entries written as "Period: … / Befattning: … / Arbetsgivare: …" blocks."""
    if not any(_TITLE_LABEL.match(line) or _EMPLOYER_LABEL.match(line) for line in lines):
        return None
    entries: list[RawEntry] = []
    current: dict[str, object] = {}
    for line in lines:
        period = find_period(line)
        title = _TITLE_LABEL.match(line)
        employer = _EMPLOYER_LABEL.match(line)
        # A new period, or a field the current block already has, starts the next entry.
        if (
            (period and "period" in current)
            or (title and "title" in current)
            or (employer and "employer" in current)
        ):
            entries.append(_labelled_entry(current))
            current = {}
        if period:
            current["period"] = period
        if title:
            current["title"] = _clean(title["value"])
        if employer:
            current["employer"] = _clean(employer["value"])
    if current:
        entries.append(_labelled_entry(current))
    return [e for e in entries if e.first or e.second]


def _labelled_entry(fields: dict[str, object]) -> RawEntry:
    period = fields.get("period")
    title, employer = fields.get("title"), fields.get("employer")
    return RawEntry(
        title if isinstance(title, str) else None,
        employer if isinstance(employer, str) else None,
        period.start if isinstance(period, Period) else None,
        period.end if isinstance(period, Period) else None,
    )


def read_experience(lines: list[str]) -> list[RawEntry]:
    """Read (title, employer, start, end) entries from an experience section."""
    labelled = _read_labelled(lines)
    if labelled is not None:
        return labelled
    pairs = []
    for parts, period in _entries(lines, allow_single=False):
        names = _split_parts(parts)
        pairs.append((names[0] if names else None, names[1] if len(names) > 1 else None, period))
    # A CV keeps one order throughout: where some lines clearly put the employer first, the
    # lines that give no clue ("Kiwi Hamar — Butikkmedarbeider") follow the same order.
    votes = 0
    for first, second, _ in pairs:
        if first and second:
            votes += _looks_like_org(first) - _looks_like_org(second)
    entries = []
    for title, employer, period in pairs:
        if title and employer:
            title_org, employer_org = _looks_like_org(title), _looks_like_org(employer)
            if (title_org and not employer_org) or (title_org == employer_org and votes > 0):
                title, employer = employer, title
        entries.append(RawEntry(title, employer, period.start, period.end))
    return entries


def read_education(lines: list[str]) -> list[RawEntry]:
    """Read (degree, institution, start, end) entries from an education section."""
    entries = []
    for parts, period in _entries(lines, allow_single=True):
        names = _split_parts(parts)
        degree = names[0] if names else None
        institution = names[1] if len(names) > 1 else None
        swap = institution is None or not _looks_like_institution(institution)
        if degree and swap and _looks_like_institution(degree):
            degree, institution = institution, degree
        entries.append(RawEntry(degree, institution, period.start, period.end))
    return entries


@cache
def _language_names() -> list[tuple[str, str]]:
    names = [
        (name.casefold(), code)
        for code, words in load("languages")["names"].items()
        for name in words
    ]
    return sorted(names, key=lambda pair: len(pair[0]), reverse=True)


@cache
def _level_words() -> list[tuple[str, str]]:
    words = [
        (word.casefold(), level)
        for level, names in load("languages")["levels"].items()
        for word in names
    ]
    return sorted(words, key=lambda pair: len(pair[0]), reverse=True)


_CEFR = re.compile(r"\b([ABC][12])\b")


def read_languages(lines: list[str]) -> list[tuple[str, str | None]]:
    """Read (ISO code, level) pairs such as "Svenska – modersmål" from a languages section."""
    found: dict[str, str | None] = {}
    # A level on the line after its language (table cells) belongs to that language.
    pending: str | None = None
    for line in lines:
        line = BULLET.sub("", line)
        items = [
            piece
            for chunk in _split_outside_brackets(line)
            for piece in re.split(r"\s{3,}|\t|\s[|·•]\s", chunk)
        ]
        for item in items:
            code, level = _read_language(item)
            if code is None and level is not None and pending is not None:
                found[pending] = found[pending] or level
                pending = None
                continue
            if code is not None and code not in found:
                found[code] = level
                pending = code
    return list(found.items())


def _split_outside_brackets(line: str) -> list[str]:
    """Split "Svenska (modersmål, tal), engelska (flytande)" on the commas outside brackets."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(line):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0:
            items.append(line[start:i])
            start = i + 1
    items.append(line[start:])
    return items


def _read_language(item: str) -> tuple[str | None, str | None]:
    text = item.strip().casefold()
    code = None
    rest = text
    for name, iso in _language_names():
        match = re.match(rf"{re.escape(name)}(?!\w)", text)
        if match:
            code, rest = iso, text[match.end() :]
            break
    cefr = _CEFR.search(item)
    level = cefr.group(1) if cefr else None
    if level is None:
        for word, value in _level_words():
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", rest):
                level = value
                break
    return code, level


_SKILL_SPLIT = re.compile(r"\s*[,;•·▪●|]\s*|\t+|\s{3,}|\s+[–—-]\s+")
_SKILL_LABEL = re.compile(r"^[^:]{2,30}:\s*(?=\S)")
_MAX_SKILL_WORDS = 6


def read_skill_items(lines: list[str]) -> list[str]:
    """Split a skills section into its items ("Excel", "B-körkort", "Truckkort A+B")."""
    items: dict[str, None] = {}
    for line in join_wrapped(lines):
        line = BULLET.sub("", line).strip()
        labelled = _SKILL_LABEL.match(line)
        if labelled and ("," in line or ";" in line):
            line = line[labelled.end() :]
        for raw in _SKILL_SPLIT.split(line):
            item = raw.strip().strip(".").strip()
            if not item or len(item.split()) > _MAX_SKILL_WORDS:
                continue
            # A parenthesis left open by a comma inside it is not an item of its own.
            if item.count("(") != item.count(")"):
                continue
            items.setdefault(item, None)
    return list(items)
