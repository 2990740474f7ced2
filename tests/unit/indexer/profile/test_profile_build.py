import json
from datetime import date

from indexer.profile import (
    Education,
    Experience,
    LanguageSkill,
    Profile,
    Skill,
    build_profile,
    to_json_resume,
)

TODAY = date(2026, 11, 1)

SWEDISH_CV = """\
Curriculum Vitae
Anna Lindqvist
Undersköterska
Mobil: 070-174 06 05
E-post: anna.lindqvist@example.com
Kvarnbergsgatan 4, 411 05 Göteborg
linkedin.com/in/anna-lindqvist

Profil
Jag är en lugn och ansvarsfull undersköterska som trivs med att göra skillnad för äldre.

Arbetslivserfarenhet
jan 2019 – nu    Undersköterska, Solgläntans äldreboende
• Ansvarade för omvårdnad och läkemedelshantering enligt delegering
08/2017 - 03/2019    Vårdbiträde, Attendo Hemtjänst AB
2018–2019    Timanställd undersköterska, Region Västra Götaland

Utbildning
2014–2017    Vård- och omsorgsprogrammet, Hvitfeldtska gymnasiet

Kompetenser
Demensvård, Palliativ vård, B-körkort

Språk
Svenska – modersmål
Engelska – goda kunskaper

Referenser
Karin Ek, enhetschef, 070-174 06 99, karin.ek@example.org
"""


def test_swedish_cv_gives_contacts():
    profile = build_profile(SWEDISH_CV, "sv", today=TODAY)
    assert profile.name == "Anna Lindqvist"
    assert profile.email == "anna.lindqvist@example.com"
    assert profile.phone == "+46701740605"
    assert profile.location == "Göteborg"
    assert profile.links == ["linkedin.com/in/anna-lindqvist"]
    assert profile.headline == "Undersköterska"


def test_referees_contact_details_are_not_the_candidates():
    profile = build_profile(SWEDISH_CV.replace("Mobil: 070-174 06 05\n", ""), "sv", today=TODAY)
    assert profile.phone is None


def test_swedish_cv_gives_experience_and_years():
    profile = build_profile(SWEDISH_CV, "sv", today=TODAY)
    assert profile.experience == [
        Experience("Undersköterska", "Solgläntans äldreboende", "2019-01", None),
        Experience("Vårdbiträde", "Attendo Hemtjänst AB", "2017-08", "2019-03"),
        Experience("Timanställd undersköterska", "Region Västra Götaland", "2018", "2019"),
    ]
    # 2017-08 to 2026-11 with the overlapping 2018–2019 job counted once: 112 months.
    assert profile.years_experience == 9.3


def test_swedish_cv_gives_education_languages_and_skills():
    profile = build_profile(SWEDISH_CV, "sv", today=TODAY)
    assert profile.education == [
        Education("Hvitfeldtska gymnasiet", "Vård- och omsorgsprogrammet", "2014", "2017")
    ]
    assert profile.languages == [LanguageSkill("sv", "native"), LanguageSkill("en", "good")]
    assert [s.label for s in profile.skills] == ["Demensvård", "Palliativ vård", "B-körkort"]


def test_danish_cv_with_dd_and_compact_layout():
    text = """Mette Nielsen
Telefon: 21 34 56 78 · mette@example.com
8000 Aarhus C

Erhvervserfaring
Sygeplejerske hos Aarhus Universitetshospital (2015 – d.d.)
Social- og sundhedsassistent hos Aarhus Kommune (marts 2011 – december 2014)

Uddannelse
Professionsbachelor i sygepleje, VIA University College (2011–2015)

Sprog
Dansk (modersmål), engelsk (flydende)
"""
    profile = build_profile(text, "da", today=TODAY)
    assert profile.phone == "+4521345678"
    assert profile.location == "Aarhus"
    assert profile.experience == [
        Experience("Sygeplejerske", "Aarhus Universitetshospital", "2015", None),
        Experience("Social- og sundhedsassistent", "Aarhus Kommune", "2011-03", "2014-12"),
    ]
    # 2011-03..2014-12 (46 months) + 2015-01..2026-11 (143 months) = 189 months.
    assert profile.years_experience == 15.8
    assert profile.languages == [LanguageSkill("da", "native"), LanguageSkill("en", "fluent")]


def test_cv_without_dates_has_unknown_years():
    profile = build_profile("Ole Hansen\n\nErfaring\nTømrer, Fjordbygg AS\n", "nb", today=TODAY)
    assert profile.years_experience is None


def test_language_is_detected_when_not_given():
    profile = build_profile(SWEDISH_CV, today=TODAY)
    assert profile.phone == "+46701740605"


def test_to_dict_has_the_parse_json_shape():
    data = build_profile(SWEDISH_CV, "sv", today=TODAY).to_dict()
    assert list(data) == [
        "name",
        "email",
        "phone",
        "location",
        "links",
        "skills",
        "languages",
        "education",
        "experience",
        "years_experience",
        "headline",
    ]
    assert set(data["skills"][0]) == {"label", "concept_id"}
    assert data["experience"][0] == {
        "title": "Undersköterska",
        "employer": "Solgläntans äldreboende",
        "start": "2019-01",
        "end": None,
    }
    json.dumps(data)


def test_from_dict_round_trips():
    profile = build_profile(SWEDISH_CV, "sv", today=TODAY)
    assert Profile.from_dict(profile.to_dict()) == profile


def test_from_dict_accepts_missing_keys():
    assert Profile.from_dict({"name": "Kari"}) == Profile(name="Kari")


def test_json_resume_has_basics_work_and_languages():
    profile = Profile(
        name="Kari Nordmann",
        email="kari@example.com",
        phone="+4741234567",
        location="Oslo",
        links=["github.com/kari"],
        skills=[Skill("Python", "it.python")],
        languages=[LanguageSkill("no", "native")],
        education=[Education("NTNU", "Master i datateknologi", "2010", "2015")],
        experience=[Experience("Utvikler", "Kodefabrikken AS", "2015-08", None)],
        years_experience=11.3,
        headline="Systemutvikler",
    )
    resume = to_json_resume(profile)
    assert resume["basics"] == {
        "name": "Kari Nordmann",
        "label": "Systemutvikler",
        "email": "kari@example.com",
        "phone": "+4741234567",
        "location": {"city": "Oslo"},
        "profiles": [{"network": "GitHub", "url": "https://github.com/kari"}],
    }
    assert resume["work"] == [
        {"name": "Kodefabrikken AS", "position": "Utvikler", "startDate": "2015-08"}
    ]
    assert resume["education"][0]["studyType"] == "Master i datateknologi"
    assert resume["skills"] == [{"name": "Python", "keywords": []}]
    assert resume["languages"] == [{"language": "no", "fluency": "native"}]


def test_skill_said_twice_is_listed_once():
    profile = build_profile("Kari Nordmann\n\nFerdigheter\nPython, python, SQL\n", "nb")
    assert [s.label for s in profile.skills] == ["Python", "SQL"]
