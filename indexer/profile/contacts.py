"""Find the candidate's name, email, phone, links and home town in a CV."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import phonenumbers

from indexer.profile._data import load
from indexer.profile.sections import BULLET, heading_kind

REGION_BY_LANGUAGE = {"sv": "SE", "nb": "NO", "nn": "NO", "da": "DK", "fi": "FI"}
NORDIC_REGIONS = ("SE", "NO", "DK", "FI")

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
LINK = re.compile(
    r"(?<![\w@/.])(?:https?://|www\.|(?:[a-z]{2,3}\.)?linkedin\.com/|github\.com/|gitlab\.com/)"
    r"[^\s,;<>()\"']+",
    re.IGNORECASE,
)
_COUNTRIES = {
    "sverige": "SE", "sweden": "SE", "suomi": "FI", "finland": "FI",
    "norge": "NO", "noreg": "NO", "norway": "NO", "danmark": "DK", "denmark": "DK",
}  # fmt: skip
_POSTCODE_CITY = re.compile(
    r"(?:^|,\s*|\s)(?:(?P<prefix>SE|S|NO|N|DK|FI)[-\s])?(?P<code>\d{3}\s?\d{2}|\d{4,5})\s+"
    r"(?P<city>[A-ZÅÄÖÆØÜ][\w.\- ]*?)\s*(?:$|,|\||·|•)"
)
_LOCATION_LABEL = re.compile(
    r"^(?:(?:ort|bostadsort|hemort|bosted|bustad|bopel|bopæl|adress|adresse|address|location|"
    r"by|hjemsted|sted|stad|city|kotipaikka)\s*[:\-–]"
    r"|(?:bor i|bosatt i|bur i|bor på|based in|lives in|living in)[:\s])\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_NAME_LABEL = re.compile(r"^(?:namn|navn|nimi|name)\s*[:\-–]\s*(?P<value>.+)$", re.IGNORECASE)
_NAME_TOKEN = re.compile(r"^(?:[A-ZÅÄÖÆØÜÉ][\w'’\-]*\.?|von|van|af|de|der|la|du|le|da)$")
_CONTACT_LABEL = re.compile(
    r"^(?:e-?post|e-?mail|mail|epost|telefon|tel|tlf|mobil|mob|phone|mobile|puh|puhelin|"
    r"linkedin|github|web|hemsida|nettside|hjemmeside|website)\b",
    re.IGNORECASE,
)
# Districts Danish and Norwegian addresses add after the city ("København Ø", "Aarhus C").
_DISTRICT_SUFFIX = re.compile(r"\s+(?:[A-ZÆØÅ]{1,2}|SV|NV|NØ)$")


def find_emails(text: str) -> list[str]:
    """Return the email addresses in *text*, first seen first."""
    seen: dict[str, None] = {}
    for match in EMAIL.finditer(text):
        seen.setdefault(match.group(0).strip("."), None)
    return list(seen)


def find_links(text: str) -> list[str]:
    """Return the web links in *text* (LinkedIn, GitHub, home pages), as written."""
    seen: dict[str, None] = {}
    for match in LINK.finditer(text):
        link = match.group(0).rstrip(".,;:)]")
        seen.setdefault(link, None)
    return list(seen)


_COMPANY_COUNTRY = {
    "AB": "SE", "kommun": "SE", "AS": "NO", "ASA": "NO", "A/S": "DK", "ApS": "DK", "Oy": "FI",
    "Oyj": "FI",
}  # fmt: skip


def guess_country(text: str) -> str | None:
    """Guess the country a CV comes from by the company forms it names (AB, AS, A/S, Oy)."""
    votes: dict[str, int] = {}
    # Case matters: "AS" is a Norwegian company, "as" an English word.
    for word in re.findall(r"(?<![\w/])(?:AB|kommun|AS|ASA|A/S|ApS|Oy|Oyj)(?![\w/])", text):
        country = _COMPANY_COUNTRY[word]
        votes[country] = votes.get(country, 0) + 1
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def find_phone(text: str, region: str | None, hint: str | None = None) -> str | None:
    """Return the first phone number in *text*, in E.164 when its country is clear.

    *region* is the country the CV's language implies; *hint* a weaker guess used only to
    choose between countries where the number is valid in more than one.
    """
    for candidate in _phone_candidates(text):
        number = _parse_phone(candidate, region, hint)
        if number is not None:
            return number
    return None


def _phone_candidates(text: str) -> list[str]:
    # A run of digits with the separators people type; the phonenumbers matcher alone misses
    # "070-174 06 05" written next to a label and accepts dates, so we cut candidates first.
    pattern = re.compile(r"(?<![\w/.])(?:\+|00)?\(?\d[\d \-().]{6,18}\d(?![\w/])")
    out = []
    for match in pattern.finditer(text):
        candidate = match.group(0)
        if re.search(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d", candidate):
            continue  # a period of years, not a number
        out.append(candidate)
    return out


_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def _parse_phone(candidate: str, region: str | None, hint: str | None) -> str | None:
    digits = re.sub(r"\D", "", candidate)
    if len(digits) < 7:
        return None
    international = candidate.lstrip().startswith(("+", "00"))
    if international or region is not None:
        try:
            number = phonenumbers.parse(
                "+" + digits[2:] if candidate.lstrip().startswith("00") else candidate,
                None if international else region,
            )
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return None
    # No country known: the number's own shape may still fit exactly one Nordic country.
    valid = []
    for guess in NORDIC_REGIONS:
        try:
            number = phonenumbers.parse(candidate, guess)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            valid.append(number)
    if len(valid) > 1:
        # People put their mobile on a CV; a number that is a mobile in one country only wins.
        mobile = [n for n in valid if phonenumbers.number_type(n) in _MOBILE_TYPES]
        valid = mobile or valid
    if len(valid) > 1 and hint is not None:
        valid = [n for n in valid if phonenumbers.region_code_for_number(n) == hint] or valid
    if len(valid) == 1:
        return phonenumbers.format_number(valid[0], phonenumbers.PhoneNumberFormat.E164)
    if valid:
        return re.sub(r"\s+", " ", candidate.strip())
    return None


def _is_name(line: str) -> bool:
    if any(ch.isdigit() for ch in line) or "@" in line or "/" in line or ":" in line:
        return False
    if line.casefold().strip(" .") in _not_a_name() or heading_kind(line) is not None:
        return False
    tokens = line.split()
    if not 2 <= len(tokens) <= 4:
        return False
    if not all(_NAME_TOKEN.match(token) for token in tokens):
        return False
    return tokens[0][0].isupper() and tokens[-1][0].isupper()


@cache
def _not_a_name() -> frozenset[str]:
    return frozenset(w.casefold() for w in load("headings")["not_a_name"])


def _tidy_name(line: str) -> str:
    line = re.sub(r"\s+", " ", line.strip())
    if line.isupper():
        # Names set in capitals in the header: "ANNA-KARIN LUNDQVIST" -> "Anna-Karin Lundqvist".
        line = "-".join(part.capitalize() for part in line.lower().split("-"))
        line = " ".join(w[0].upper() + w[1:] for w in line.split())
    return line


_TITLE_PREFIX = re.compile(
    r"^(?:cv|curriculum vitae|resume|résumé|meritförteckning)\s*[-–—:|]\s*", re.IGNORECASE
)


def find_name(lines: list[str]) -> str | None:
    """Return the candidate's name from the first lines of a CV."""
    # "CV – Jonas Kirkegaard": the document's title carries the name.
    lines = [_TITLE_PREFIX.sub("", line) for line in lines]
    for line in lines[:12]:
        labelled = _NAME_LABEL.match(line)
        if labelled and _is_name(labelled["value"]):
            return _tidy_name(labelled["value"])
    window = lines[:8]
    for i, line in enumerate(window):
        stripped = BULLET.sub("", line).strip()
        if _is_name(stripped):
            return _tidy_name(stripped)
        # First and last name set on two lines in a large font.
        single = (
            len(stripped.split()) == 1
            and stripped.casefold() not in _not_a_name()
            and heading_kind(stripped) is None
        )
        if i + 1 < len(window) and single and "@" not in stripped:
            joined = f"{stripped} {window[i + 1].strip()}"
            if _is_name(joined):
                return _tidy_name(joined)
    return None


