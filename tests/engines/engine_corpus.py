"""The documents, places and synonyms the engine contract tests search."""

from __future__ import annotations

from datetime import UTC, datetime

from indexer.search.base import IndexDocument

# Places, as the gazetteer would give them: (lat, lon).
MALMO = (55.6050, 13.0038)
LUND = (55.7047, 13.1910)
COPENHAGEN = (55.6761, 12.5683)
STOCKHOLM = (59.3293, 18.0686)
OSLO = (59.9139, 10.7522)
GOTHENBURG = (57.7089, 11.9746)
HELSINKI = (60.1699, 24.9384)
# Inside the bounding box of 20 km around Malmö but about 24 km away from it.
BOX_CORNER = (55.755, 13.284)

BLOCKED_ORG = "org-blocked"
OTHER_ORG = "org-other"


def _at(year: int, month: int, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


CORPUS: tuple[IndexDocument, ...] = (
    IndexDocument(
        cv_id="nurse-malmo",
        version_id="v1",
        visibility="visible",
        language="sv",
        title="Sjuksköterska",
        text=(
            "Legitimerad sjuksköterska med tio års erfarenhet från akutmottagningen i Malmö. "
            "Arbetar med triage och läkemedelshantering."
        ),
        skills=("nursing", "triage"),
        location="Malmö",
        geo=MALMO,
        years_experience=10.0,
        languages=("sv", "en"),
        updated_at=_at(2025, 6, 1),
    ),
    IndexDocument(
        cv_id="dev-stockholm",
        version_id="v1",
        visibility="visible",
        language="sv",
        title="Systemutvecklare",
        text=(
            "Systemutvecklare inom Java och Kotlin. Erfaren av molntjänster och agila team "
            "på ett försäkringsbolag."
        ),
        skills=("java", "kotlin"),
        location="Stockholm",
        geo=STOCKHOLM,
        years_experience=4.0,
        languages=("sv", "en"),
        updated_at=_at(2025, 3, 1),
    ),
    IndexDocument(
        cv_id="engineer-oslo",
        version_id="v1",
        visibility="visible",
        language="nb",
        title="Prosjektleder",
        text="Erfarne ingeniører innen vannkraft. Prosjektleder for utbygging i Oslo.",
        skills=("project_management",),
        location="Oslo",
        geo=OSLO,
        years_experience=12.0,
        languages=("nb", "en"),
        updated_at=_at(2024, 11, 1),
    ),
    IndexDocument(
        cv_id="nurse-copenhagen",
        version_id="v1",
        visibility="visible",
        language="da",
        title="Sygeplejerske",
        text="Sygeplejersker på hospitalet i København. Ansvarlig for vagtplaner.",
        skills=("nursing",),
        location="København",
        geo=COPENHAGEN,
        years_experience=1.0,
        languages=("da",),
        updated_at=_at(2025, 1, 15),
    ),
    IndexDocument(
        cv_id="dev-gothenburg",
        version_id="v1",
        visibility="anonymous",
        language="en",
        title="Software developer",
        text=(
            "Software developers team lead working with Python and Django. "
            "Built the web shop <script>alert('x')</script> for a retailer & wholesaler."
        ),
        skills=("python", "django"),
        location="Göteborg",
        geo=GOTHENBURG,
        years_experience=6.0,
        languages=("en", "sv"),
        updated_at=_at(2025, 5, 1),
    ),
    IndexDocument(
        cv_id="assistant-lund",
        version_id="v1",
        visibility="visible",
        language="sv",
        title="Undersköterska",
        text="Undersköterska inom hemtjänsten i Lund. Van vid dokumentation och triage.",
        skills=("nursing_assistant", "triage"),
        location="Lund",
        geo=LUND,
        years_experience=3.0,
        languages=("sv",),
        blocked_orgs=(BLOCKED_ORG,),
        updated_at=_at(2024, 6, 1),
    ),
    IndexDocument(
        cv_id="nurse-helsinki",
        version_id="v1",
        visibility="visible",
        language="fi",
        title="Sairaanhoitaja",
        text="Kokenut sairaanhoitaja Helsingissä, teho-osasto.",
        skills=("nursing",),
        location="Helsinki",
        geo=HELSINKI,
        years_experience=8.0,
        languages=("fi", "sv"),
        updated_at=_at(2023, 9, 1),
    ),
    IndexDocument(
        cv_id="cook-corner",
        version_id="v1",
        visibility="visible",
        language="sv",
        title="Kock",
        text="Kock på en restaurang utanför Malmö med ansvar för menyn.",
        skills=("cooking",),
        location="Hörby",
        geo=BOX_CORNER,
        years_experience=5.0,
        languages=("sv",),
        updated_at=_at(2024, 2, 1),
    ),
    # A hidden CV should never be indexed; if one slips in, the engine must still hide it.
    IndexDocument(
        cv_id="hidden-malmo",
        version_id="v1",
        visibility="hidden",
        language="sv",
        title="Sjuksköterska systemutvecklare",
        text=(
            "Sjuksköterska systemutvecklare Java Python triage Malmö undersköterska "
            "ingeniører sygeplejersker sairaanhoitaja kock software developer"
        ),
        skills=("nursing", "java", "python", "triage", "cooking"),
        location="Malmö",
        geo=MALMO,
        years_experience=20.0,
        languages=("sv", "en", "da", "nb", "fi"),
        updated_at=_at(2026, 1, 1),
    ),
)

VISIBLE_IDS = {d.cv_id for d in CORPUS if d.visibility != "hidden"}

# A small stand-in for the skills taxonomy, so the synonym mechanism is tested on its own.
SYNONYMS = {
    "usk": {"undersköterska"},
    "undersköterska": {"usk"},
    "ssk": {"sjuksköterska"},
}


def abbreviation_expander(term: str) -> set[str]:
    """Expand abbreviations the way the taxonomy would."""
    return {term, *SYNONYMS.get(term.lower(), set())}


def no_labels(concept_id: str) -> set[str]:
    """Label no skills: the contract corpus uses made-up skill ids, not taxonomy concepts."""
    return set()
