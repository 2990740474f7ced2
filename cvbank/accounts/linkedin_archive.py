"""Read the ZIP from LinkedIn's "Get a copy of your data" into a profile draft.

The draft has the shape of ``indexer.profile.Profile.to_dict()`` so that it can be merged into a
CV profile after the job seeker has reviewed it. Nothing here stores anything.

The archive goes through the same checks as DOCX uploads (``indexer.extract.zipguard``): entry
count, total uncompressed size and compression ratio, read from the central directory before
anything is inflated, with a larger entry budget because an archive holds more files.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from typing import Any

from cvbank.errors import ValidationError
from indexer.errors import ParseError
from indexer.extract.base import Limits
from indexer.extract.zipguard import open_checked_zip

# Real archives hold a few hundred small CSVs (plus, in the full export, some media).
LIMITS = Limits(zip_max_entries=2000, zip_max_uncompressed=100 * 1024 * 1024, zip_max_ratio=100)
MAX_CSV_BYTES = 5 * 1024 * 1024  # the parts read here are a few kilobytes

MONTHS = {
    name: i
    for i, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
# LinkedIn writes language names as the member typed or picked them, usually in English.
LANGUAGE_CODES = {
    "english": "en",
    "engelska": "en",
    "engelsk": "en",
    "swedish": "sv",
    "svenska": "sv",
    "norwegian": "nb",
    "norsk": "nb",
    "norwegian bokmål": "nb",
    "bokmål": "nb",
    "nynorsk": "nn",
    "norwegian nynorsk": "nn",
    "danish": "da",
    "dansk": "da",
    "danska": "da",
    "finnish": "fi",
    "suomi": "fi",
    "finska": "fi",
    "german": "de",
    "deutsch": "de",
    "tyska": "de",
    "tysk": "de",
    "french": "fr",
    "franska": "fr",
    "fransk": "fr",
    "spanish": "es",
    "spanska": "es",
    "spansk": "es",
    "arabic": "ar",
    "arabiska": "ar",
    "polish": "pl",
    "somali": "so",
    "persian": "fa",
    "farsi": "fa",
    "russian": "ru",
    "italian": "it",
    "dutch": "nl",
    "icelandic": "is",
}
LEVELS = {
    "native or bilingual proficiency": "native",
    "full professional proficiency": "fluent",
    "professional working proficiency": "professional",
    "limited working proficiency": "basic",
    "elementary proficiency": "basic",
}


def _bad(code: str, message: str) -> ValidationError:
    return ValidationError("archive", message, code=code)


def _open(data: bytes) -> zipfile.ZipFile:
    """Open the archive after the checks DOCX uploads get (indexer.extract.zipguard)."""
    try:
        return open_checked_zip(data, LIMITS)
    except ParseError as exc:
        if exc.code == "zip_bomb":
            raise _bad(
                "zip_bomb",
                "This archive cannot be read safely: it unpacks to far more "
                "than a LinkedIn archive holds.",
            ) from exc
        raise _bad("corrupt_file", "This file is not a ZIP archive that can be read.") from exc


def _find(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """Return the entry called ``name`` in any folder, ignoring case."""
    wanted = name.lower()
    for entry in archive.infolist():
        if not entry.is_dir() and entry.filename.rsplit("/", 1)[-1].lower() == wanted:
            return entry
    return None


def _rows(archive: zipfile.ZipFile, name: str, first_column: str) -> list[dict[str, str]]:
    """Return the rows of one CSV, skipping the notes LinkedIn puts above some headers."""
    entry = _find(archive, name)
    if entry is None:
        return []
    if entry.file_size > MAX_CSV_BYTES:
        raise _bad("zip_bomb", f"{name} in this archive is far larger than LinkedIn writes it.")
    try:
        raw = archive.read(entry)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError) as exc:
        raise _bad("corrupt_file", "This archive is damaged and cannot be read.") from exc
    text = raw.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if line.lstrip('"').lower().startswith(first_column.lower())
        ),
        None,
    )
    if start is None:
        return []
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def parse_date(value: str) -> str | None:
    """Turn LinkedIn's "Jan 2019", "2019" or "2019-01-15" into "YYYY-MM" or "YYYY"."""
    value = (value or "").strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", value):
        return f"{m.group(1)}-{m.group(2)}"
    if m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\.? (\d{4})", value):
        month = MONTHS.get(m.group(1).lower())
        return f"{m.group(2)}-{month:02d}" if month else m.group(2)
    if re.fullmatch(r"\d{4}", value):
        return value
    return None


