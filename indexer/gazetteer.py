"""Find Nordic places by name, in CV text and for autocomplete, with their coordinates.

The places live in ``indexer/data/gazetteer/<country>.csv`` (``se``, ``no``, ``dk``, ``fi``) with
the columns ``name, lat, lon, pop_k, alt_names, guard``: ``alt_names`` holds other spellings and
the municipality's name where the main town is called differently (``|``-separated), ``pop_k``
the approximate population in thousands (it breaks ties between places of the same name and
orders autocomplete), and ``guard`` is 1 when the name is also an everyday word, a company or a
common surname ("Moss", "Nora", "Ski", "Nokia"); an alternative name is guarded by a leading
``!`` ("!Mark"), and every name of one or two letters ("Ed", "Mo", "Ås") is guarded. A guarded
name is found in a CV only after a postal code or a label such as "Ort:", never in running text.

Names compare case- and diacritics-insensitively: "ø" is "o", "æ" is "ae", and the Danish "aa" is
"å", so "Tromso", "AARHUS" and "Malmo" all find their places.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

COUNTRIES = ("se", "no", "dk", "fi")
EARTH_RADIUS_KM = 6371.0088

# How many lines at the top of a CV count as its contact block.
_HEAD_LINES = 15

_LABEL = re.compile(
    r"^\s*(?:bostadsort|hemort|ort|bosted|bostad|adresse?|address|location|city|town|hometown|"
    r"residence|bopæl|bopel|by|sted|kommune|kommun|asuinpaikka|paikkakunta|kotipaikka)"
    r"\s*[:\-–]\s*(?P<rest>.+)$"
    r"|\b(?:bor i|bor på|bosatt i|bosatt på|lives in|living in|based in|located in|asun)"
    r"\s+(?P<after>.+)$",
    re.IGNORECASE | re.MULTILINE,
)
# A postal code followed by the town: "118 20 Stockholm", "SE-118 20", "0150 Oslo", "DK-8000
# Aarhus C", "00100 Helsinki". The code's shape tells the country.
_POSTAL = re.compile(
    r"(?<![\w-])(?:(?P<prefix>SE|S|NO|N|DK|FI|FIN)[-\s])?"
    r"(?P<code>\d{3}\s\d{2}|\d{5}|\d{4})(?!\w)[ \t,]+(?P<rest>[^\W\d_][^\n,;|•·]*)",
    re.IGNORECASE,
)
_YEAR_RANGE_END = re.compile(r"\d{4}\s*[-–—]\s*\Z")
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


@dataclass(frozen=True)
class Place:
    """A Nordic place with its country code (ISO 3166, lower case) and coordinates."""

    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Entry:
    place: Place
    population: float


@dataclass(frozen=True)
class _Name:
    entry: _Entry
    guarded: bool


def fold(name: str) -> str:
    """Reduce a place name to the form that lookups compare."""
    name = name.casefold().replace("ø", "o").replace("æ", "ae").replace("aa", "å")
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(re.split(r"[\s\-‐–.]+", name)).strip()


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance in kilometres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


class Gazetteer:
    """Nordic towns and municipalities with alternative names."""

    def __init__(self, entries: list[tuple[_Entry, dict[str, bool]]]):
        self._by_name: dict[str, _Name] = {}
        self._all_names: list[tuple[str, _Entry]] = []
        for entry, names in entries:
            for name, guarded in names.items():
                key = fold(name)
                self._all_names.append((key, entry))
                known = self._by_name.get(key)
                if known is None or known.entry.population < entry.population:
                    short = len(key.replace(" ", "")) <= 2
                    self._by_name[key] = _Name(entry, guarded or short)
        self._all_names.sort(key=lambda item: -item[1].population)
        self._count = len(entries)
        self._longest_name = max(len(key.split()) for key in self._by_name)

    @classmethod
    @cache
    def load(cls) -> Gazetteer:
        """Load the gazetteer shipped with the indexer."""
        root = resources.files("indexer") / "data" / "gazetteer"
        entries: list[tuple[_Entry, dict[str, bool]]] = []
        for country in COUNTRIES:
            text = (root / f"{country}.csv").read_text(encoding="utf-8")
            for row in csv.DictReader(io.StringIO(text)):
                place = Place(row["name"], country, float(row["lat"]), float(row["lon"]))
                names = {row["name"]: row["guard"] == "1"}
                for alternative in filter(None, row["alt_names"].split("|")):
                    names[alternative.lstrip("!")] = alternative.startswith("!")
                entries.append((_Entry(place, float(row["pop_k"])), names))
        return cls(entries)

    def __len__(self) -> int:
        return self._count

    def lookup(self, name: str) -> Place | None:
        """Return the place a name or alternative name stands for, ignoring case and accents."""
        found = self._by_name.get(fold(name))
        return found.entry.place if found else None

    def names(self, prefix: str, limit: int = 10) -> list[Place]:
        """Return places whose name starts with a prefix, largest first, for autocomplete."""
        key = fold(prefix)
        if not key:
            return []
        found: dict[Place, None] = {}
        for name, entry in self._all_names:
            if name.startswith(key):
                found[entry.place] = None
                if len(found) == limit:
                    break
        return list(found)

    def find_in_text(self, text: str) -> Place | None:
        """Return the most likely home location named in a CV's text."""
        head = "\n".join(text.splitlines()[:_HEAD_LINES])
        return (
            self._from_postal_codes(head)
            or self._from_labels(head)
            or self._from_head(head)
            or self._from_postal_codes(text)
            or self._from_labels(text)
            or self._most_mentioned(text)
        )

    def _from_postal_codes(self, text: str) -> Place | None:
        for m in _POSTAL.finditer(text):
            if _YEAR_RANGE_END.search(text, 0, m.start()):
                continue  # "2015–2019 Bergen kommune" is a period of work, not an address
            entry = self._leading_place(m.group("rest"), guarded_ok=True)
            if entry and entry.place.country in _postal_countries(m["code"], m["prefix"]):
                return entry.place
        return None

    def _from_labels(self, text: str) -> Place | None:
        for m in _LABEL.finditer(text):
            for part in re.split(r"[,;/|()]", m.group("rest") or m.group("after")):
                entry = self._leading_place(part, guarded_ok=True)
                if entry is None:
                    # "Storgatan 1, 123 45 Ort" after a label: the town is after the code.
                    entry = self._leading_place(re.sub(r"^[\d\s]+", "", part), guarded_ok=True)
                if entry:
                    return entry.place
        return None

    def _from_head(self, head: str) -> Place | None:
        for line in head.splitlines():
            words = list(_WORD.finditer(line))
            for i, word in enumerate(words):
                if not word.group()[0].isupper():
                    continue
                entry = self._place_at(line, words, i, guarded_ok=False)
                if entry and not _looks_like_a_name_line(words, i):
                    return entry.place
        return None

    def _most_mentioned(self, text: str) -> Place | None:
        counts: dict[Place, int] = {}
        for line in text.splitlines():
            words = list(_WORD.finditer(line))
            for i, word in enumerate(words):
                if word.group()[0].isupper():
                    entry = self._place_at(line, words, i, guarded_ok=False)
                    if entry:
                        counts[entry.place] = counts.get(entry.place, 0) + 1
        # dict order keeps the first mention first among equal counts.
        return max(counts, key=lambda p: counts[p]) if counts else None

    def _leading_place(self, fragment: str, *, guarded_ok: bool) -> _Entry | None:
        words = list(_WORD.finditer(fragment))
        if not words:
            return None
        return self._place_at(fragment, words, 0, guarded_ok=guarded_ok)

    def _place_at(
        self, line: str, words: list[re.Match[str]], i: int, *, guarded_ok: bool
    ) -> _Entry | None:
        for size in range(min(self._longest_name, len(words) - i), 0, -1):
            last = words[i + size - 1]
            found = self._by_name.get(fold(line[words[i].start() : last.end()]))
            if found and (guarded_ok or not found.guarded):
                return found.entry
        return None


_PREFIX_COUNTRY = {
    "se": "se",
    "s": "se",
    "no": "no",
    "n": "no",
    "dk": "dk",
    "fi": "fi",
    "fin": "fi",
}


def _postal_countries(code: str, prefix: str | None) -> frozenset[str]:
    if prefix:
        return frozenset({_PREFIX_COUNTRY[prefix.lower()]})
    if " " in code:
        return frozenset({"se"})  # "118 20"
    if len(code) == 4:
        return frozenset({"no", "dk"})
    return frozenset({"fi", "se"})  # five digits: Finland, or Sweden without the space


def _looks_like_a_name_line(words: list[re.Match[str]], i: int) -> bool:
    # "Anna Lund" on the first line is a person, not the town of Lund.
    return len(words) <= 4 and i > 0 and words[i - 1].group()[0].isupper()