def _city_from_value(value: str) -> str | None:
    match = _POSTCODE_CITY.search(value)
    if match:
        return _DISTRICT_SUFFIX.sub("", match["city"].strip())
    parts = [p.strip() for p in re.split(r"[,|·•]", value) if p.strip()]
    parts = [p for p in parts if p.casefold() not in _COUNTRIES]
    if not parts:
        return None
    candidate = parts[-1]
    if any(ch.isdigit() for ch in candidate):
        return None
    return _DISTRICT_SUFFIX.sub("", candidate)


def _parts(lines: list[str]) -> list[str]:
    """Split contact lines such as "070-… | anna@example.com | Ort: Malmö" into their parts."""
    return [
        p.strip() for line in lines for p in re.split(r"\s+[|·•]\s+|\s*\|\s*", line) if p.strip()
    ]


def find_location(lines: list[str]) -> tuple[str | None, str | None]:
    """Return (city, country code) where the candidate lives, from the header lines."""
    gazetteer = _gazetteer()
    parts = [p for p in _parts(lines) if not EMAIL.search(p) and not LINK.search(p)]
    for part in parts:
        labelled = _LOCATION_LABEL.match(part)
        if labelled:
            city = _city_from_value(labelled["value"])
            if city:
                return _resolve(city, gazetteer, _country_in(labelled["value"]))
    for part in parts:
        match = _POSTCODE_CITY.search(part)
        if match and not _CONTACT_LABEL.match(part):
            city = _DISTRICT_SUFFIX.sub("", match["city"].strip())
            country = {"S": "SE", "N": "NO"}.get(match["prefix"] or "", match["prefix"])
            return _resolve(
                city, gazetteer, country or _country_in(part) or _postcode_country(match["code"])
            )
    for part in parts:
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) >= 2 and pieces[-1].casefold() in _COUNTRIES:
            city = pieces[-2]
            if city and not any(ch.isdigit() for ch in city) and len(city.split()) <= 3:
                return _resolve(city, gazetteer, _COUNTRIES[pieces[-1].casefold()])
    if gazetteer is not None:
        place = gazetteer.find_in_text("\n".join(parts))
        if place is not None:
            return place.name, place.country.upper()
    return None, None


