"""Find periods such as "jan 2019 – nu" in CV lines and add them up into years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from indexer.profile._data import load

YearMonth = tuple[int, int | None]

_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_DASH = r"[-‐‑‒–—―−]+"


@dataclass(frozen=True)
class Period:
    """A span of time on one line; *end* None means ongoing."""

    start: YearMonth | None
    end: YearMonth | None
    span: tuple[int, int]
    ongoing: bool


def format_date(value: YearMonth | None) -> str | None:
    """Format a (year, month) pair as "YYYY" or "YYYY-MM"."""
    if value is None:
        return None
    year, month = value
    return f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"


def parse_iso(value: str | None) -> YearMonth | None:
    """Read "YYYY" or "YYYY-MM" back into a (year, month) pair."""
    if not value:
        return None
    if "-" in value:
        year, month = value.split("-", 1)
        return int(year), int(month)
    return int(value), None


@cache
def _month_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for number, words in load("dates")["months"].items():
        for word in words:
            names[word.casefold()] = int(number)
    return names


def _alternation(words: list[str]) -> str:
    # Longest first so "mars" wins over "mar" and "til nå" over "nå".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = load("dates")
    month = rf"(?<!\w)(?:{_alternation(list(_month_names()))})(?!\w)\.?"
    one_date = (
        rf"(?:{month}\s*'?{_YEAR}"
        rf"|(?<![\d.])(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"
        rf"|{_YEAR}\s*[-/.]\s*(?:0[1-9]|1[0-2])(?![\d])"
        rf"|{_YEAR})(?!\d)"
    )
    ongoing = rf"(?<!\w)(?:{_alternation(data['ongoing'])})(?!\w)"
    separator = rf"(?:\s*{_DASH}\s*|\s+(?:to|till|til|until|tom|t\.o\.m\.|bis)\s+|\s*→\s*)"
    since = rf"(?<!\w)(?:{_alternation(data['since'])})(?!\w)\s*"
    range_re = re.compile(
        rf"(?<![\d/.-])(?:{since})?(?P<start>{one_date}){separator}"
        rf"(?:(?P<end>{one_date})|(?P<ongoing>{ongoing})|(?P<open>(?=\s*(?:$|[,|)\]]))))",
        re.IGNORECASE,
    )
    since_re = re.compile(rf"{since}(?P<start>{one_date})", re.IGNORECASE)
    single_re = re.compile(rf"(?<![\d/.-])(?P<date>{one_date})", re.IGNORECASE)
    return range_re, since_re, single_re


_NUMERIC_MONTH_YEAR = re.compile(rf"^(?P<m>\d{{1,2}})\s*[/.]\s*(?P<y>{_YEAR})$")
_YEAR_NUMERIC_MONTH = re.compile(rf"^(?P<y>{_YEAR})\s*[-/.]\s*(?P<m>\d{{2}})$")
_NAMED_MONTH_YEAR = re.compile(rf"^(?P<name>[^\W\d_]+)\.?\s*'?(?P<y>{_YEAR})$")


def parse_date(text: str) -> YearMonth | None:
    """Read one date such as "mars 2016", "08/2017", "2017-08" or "2019"."""
    text = text.strip()
    if re.fullmatch(_YEAR, text):
        return int(text), None
    for pattern in (_NUMERIC_MONTH_YEAR, _YEAR_NUMERIC_MONTH):
        match = pattern.match(text)
        if match:
            month = int(match["m"])
            return (int(match["y"]), month) if 1 <= month <= 12 else None
    match = _NAMED_MONTH_YEAR.match(text)
    if match:
        named = _month_names().get(match["name"].casefold())
        if named is not None:
            return int(match["y"]), named
    return None


def find_period(line: str) -> Period | None:
    """Return the first period (a range, or "since X") written on *line*."""
    range_re, since_re, _ = _patterns()
    match = range_re.search(line)
    if match:
        start = parse_date(match["start"])
        if start is not None:
            if match["end"] is not None:
                end = parse_date(match["end"])
                if end is not None and _index(end, True) >= _index(start, False):
                    return Period(start, end, match.span(), ongoing=False)
            else:
                return Period(start, None, match.span(), ongoing=True)
    match = since_re.search(line)
    if match:
        start = parse_date(match["start"])
        if start is not None:
            return Period(start, None, match.span(), ongoing=True)
    return None


@cache
def _open_tail() -> re.Pattern[str]:
    month = rf"(?<!\w)(?:{_alternation(list(_month_names()))})\.?"
    return re.compile(rf"(?:{month}|{_DASH})\s*$", re.IGNORECASE)


def wrapped_date(line: str, following: str) -> bool:
    """Tell whether a narrow column broke a period across lines: "mars 2023 – februar" / "2024"."""
    return bool(_open_tail().search(line)) and bool(re.match(rf"{_YEAR}(?!\d)", following))


def find_single_date(line: str) -> Period | None:
    """Return a lone date on *line* (an exam year, say) as a period that ends then."""
    _, _, single_re = _patterns()
    match = single_re.search(line)
    if match is None:
        return None
    value = parse_date(match["date"])
    if value is None:
        return None
    return Period(None, value, match.span(), ongoing=False)


def _index(value: YearMonth, is_end: bool) -> int:
    # A bare year starts in January and, as an end, runs to December: "2019–2020" is two years.
    year, month = value
    if month is None:
        month = 12 if is_end else 1
    return year * 12 + month - 1


def total_years(periods: list[tuple[YearMonth, YearMonth | None]], today: date) -> float | None:
    """Add up periods in years, counting months covered by overlapping periods once."""
    now = today.year * 12 + today.month - 1
    months: set[int] = set()
    for start, end in periods:
        first = _index(start, is_end=False)
        last = now if end is None else min(_index(end, is_end=True), now)
        months.update(range(first, last + 1))
    if not periods:
        return None
    return round(len(months) / 12, 1)
