"""Find Nordic national identity numbers, validated with python-stdnum."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from stdnum import luhn
from stdnum.dk import cpr
from stdnum.fi import hetu
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

# Digits glued to a letter, another digit group or a decimal point belong to something else
# (an IBAN, a phone number written 070-811218-9876, a version string).
_BEFORE = r"(?<![\w+\-./:])(?<!\d[ ])"
_AFTER = r"(?![\w]|[-./:]\d|[ ]\d)"
# Tried in this order; a span taken by an earlier kind is not tried again.
_CANDIDATES = (
    ("se12", re.compile(rf"{_BEFORE}(?:18|19|20)\d{{6}}[-+]?\d{{4}}{_AFTER}")),
    ("no11", re.compile(rf"{_BEFORE}\d{{6}}[ ]?\d{{5}}{_AFTER}")),
    ("hetu", re.compile(rf"{_BEFORE}\d{{6}}[-+A-FU-Y]\d{{3}}[0-9A-Y]{_AFTER}")),
    ("ten", re.compile(rf"{_BEFORE}\d{{6}}[-+]?\d{{4}}{_AFTER}")),
    # "811218 9876" is how some people type it, but so are phone numbers: needs a context word.
    ("spaced", re.compile(rf"{_BEFORE}\d{{6}} \d{{4}}(?![\w]|[-./: ]\d)")),
)
# Words that say "this is an identity number"; they raise confidence and are required for
# Danish CPR numbers written without the dash, since CPR has no checksum.
_ID_CONTEXT = re.compile(
    r"(?<!\w)(?:person(?:nummer|nr|numret|numeret|nummeret)|pers\.?\s?nr|p-?nr|pnr"
    r"|samordningsnummer|samordningsnr|fødselsnummer(?:et)?|fødselsnr|fødselsnummeret|f\.?nr"
    r"|fnr|d-nummer|cpr(?:-?(?:nr|nummer|nummeret))?|henkilötunnus|hetu|sotu"
    r"|personal\s+(?:identity\s+|id\s+|identification\s+)?(?:number|no\.?)|national\s+id\w*"
    r"|social\s+security(?:\s+number)?|ssn|id-?nummer|id\s+no\.?|identitetsnummer"
    # The heading of a CV's personal-details block names what follows it.
    r"|personlige\s+oplysninger|personopplysninger|personuppgifter|personalia|personal\s+details)(?!\w)",
    re.IGNORECASE,
)
# Words that say the number is something else; they suppress a match that has no ID context.
_OTHER_CONTEXT = re.compile(
    r"(?<!\w)(?:tel(?:efon)?|tlf|mob(?:il|ile|ilnr)?|phone|fax|order(?:nr|nummer|number)?"
    r"|ordre(?:nr|nummer)?|faktura(?:nr|nummer)?|invoice|ref(?:erens|erence)?"
    r"|konto(?:nr|nummer)?|account|clearing|org(?:\.|anisations)?\s?n(?:r|ummer)"
    r"|orgnr|org\.?\s?nr|organisasjonsnummer|cvr(?:-?nr)?|ärende(?:nr|nummer)?|sak(?:snr|snummer)"
    r"|booking|bokning(?:snr|snummer)?|id\s?:?\s?#|serienummer|serial)(?!\w)[\s.:#-]*$",
    re.IGNORECASE,
)
_LABEL_BEFORE = re.compile(rf"(?:{_ID_CONTEXT.pattern})\s*[:.\-–]?\s*$", re.IGNORECASE)
_CONTEXT_WINDOW = 40
_OTHER_WINDOW = 25


@dataclass(frozen=True)
class IdMatch:
    """A validated identity number with its span, rule id and confidence."""

    start: int
    end: int
    rule: str
    confidence: float


def find_national_ids(text: str) -> list[IdMatch]:
    """Return every validated identity number in text, the label before it included."""
    found: list[IdMatch] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _CANDIDATES:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            result = _check(text, kind, match)
            if result is not None:
                taken.append((match.start(), match.end()))
                found.append(result)
    return sorted(found, key=lambda m: m.start)


def _check(text: str, kind: str, match: re.Match[str]) -> IdMatch | None:
    number = match.group()
    before = text[max(0, match.start() - _CONTEXT_WINDOW) : match.start()]
    has_context = _ID_CONTEXT.search(before) is not None
    if not has_context and _OTHER_CONTEXT.search(before[-_OTHER_WINDOW:]):
        return None
    result = _classify(kind, number, has_context)
    if result is None:
        return None
    rule, confidence = result
    start = match.start()
    label = _LABEL_BEFORE.search(text, max(0, start - _CONTEXT_WINDOW), start)
    if label is not None:
        start = label.start()
    return IdMatch(start, match.end(), rule, confidence)


def _classify(kind: str, number: str, has_context: bool) -> tuple[str, float] | None:
    boost = 0.09 if has_context else 0.0
    if kind == "hetu":
        return ("id.fi.hetu", 0.9 + boost) if hetu.is_valid(number) else None
    if kind == "se12":
        return _swedish(number, boost)
    if kind == "no11":
        if not fodselsnummer.is_valid(number):
            return None
        if int(number[0]) >= 4:
            return "id.no.d_nummer", 0.9 + boost
        return "id.no.fodselsnummer", 0.9 + boost
    if kind == "spaced":
        if not has_context:
            return None
        number = number.replace(" ", "")
    swedish = _swedish(number, boost)
    if swedish is not None:
        return swedish
    # A Danish CPR number has no checksum any more, so only the date backs it up: demand the
    # printed shape DDMMYY-XXXX or a word that names it.
    if cpr.is_valid(number) and ("-" in number or has_context):
        return "id.dk.cpr", (0.95 if has_context else 0.6)
    return None


def _swedish(number: str, boost: float) -> tuple[str, float] | None:
    if personnummer.is_valid(number):
        return "id.se.personnummer", 0.9 + boost
    if is_samordningsnummer(number):
        return "id.se.samordningsnummer", 0.9 + boost
    return None


def is_samordningsnummer(number: str) -> bool:
    """Check a Swedish samordningsnummer (birth day + 60), which python-stdnum 2.2 rejects."""
    digits = number.replace("-", "").replace("+", "")
    if not digits.isdigit() or len(digits) not in (10, 12):
        return False
    short = digits[-10:]
    month, day = int(short[2:4]), int(short[4:6])
    if not 61 <= day <= 91:
        return False
    # Feb 29 is checked against a leap year: the century is unknown for 10-digit numbers.
    year = int(digits[:4]) if len(digits) == 12 else 2000
    try:
        datetime.date(year, month, day - 60)
    except ValueError:
        return False
    return luhn.is_valid(short)