def _postcode_country(code: str) -> str | None:
    # Swedish postcodes are written "411 38"; four digits are Norwegian or Danish.
    return "SE" if re.fullmatch(r"\d{3} \d{2}", code) else None


def _country_in(text: str) -> str | None:
    for word in re.findall(r"\w+", text.casefold()):
        if word in _COUNTRIES:
            return _COUNTRIES[word]
    return None


def _resolve(city: str, gazetteer: Any, country: str | None) -> tuple[str, str | None]:
    # Keep the town as the candidate wrote it ("Voss", not the gazetteer's "Vossevangen"); the
    # gazetteer only confirms it is a place and tells the country.
    if gazetteer is not None and country is None:
        place = gazetteer.find_in_text(city)
        if place is not None:
            return city, place.country.upper()
    return city, country


def gazetteer() -> Any:
    """Return the place-name gazetteer, or None where it is not installed."""
    return _gazetteer()


@cache
def _gazetteer() -> Any:
    # The gazetteer is optional at run time: without it we keep the city as written.
    try:
        from indexer.gazetteer import Gazetteer  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return Gazetteer.load()


def is_contact_line(line: str) -> bool:
    """Tell whether *line* holds contact details rather than a headline."""
    return bool(
        EMAIL.search(line)
        or LINK.search(line)
        or _CONTACT_LABEL.match(line.strip())
        or _LOCATION_LABEL.match(line.strip())
        or _POSTCODE_CITY.search(line)
        or re.search(r"\+?\d[\d \-]{6,}\d", line)
    )
