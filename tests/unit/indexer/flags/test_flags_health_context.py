"""Health exclusions for work-context and third-party wording (issue 5, health precision).

Each new exclusion has a hard negative (not flagged) and a positive next to it that must stay
flagged: the candidate's own health in the same kind of sentence.
"""

import tomllib

import pytest

from indexer.flags import detect_flags
from indexer.flags.rules import DATA_DIR

# (language, rule, own-health sentence that stays flagged, work/third-party sentence that is not)
CASES = [
    (
        "sv",
        "work_context",
        "Undersköterska i hemtjänsten; sjukskriven 2019–2020 efter en ryggskada.",
        "I mitt arbete vårdade jag patienter efter stroke och hjärtinfarkt.",
    ),
    (
        "sv",
        "work_context",
        "Arbetade som lärare tills jag blev utbränd 2018.",
        "Skadereglerare på Folksam: bedömde ärenden om sjukersättning och whiplash.",
    ),
    (
        "sv",
        "work_context",
        "Jag vårdades på sjukhus för en hjärtinfarkt 2021.",
        "Som undersköterska ansvarade jag för medicinering och omvårdnad.",
    ),
    (
        "sv",
        "condition_group",
        "Jag är diabetiker och har insulinpump.",
        "Kock på förskola, lagade specialkost för allergiker.",
    ),
    (
        "sv",
        "condition_group",
        "Sjukskriven på heltid 2021 på grund av utmattningssyndrom.",
        "Rehabiliteringsmöten med sjukskrivna medarbetare och Försäkringskassan.",
    ),
    (
        "sv",
        "relatives",
        "Efter att min son föddes var jag sjukskriven i ett år.",
        "Min son har autism och jag har lärt mig mycket om NPF.",
    ),
    (
        "sv",
        "not_a_person",
        "Jag drabbades av utmattningssyndrom 2020.",
        "Företaget drabbades av varsel 2020 och jag blev uppsagd.",
    ),
    (
        "sv",
        "not_a_person",
        "Nykter sedan 2017 efter många års alkoholmissbruk.",
        "Utredde missbruk av bidrag på Försäkringskassan.",
    ),
    (
        "sv",
        "not_a_person",
        "Opererades för diskbråck 2018 och är nu helt återställd.",
        "Tog över ansvaret för avdelningen vid chefens sjukdom.",
    ),
    (
        "en",
        "work_context",
        "Staff nurse for ten years; on sick leave 2019–2020 after burnout.",
        "Claims handler: assessed disability benefit claims and sick notes.",
    ),
    (
        "en",
        "work_context",
        "Teacher until I was signed off sick with depression in 2021.",
        "Covered for a colleague on long-term sick leave as acting team lead.",
    ),
    (
        "en",
        "work_context",
        "I was treated for depression in 2019 and am fully fit for work.",
        "Pharmacist advising customers on asthma inhalers and allergy medicines.",
    ),
    (
        "en",
        "condition_group",
        "I have type 1 diabetes and manage it well.",
        "Sign language interpreter for deaf clients.",
    ),
    (
        "en",
        "condition_group",
        "Sober since 2016.",
        "Support worker in addiction services, running relapse prevention groups.",
    ),
    (
        "en",
        "condition_group",
        "Mother of two, currently pregnant with our third.",
        "Delivered all projects before the due date.",
    ),
    (
        "en",
        "relatives",
        "I worked with autistic children and I'm autistic myself.",
        "My son has autism, which taught me patience and structure.",
    ),
    (
        "en",
        "relatives",
        "Receiving disability benefit since 2019 and now looking for part-time work.",
        "Carer for my father after his stroke in 2020.",
    ),
    (
        "nb",
        "relatives",
        "Jeg har diabetes type 1.",
        "Min sønn har diabetes, så jeg kjenner sykdommen godt.",
    ),
    (
        "nn",
        "relatives",
        "Eg har diabetes type 1.",
        "Sonen min har diabetes, så eg kjenner sjukdomen godt.",
    ),
    (
        "da",
        "relatives",
        "Jeg har diabetes type 1.",
        "Min søn har diabetes, og jeg kender sygdommen godt.",
    ),
]


@pytest.mark.parametrize(("language", "rule", "own", "other"), CASES)
def test_own_health_stays_flagged(language, rule, own, other):
    assert "health" in {flag.category for flag in detect_flags(own, language)}


@pytest.mark.parametrize(("language", "rule", "own", "other"), CASES)
def test_work_or_third_party_health_is_not_flagged(language, rule, own, other):
    assert detect_flags(other, language) == []


@pytest.mark.parametrize("language", ["sv", "en", "nb", "nn", "da"])
def test_every_tested_exclusion_is_in_the_health_file(language):
    data = tomllib.loads((DATA_DIR / language / "health.toml").read_text(encoding="utf-8"))
    ids = {exclusion["id"] for exclusion in data["exclude"]}
    assert {rule for lang, rule, _, _ in CASES if lang == language} <= ids
