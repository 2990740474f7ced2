"""Detect the language a CV is written in."""

from __future__ import annotations

import re
import threading
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGE_CODES: dict[Language, str] = {
    Language.SWEDISH: "sv",
    Language.BOKMAL: "nb",
    Language.NYNORSK: "nn",
    Language.DANISH: "da",
    Language.FINNISH: "fi",
    Language.ENGLISH: "en",
    Language.GERMAN: "de",
}

# The fallback for empty or undecidable text: English is the lingua franca of the CVs that
# carry no Nordic words at all (lists of tools, names and numbers).
DEFAULT_LANGUAGE = "en"

# Language is a property of the prose; a few thousand characters decide it as well as the whole
# CV and keep detection time flat for long documents.
_SAMPLE_CHARS = 6000

_lock = threading.Lock()


@cache
def _detector() -> LanguageDetector:
    """Build the detector once; lingua loads its models on first use."""
    with _lock:
        return LanguageDetectorBuilder.from_languages(*LANGUAGE_CODES).build()


# Words that only one written Norwegian standard uses. Lingua often confuses the two on CV text,
# where names, places and skills outnumber the prose; these function words settle it.
_NYNORSK = frozenset(
    [
        "eg",
        "ikkje",
        "frå",
        "kva",
        "korleis",
        "kvifor",
        "kven",
        "dei",
        "vere",
        "berre",
        "mykje",
        "noko",
        "eit",
        "ein",
        "òg",
        "heime",
        "skule",
        "vart",
        "likar",
        "trivst",
        "oppteken",
        "saman",
        "løyse",
        "ho",
        "hjå",
        "elevar",
        "tilsette",
        "nytilsette",
        "arbeidd",
        "vore",
        "kollegaer",
        "gjennom",
        "einskilde",
        "sjølvstendig",
        "vert",
        "erfaringar",
        "utdanninga",
        "kunnskapar",
    ]
)
_BOKMAL = frozenset(
    [
        "jeg",
        "ikke",
        "fra",
        "hva",
        "hvordan",
        "hvorfor",
        "hvem",
        "de",
        "være",
        "bare",
        "mye",
        "noe",
        "et",
        "en",
        "også",
        "hjemme",
        "skole",
        "ble",
        "liker",
        "trives",
        "opptatt",
        "sammen",
        "løse",
        "hun",
        "hos",
        "elever",
        "ansatte",
        "nyansatte",
        "jobbet",
        "vært",
        "kolleger",
        "enkelte",
        "selvstendig",
        "blir",
        "erfaringer",
        "utdanningen",
        "kunnskaper",
    ]
)


def detect_language(text: str) -> str:
    """Return the ISO code of the language *text* is written in."""
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return DEFAULT_LANGUAGE
    language = _detector().detect_language_of(sample)
    if language is None:
        return DEFAULT_LANGUAGE
    code = LANGUAGE_CODES[language]
    if code in ("nb", "nn"):
        return _norwegian_standard(sample, code)
    return code


def _norwegian_standard(text: str, guess: str) -> str:
    """Choose bokmål or nynorsk by the words only one of them uses; keep *guess* on a tie."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    nynorsk = sum(1 for w in words if w in _NYNORSK)
    bokmal = sum(1 for w in words if w in _BOKMAL)
    if nynorsk > bokmal:
        return "nn"
    if bokmal > nynorsk:
        return "nb"
    return guess
