"""What every engine shares: query checks, years bands, geography and snippet HTML."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

from indexer.errors import QuerySyntaxError
from indexer.search.base import ProfileQuery
from indexer.search.query import Node, parse_query

# The deepest result an engine returns, as Elasticsearch's default index.max_result_window;
# beyond it a page has no hits (total and facets stay exact).
MAX_RESULT_WINDOW = 10_000
MAX_PER_PAGE = 100
MAX_RADIUS_KM = 2000.0
FACET_SIZE = 30

# Years-of-experience facet bands: (label, lower bound inclusive, upper bound exclusive).
YEARS_BANDS: tuple[tuple[str, float | None, float | None], ...] = (
    ("0-2", None, 3.0),
    ("3-5", 3.0, 6.0),
    ("6-10", 6.0, 10.0),
    ("10+", 10.0, None),
)

FACET_NAMES = ("skills", "location", "languages", "years")

EARTH_RADIUS_KM = 6371.0088


def check_query(query: ProfileQuery) -> Node | None:
    """Validate the parts of ``query`` a recruiter controls and parse its text."""
    if query.page < 1:
        raise QuerySyntaxError("The page number must be 1 or more.")
    if not 1 <= query.per_page <= MAX_PER_PAGE:
        raise QuerySyntaxError(f"A page holds between 1 and {MAX_PER_PAGE} results.")
    if query.radius_km is not None:
        if not math.isfinite(query.radius_km) or not 0 < query.radius_km <= MAX_RADIUS_KM:
            raise QuerySyntaxError(
                f"The radius must be a number of kilometres between 0 and {MAX_RADIUS_KM:g}."
            )
        if query.location is None:
            raise QuerySyntaxError("A radius needs a place to measure from.")
    if query.location is not None:
        lat, lon = query.location
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90):
            raise QuerySyntaxError("The place has no valid coordinates.")
        if not -180 <= lon <= 180:
            raise QuerySyntaxError("The place has no valid coordinates.")
    if query.min_years is not None and not math.isfinite(query.min_years):
        raise QuerySyntaxError("The minimum years of experience must be a number.")
    return parse_query(query.text)


def page_window(query: ProfileQuery) -> tuple[int, int]:
    """Return (offset, limit) for the page; limit is 0 beyond the result window."""
    offset = (query.page - 1) * query.per_page
    if offset + query.per_page > MAX_RESULT_WINDOW:
        return offset, 0
    return offset, query.per_page


def years_band(years: float) -> str:
    """Return the facet band label for a number of years."""
    for label, low, high in YEARS_BANDS:
        if (low is None or years >= low) and (high is None or years < high):
            return label
    return YEARS_BANDS[-1][0]


def bounding_box(
    centre: tuple[float, float], radius_km: float
) -> tuple[float, float, float | None, float | None]:
    """Return (min_lat, max_lat, min_lon, max_lon) around a circle; lon None means unbounded."""
    lat, lon = centre
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    # Near a pole, or when the box would cross the antimeridian, longitude cannot bound it.
    if max_lat >= 89.9 or min_lat <= -89.9:
        return min_lat, max_lat, None, None
    cos_lat = min(math.cos(math.radians(min_lat)), math.cos(math.radians(max_lat)))
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat))
    if lon - dlon < -180 or lon + dlon > 180:
        return min_lat, max_lat, None, None
    return min_lat, max_lat, lon - dlon, lon + dlon


def highlight_html(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escape ``text`` and wrap each (start, end) character span in ``<mark>``."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos or end <= start:
            continue  # overlapping or empty spans would nest marks
        out.append(html.escape(text[pos:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def leading_fragment(text: str, max_chars: int) -> str:
    """Return the start of ``text`` cut at a word boundary, escaped as HTML."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return html.escape(text)
    cut = text.rfind(" ", 0, max_chars)
    return html.escape(text[: cut if cut > 0 else max_chars]) + " …"


class Highlighter:
    """Find whole words in ``forms`` and words starting with ``prefixes``, ignoring case."""

    MAX_SPANS = 500

    def __init__(self, forms: Iterable[str], prefixes: Iterable[str] = ()) -> None:
        self.forms = sorted({f.lower() for f in forms if f}, key=len, reverse=True)
        self.prefixes = sorted({p.lower() for p in prefixes if p})

    def __bool__(self) -> bool:
        return bool(self.forms or self.prefixes)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return the (start, end) character spans of matches, in text order."""
        low = text.lower()
        if len(low) != len(text):
            # A few characters lower-case to two ("İ"); keep offsets aligned with the text.
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        found: list[tuple[int, int]] = []
        # str.find runs in C; scanning once per form is far cheaper than a regex alternation.
        for word, is_prefix in [
            *((f, False) for f in self.forms),
            *((p, True) for p in self.prefixes),
        ]:
            start = low.find(word)
            while start != -1 and len(found) < self.MAX_SPANS:
                end = start + len(word)
                if start == 0 or not _is_word_char(low[start - 1]):
                    if is_prefix:
                        while end < len(low) and _is_word_char(low[end]):
                            end += 1
                        found.append((start, end))
                    elif end == len(low) or not _is_word_char(low[end]):
                        found.append((start, end))
                start = low.find(word, start + 1)
        found.sort(key=lambda span: (span[0], -span[1]))
        return found


def _is_word_char(c: str) -> bool:
    # Word edges as the index's tokenizer sees them: letters and digits only.
    return c.isalnum()


def best_fragment(text: str, highlighter: Highlighter | None, max_chars: int) -> str:
    """Return the escaped window of ``text`` with the most matches, each wrapped in ``<mark>``."""
    spans = highlighter.spans(text) if highlighter else []
    if not spans:
        return leading_fragment(text, max_chars)
    best_start, best_count = spans[0][0], 0
    for i, (start, _end) in enumerate(spans):
        count = sum(1 for _s, e in spans[i:] if e <= start + max_chars)
        if count > best_count:
            best_start, best_count = start, count
    # Give the first match some context before it, cut at a space.
    lead = max(0, best_start - max_chars // 5)
    if lead > 0:
        space = text.find(" ", lead, best_start)
        lead = space + 1 if space != -1 else lead
    stop = min(len(text), lead + max_chars)
    if stop < len(text):
        space = text.rfind(" ", best_start, stop)
        stop = space if space > best_start else stop
    inside = [(s - lead, e - lead) for s, e in spans if s >= lead and e <= stop]
    body = highlight_html(text[lead:stop], inside)
    return ("… " if lead > 0 else "") + body + (" …" if stop < len(text) else "")
