import pytest

from indexer.profile.sections import MAX_LINE_CHARS, heading_kind, split_sections


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Arbetslivserfarenhet", "experience"),
        ("ARBEIDSERFARING", "experience"),
        ("Erhvervserfaring:", "experience"),
        ("Work experience", "experience"),
        ("Yrkeserfaring", "experience"),
        ("Utbildning", "education"),
        ("Utdanning", "education"),
        ("Uddannelse", "education"),
        ("Education", "education"),
        ("Kompetenser", "skills"),
        ("Ferdigheter", "skills"),
        ("Ferdigheiter", "skills"),
        ("Kompetencer", "skills"),
        ("Key skills", "skills"),
        ("Språk", "languages"),
        ("Sprog", "languages"),
        ("Languages", "languages"),
        ("Referenser", "references"),
        ("Referanser", "references"),
        ("Referencer", "references"),
        ("Sammanfattning", "summary"),
        ("Om meg", "summary"),
        ("Profil", "summary"),
        ("E R F A R E N H E T", "experience"),
        ("— Utbildning —", "education"),
        ("Språk och körkort", "languages"),
    ],
)
def test_heading_is_recognised_in_each_language(heading, kind):
    assert heading_kind(heading) == kind


@pytest.mark.parametrize(
    "line",
    ["Erfarenhet av att leda team inom vården sedan många år", "Anna Svensson", "Excel, Word"],
)
def test_ordinary_line_is_not_a_heading(line):
    assert heading_kind(line) is None


def test_sections_collect_lines_under_their_heading():
    text = (
        "Anna Svensson\nanna@example.com\n\n"
        "Erfarenhet\n2019–2022 Säljare, Butik AB\nUtbildning\n2015 Gymnasiet\n"
    )
    sections = split_sections(text)
    assert sections.header == ["Anna Svensson", "anna@example.com"]
    assert sections.lines("experience") == ["2019–2022 Säljare, Butik AB"]
    assert sections.lines("education") == ["2015 Gymnasiet"]


def test_heading_with_text_after_a_colon_starts_its_section():
    sections = split_sections("Ole Hansen\nSpråk: norsk (morsmål), engelsk (flytende)\n")
    assert sections.lines("languages") == ["norsk (morsmål), engelsk (flytende)"]


def test_character_rules_are_dropped():
    sections = split_sections("Ole Hansen\n\nERFARING\n========\n2019–2022 Tømrer, Bygg AS\n")
    assert sections.lines("experience") == ["2019–2022 Tømrer, Bygg AS"]


def test_overlong_lines_are_cut_so_parsing_stays_linear():
    sections = split_sections("Anna Svensson\n" + "Svenska, " * 20_000)
    assert len(sections.header[1]) == MAX_LINE_CHARS


@pytest.mark.parametrize(("heading", "kind"), [("Sprak", "languages"), ("FARDIGHETER", "skills")])
def test_heading_without_nordic_letters_is_recognised(heading, kind):
    # OCR and US keyboards drop the ring and the slash: "Sprak" for "Språk".
    assert heading_kind(heading) == kind
