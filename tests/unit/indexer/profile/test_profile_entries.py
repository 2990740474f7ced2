from indexer.profile.entries import (
    RawEntry,
    read_education,
    read_experience,
    read_languages,
    read_skill_items,
)


def test_date_first_lines_give_title_and_employer():
    lines = [
        "2019 – nu    Undersköterska, Solgläntans äldreboende",
        "• Ansvarade för omvårdnad",
        "2015–2019    Vårdbiträde, Göteborgs Stad",
    ]
    assert read_experience(lines) == [
        RawEntry("Undersköterska", "Solgläntans äldreboende", (2019, None), None),
        RawEntry("Vårdbiträde", "Göteborgs Stad", (2015, None), (2019, None)),
    ]


def test_title_and_employer_lines_before_the_period():
    lines = [
        "Lagermedarbeider",
        "Nordfrakt Norge AS, Oslo",
        "aug. 2018 – nå",
        "- Plukk og pakking av ordre med håndterminal",
        "Truckfører",
        "Bring Terminal Alnabru, Oslo",
        "jan. 2015 – jul. 2018",
    ]
    assert read_experience(lines) == [
        RawEntry("Lagermedarbeider", "Nordfrakt Norge AS", (2018, 8), None),
        RawEntry("Truckfører", "Bring Terminal Alnabru", (2015, 1), (2018, 7)),
    ]


def test_employer_written_first_is_recognised_as_the_employer():
    lines = ["Sahlgrenska Universitetssjukhuset", "Sjuksköterska", "2016-08 – 2019-06"]
    assert read_experience(lines) == [
        RawEntry("Sjuksköterska", "Sahlgrenska Universitetssjukhuset", (2016, 8), (2019, 6))
    ]


def test_title_at_employer_with_period_in_brackets():
    lines = ["Warehouse Operative at DHL Supply Chain (Mar 2016 – Present)", "- Picked orders"]
    assert read_experience(lines) == [
        RawEntry("Warehouse Operative", "DHL Supply Chain", (2016, 3), None)
    ]


def test_word_split_keeps_the_comma_inside_the_employer():
    lines = ["Lærer hos Oslo kommune, Utdanningsetaten (2015 – 2019)"]
    assert read_experience(lines) == [
        RawEntry("Lærer", "Oslo kommune, Utdanningsetaten", (2015, None), (2019, None))
    ]


def test_two_column_line_with_period_and_city():
    lines = ["Truckförare – Express Distribution Sverige AB", "2020-2024 | Malmö", "- Plock"]
    assert read_experience(lines) == [
        RawEntry("Truckförare", "Express Distribution Sverige AB", (2020, None), (2024, None))
    ]


def test_wrapped_line_is_joined_before_reading():
    lines = ["Redovisningsekonom – Norrlands Bokföringsbyrå", "AB", "2023-08 – nu | Umeå"]
    assert read_experience(lines) == [
        RawEntry("Redovisningsekonom", "Norrlands Bokföringsbyrå AB", (2023, 8), None)
    ]


def test_table_cells_period_then_title_then_employer():
    lines = ["2022 – tills vidare Kassaansvarig", "Hemköp Centrum", "- Kundbemötande"]
    assert read_experience(lines) == [
        RawEntry("Kassaansvarig", "Hemköp Centrum", (2022, None), None)
    ]


def test_education_with_institution_first_is_swapped():
    lines = ["2012–2015  Göteborgs universitet, Sjuksköterskeprogrammet"]
    assert read_education(lines) == [
        RawEntry("Sjuksköterskeprogrammet", "Göteborgs universitet", (2012, None), (2015, None))
    ]


def test_education_with_a_single_year():
    lines = ["Bachelor i sykepleie, Høgskulen på Vestlandet (2016)"]
    assert read_education(lines) == [
        RawEntry("Bachelor i sykepleie", "Høgskulen på Vestlandet", None, (2016, None))
    ]


def test_languages_with_levels_in_every_layout():
    lines = [
        "Svenska – modersmål",
        "Engelska: flytande",
        "Tyska (grundläggande), franska (B1)",
        "Norsk",
        "gode kunnskaper",
    ]
    assert read_languages(lines) == [
        ("sv", "native"),
        ("en", "fluent"),
        ("de", "basic"),
        ("fr", "B1"),
        ("no", "good"),
    ]


def test_skill_items_are_split_from_lists_and_bullets():
    lines = ["Excel, Visma; Fortnox", "• B-körkort", "IT: Python, SQL", "Truckkort A+B · Lean"]
    assert read_skill_items(lines) == [
        "Excel",
        "Visma",
        "Fortnox",
        "B-körkort",
        "Python",
        "SQL",
        "Truckkort A+B",
        "Lean",
    ]


def test_sentence_in_skills_section_is_not_a_skill():
    lines = ["Jag har lång erfarenhet av att arbeta i team och att leda projekt i vården"]
    assert read_skill_items(lines) == []


def test_labelled_blocks_give_title_and_employer():
    lines = [
        "Period: 2019-09 – pågående",
        "Befattning: Barnskötare",
        "Arbetsgivare: Uppsala kommun, förskolan Lärkan",
        "Period: 2016-03 – 2019-08",
        "Befattning: Elevassistent",
        "Arbetsgivare: Gottsundaskolan",
    ]
    assert read_experience(lines) == [
        RawEntry("Barnskötare", "Uppsala kommun, förskolan Lärkan", (2019, 9), None),
        RawEntry("Elevassistent", "Gottsundaskolan", (2016, 3), (2019, 8)),
    ]


def test_employer_first_order_of_the_cv_applies_to_unclear_lines():
    lines = [
        "Posten Norge AS — Sjåfør — 2016–nå",
        "Hedmark Transport AS — Lagermedarbeider — 2011–2016",
        "Kiwi Hamar — Butikkmedarbeider — 2008–2011",
    ]
    assert [(e.first, e.second) for e in read_experience(lines)] == [
        ("Sjåfør", "Posten Norge AS"),
        ("Lagermedarbeider", "Hedmark Transport AS"),
        ("Butikkmedarbeider", "Kiwi Hamar"),
    ]


def test_note_inside_the_period_brackets_is_dropped():
    lines = ["Cashier — Coop Triangeln (2015 – 2018, part-time while studying)"]
    assert read_experience(lines) == [
        RawEntry("Cashier", "Coop Triangeln", (2015, None), (2018, None))
    ]


def test_department_after_the_employers_comma_is_kept():
    lines = ["Undersköterska", "Göteborgs Stad, hemtjänsten", "2015–2019"]
    assert read_experience(lines)[0].second == "Göteborgs Stad, hemtjänsten"


def test_commas_inside_brackets_do_not_split_a_language():
    assert read_languages(["Svenska (modersmål, tal och skrift), engelska (flytande)"]) == [
        ("sv", "native"),
        ("en", "fluent"),
    ]


def test_period_broken_across_lines_by_a_narrow_column_is_joined():
    lines = [
        "marts 2023 - februar",
        "2024",
        "Transportkoordinator",
        "Lagerhotellet Kolding ApS",
        "januar 2021 - februar",
        "2023",
        "Holdleder",
        "Nordisk Distribution A/S",
    ]
    assert read_experience(lines) == [
        RawEntry("Transportkoordinator", "Lagerhotellet Kolding ApS", (2023, 3), (2024, 2)),
        RawEntry("Holdleder", "Nordisk Distribution A/S", (2021, 1), (2023, 2)),
    ]