def _months(value: str | None, *, end: bool, today: date) -> int | None:
    if value is None:
        return today.year * 12 + today.month - 1 if end else None
    year, _, month = value.partition("-")
    return int(year) * 12 + (int(month) - 1 if month else (11 if end else 0))


def years_of_experience(experience: list[dict[str, Any]], today: date) -> float | None:
    """Sum the months covered by the jobs (overlaps counted once), in years."""
    covered: set[int] = set()
    for job in experience:
        start = _months(job["start"], end=False, today=today)
        stop = _months(job["end"], end=True, today=today)
        if start is not None and stop is not None and stop >= start:
            covered.update(range(start, stop + 1))
    return round(len(covered) / 12, 1) if covered else None


def parse_archive(data: bytes, *, today: date | None = None) -> dict[str, Any]:
    """Return a profile draft (``Profile.to_dict()`` shape) from a LinkedIn data archive."""
    today = today or date.today()
    with _open(data) as archive:
        profile_rows = _rows(archive, "Profile.csv", "First Name")
        if _find(archive, "Profile.csv") is None or not profile_rows:
            raise _bad(
                "not_linkedin_archive",
                "This ZIP is not a LinkedIn data archive: it has no Profile.csv.",
            )
        positions = _rows(archive, "Positions.csv", "Company Name")
        education = _rows(archive, "Education.csv", "School Name")
        skills = _rows(archive, "Skills.csv", "Name")
        languages = _rows(archive, "Languages.csv", "Name")
        emails = _rows(archive, "Email Addresses.csv", "Email Address")
        phones = _rows(archive, "PhoneNumbers.csv", "Extension")

    person = profile_rows[0]
    name = " ".join(p for p in (person.get("First Name"), person.get("Last Name")) if p)
    experience = [
        {
            "title": row.get("Title") or None,
            "employer": row.get("Company Name") or None,
            "start": parse_date(row.get("Started On", "")),
            "end": parse_date(row.get("Finished On", "")),
        }
        for row in positions
        if row.get("Title") or row.get("Company Name")
    ]
    primary = next((r for r in emails if r.get("Primary", "").lower() == "yes"), None)
    email_row = primary or next(iter(emails), None)
    # Websites look like "[PERSONAL:https://…,COMPANY:https://…]".
    links = re.findall(r"https?://[^\s,\]]+", person.get("Websites", ""))
    return {
        "name": name or None,
        "email": (email_row or {}).get("Email Address") or None,
        "phone": next((r.get("Number") for r in phones if r.get("Number")), None),
        "location": person.get("Geo Location") or None,
        "links": links,
        "skills": [{"label": row["Name"], "concept_id": None} for row in skills if row.get("Name")],
        "languages": [
            {
                "language": LANGUAGE_CODES.get(row["Name"].lower(), row["Name"]),
                "level": LEVELS.get(
                    row.get("Proficiency", "").lower(), row.get("Proficiency") or None
                ),
            }
            for row in languages
            if row.get("Name")
        ],
        "education": [
            {
                "institution": row.get("School Name") or None,
                "degree": row.get("Degree Name") or None,
                "start": parse_date(row.get("Start Date", "")),
                "end": parse_date(row.get("End Date", "")),
            }
            for row in education
            if row.get("School Name") or row.get("Degree Name")
        ],
        "experience": experience,
        "years_experience": years_of_experience(experience, today),
        "headline": person.get("Headline") or None,
    }


# The parts of a draft a job seeker can choose to apply, and the profile fields each one sets.
SECTIONS = {
    "name": ("name",),
    "headline": ("headline",),
    "contact": ("email", "phone", "location"),
    "experience": ("experience",),
    "education": ("education",),
    "skills": ("skills",),
    "languages": ("languages",),
}


def chosen_corrections(draft: dict[str, Any], sections: list[str]) -> dict[str, Any]:
    """Return the profile corrections for the chosen sections (empty values left out)."""
    chosen: dict[str, Any] = {}
    for section in sections:
        for key in SECTIONS.get(section, ()):
            value = draft.get(key)
            if value not in (None, "", []):
                chosen[key] = value
    if not chosen:
        raise ValidationError(
            "sections", "Choose at least one part of the archive to use.", code="nothing_chosen"
        )
    return chosen
