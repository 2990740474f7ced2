"""Build a structured profile (contacts, experience, education, skills, languages) from CV text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from indexer.language import detect_language
from indexer.profile import contacts
from indexer.profile.dates import format_date, parse_iso, total_years
from indexer.profile.entries import (
    read_education,
    read_experience,
    read_languages,
    read_skill_items,
)
from indexer.profile.sections import Sections, split_sections

__all__ = [
    "Education",
    "Experience",
    "LanguageSkill",
    "Profile",
    "Skill",
    "build_profile",
    "to_json_resume",
]


@dataclass
class Skill:
    """A skill as the CV names it, with its taxonomy concept when one matched."""

    label: str
    concept_id: str | None = None


@dataclass
class LanguageSkill:
    """A spoken language (ISO 639-1 code) and the level the candidate gives."""

    language: str
    level: str | None = None


@dataclass
class Education:
    """One education entry; dates are "YYYY" or "YYYY-MM", end None when ongoing or unknown."""

    institution: str | None
    degree: str | None
    start: str | None
    end: str | None


@dataclass
class Experience:
    """One job; dates are "YYYY" or "YYYY-MM", end None while it goes on."""

    title: str | None
    employer: str | None
    start: str | None
    end: str | None


@dataclass
class Profile:
    """What cvbank understood of one CV."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: list[str] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    languages: list[LanguageSkill] = field(default_factory=list)
    education: list[Education] = field(default_factory=list)
    experience: list[Experience] = field(default_factory=list)
    years_experience: float | None = None
    headline: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as the JSON object of `cvbank parse --json`."""
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "location": self.location,
            "links": list(self.links),
            "skills": [{"label": s.label, "concept_id": s.concept_id} for s in self.skills],
            "languages": [{"language": x.language, "level": x.level} for x in self.languages],
            "education": [
                {"institution": e.institution, "degree": e.degree, "start": e.start, "end": e.end}
                for e in self.education
            ],
            "experience": [
                {"title": e.title, "employer": e.employer, "start": e.start, "end": e.end}
                for e in self.experience
            ],
            "years_experience": self.years_experience,
            "headline": self.headline,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Profile:
        """Rebuild a profile from `to_dict` output (missing keys become empty)."""
        years = d.get("years_experience")
        return cls(
            name=d.get("name"),
            email=d.get("email"),
            phone=d.get("phone"),
            location=d.get("location"),
            links=list(d.get("links") or []),
            skills=[Skill(s["label"], s.get("concept_id")) for s in d.get("skills") or []],
            languages=[
                LanguageSkill(x["language"], x.get("level")) for x in d.get("languages") or []
            ],
            education=[
                Education(e.get("institution"), e.get("degree"), e.get("start"), e.get("end"))
                for e in d.get("education") or []
            ],
            experience=[
                Experience(e.get("title"), e.get("employer"), e.get("start"), e.get("end"))
                for e in d.get("experience") or []
            ],
            years_experience=float(years) if years is not None else None,
            headline=d.get("headline"),
        )


def build_profile(text: str, language: str | None = None, *, today: date | None = None) -> Profile:
    """Read a profile out of CV *text* written in *language* (detected when None)."""
    today = today or date.today()
    language = language or detect_language(text)
    sections = split_sections(text)
    # Referees' emails and phones are someone else's contact details.
    own_text = "\n".join(
        [*sections.header]
        + [
            line
            for kind, lines in sections.by_kind.items()
            if kind != "references"
            for line in lines
        ]
    )
    front = sections.header + sections.lines("other")
    profile = Profile()
    profile.name = contacts.find_name(sections.header) or contacts.find_name(front)
    emails = contacts.find_emails(own_text)
    profile.email = emails[0] if emails else None
    profile.location, country = contacts.find_location(front)
    region = contacts.REGION_BY_LANGUAGE.get(language) or country
    hint = contacts.guess_country(own_text)
    profile.phone = contacts.find_phone(_phone_area(sections), region, hint) or contacts.find_phone(
        own_text, region, hint
    )
    profile.links = [
        link for link in contacts.find_links(own_text) if not any(e in link for e in emails)
    ]
    profile.headline = _headline(sections.header, profile.name)
    profile.experience = [
        Experience(e.first, e.second, format_date(e.start), format_date(e.end))
        for e in read_experience(sections.lines("experience"))
    ]
    profile.education = [
        Education(e.second, e.first, format_date(e.start), format_date(e.end))
        for e in read_education(sections.lines("education"))
    ]
    profile.languages = [
        LanguageSkill(code, level) for code, level in read_languages(sections.lines("languages"))
    ]
    profile.skills = find_skills(sections, language)
    periods = [
        (start, parse_iso(e.end))
        for e in profile.experience
        if (start := parse_iso(e.start)) is not None
    ]
    profile.years_experience = total_years(periods, today)
    return profile


def _phone_area(sections: Sections) -> str:
    return "\n".join(sections.header + sections.lines("other"))


def _headline(header: list[str], name: str | None) -> str | None:
    after_name = name is None
    for line in header[:8]:
        if name and name.casefold() in re.sub(r"\s+", " ", line).casefold():
            after_name = True
            continue
        if not after_name or contacts.is_contact_line(line):
            continue
        words = line.split()
        if 1 <= len(words) <= 10 and not line.endswith(".") and not _is_place_line(line):
            return line.strip(" |–-")
    return None


def _is_place_line(line: str) -> bool:
    """Return whether a header line only says where the person lives ("Odense, Denmark")."""
    from indexer.gazetteer import Gazetteer

    first = line.split(",")[0].strip(" |–-")
    return len(line.split()) <= 3 and Gazetteer.load().lookup(first) is not None


@cache
def _taxonomy() -> Any:
    # The taxonomy is optional at run time: without it skills stay as the CV words them.
    try:
        from indexer.taxonomy import Taxonomy  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return Taxonomy.load()


def find_skills(sections: Sections, language: str) -> list[Skill]:
    """Return the skills in the skills section, mapped onto the taxonomy where it knows them."""
    items = read_skill_items(sections.lines("skills"))
    taxonomy = _taxonomy()
    if taxonomy is None:
        return [Skill(item) for item in items]
    if not items:
        # No skills section: the taxonomy finds what it knows anywhere in the CV.
        whole = "\n".join(sections.header + [ln for ls in sections.by_kind.values() for ln in ls])
        anywhere = {m.concept_id: m for m in taxonomy.find_in_text(whole, language)}
        return [Skill(taxonomy.label(cid, language), cid) for cid in anywhere]
    skills: list[Skill] = []
    seen: set[str] = set()
    labels: set[str] = set()
    for item in items:
        if item.casefold() in labels:
            continue
        found: list[str] = list({m.concept_id: m for m in taxonomy.find_in_text(item, language)})
        fresh = [cid for cid in found if cid not in seen]
        if len(found) == 1 or (found and not fresh):
            # One concept per item (or only ones named already): keep the candidate's words.
            skills.append(Skill(item, found[0]))
        elif fresh:
            skills.extend(Skill(taxonomy.label(cid, language), cid) for cid in fresh)
        else:
            skills.append(Skill(item))
        seen.update(found)
        labels.update(s.label.casefold() for s in skills)
    return skills


def to_json_resume(profile: Profile) -> dict[str, Any]:
    """Return *profile* in the JSON Resume schema (basics, work, education, skills, languages)."""
    basics: dict[str, Any] = {"name": profile.name or ""}
    if profile.headline:
        basics["label"] = profile.headline
    if profile.email:
        basics["email"] = profile.email
    if profile.phone:
        basics["phone"] = profile.phone
    if profile.location:
        basics["location"] = {"city": profile.location}
    if profile.links:
        basics["profiles"] = [_json_resume_link(link) for link in profile.links]
    return {
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": basics,
        "work": [
            _without_none(
                {
                    "name": e.employer,
                    "position": e.title,
                    "startDate": e.start,
                    "endDate": e.end,
                }
            )
            for e in profile.experience
        ],
        "education": [
            _without_none(
                {
                    "institution": e.institution,
                    "studyType": e.degree,
                    "startDate": e.start,
                    "endDate": e.end,
                }
            )
            for e in profile.education
        ],
        "skills": [_without_none({"name": s.label, "keywords": []}) for s in profile.skills],
        "languages": [
            _without_none({"language": x.language, "fluency": x.level}) for x in profile.languages
        ],
    }


def _json_resume_link(link: str) -> dict[str, str]:
    url = link if link.startswith(("http://", "https://")) else f"https://{link}"
    network = "LinkedIn" if "linkedin." in link else "GitHub" if "github." in link else "Web"
    return {"network": network, "url": url}


def _without_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
