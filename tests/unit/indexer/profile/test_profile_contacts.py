import pytest

from indexer.profile.contacts import (
    find_emails,
    find_links,
    find_location,
    find_name,
    find_phone,
    guess_country,
)


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("Mobil: 070-174 06 05", "SE", "+46701740605"),
        ("Tel. 070 174 06 99", "SE", "+46701740699"),
        ("0701740650", "SE", "+46701740650"),
        ("+46 70 174 06 20", None, "+46701740620"),
        ("Mobil: 412 34 567", "NO", "+4741234567"),
        ("Tlf. 98 76 54 32", "NO", "+4798765432"),
        ("Telefon: 21 34 56 78", "DK", "+4521345678"),
        ("Telefon +45 21 34 56 78", "SE", "+4521345678"),
        ("0047 412 34 567", None, "+4741234567"),
        ("puh. 040 123 4567", "FI", "+358401234567"),
    ],
)
def test_phone_is_normalised_to_e164(text, region, e164):
    assert find_phone(text, region) == e164


def test_swedish_mobile_is_clear_without_a_region():
    # 070 is a mobile range in Sweden only, so the number tells its own country.
    assert find_phone("Phone: 070 174 06 32", None) == "+46701740632"


def test_ambiguous_number_uses_the_country_hint():
    assert find_phone("Phone: 98 82 03 52", None, "NO") == "+4798820352"
    assert find_phone("Phone: 98 82 03 52", None, "DK") == "+4598820352"


def test_ambiguous_number_without_hint_is_kept_as_written():
    assert find_phone("Phone: 98 82 03 52", None) == "98 82 03 52"


def test_period_of_years_is_not_a_phone_number():
    assert find_phone("2012 - 2019 Lagerarbetare", "SE") is None


def test_country_is_guessed_from_company_forms():
    assert guess_country("Fjordbygg AS\nBring Norge AS\nVolvo AB") == "NO"
    assert guess_country("Worked as a nurse at Aarhus ApS") == "DK"
    assert guess_country("as a matter of fact") is None


def test_emails_are_found_in_order():
    text = "E-post: anna.lindqvist@example.com\nalt: a_l+cv@example.org."
    assert find_emails(text) == ["anna.lindqvist@example.com", "a_l+cv@example.org"]


def test_links_are_found_as_written():
    text = "linkedin.com/in/anna-l | https://github.com/annal, www.anna.example.net."
    assert find_links(text) == [
        "linkedin.com/in/anna-l",
        "https://github.com/annal",
        "www.anna.example.net",
    ]


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (["Anna Lindqvist", "Undersköterska"], "Anna Lindqvist"),
        (["Curriculum Vitae", "Anna-Karin Öberg"], "Anna-Karin Öberg"),
        (["CV", "Ole Hansen"], "Ole Hansen"),
        (["MARTE SÆTHER-VIK", "Lærer"], "Marte Sæther-Vik"),
        (["Navn: Kari Nordmann", "Adresse: Storgata 1"], "Kari Nordmann"),
        (["Ingrid", "Tveit", "ingrid@example.com"], "Ingrid Tveit"),
        (["Erhvervserfaring", "Mette Nielsen"], "Mette Nielsen"),
        (["Karin van der Berg"], "Karin van der Berg"),
        (["CV – Jonas Kirkegaard", "Kontaktoplysninger"], "Jonas Kirkegaard"),
    ],
)
def test_name_is_taken_from_the_first_lines(lines, name):
    assert find_name(lines) == name


def test_no_name_when_first_lines_are_contact_details():
    assert find_name(["anna@example.com", "070-174 06 05"]) is None


@pytest.mark.parametrize(
    ("lines", "city", "country"),
    [
        (["Kvarnbergsgatan 4, 411 05 Göteborg"], "Göteborg", "SE"),
        (["Storgata 1", "0182 Oslo"], "Oslo", None),
        (["Vestergade 3, 8000 Aarhus C"], "Aarhus", None),
        (["Ort: Malmö"], "Malmö", None),
        (["Bosted: Bergen, Norge"], "Bergen", "NO"),
        (["Bopæl: Odense"], "Odense", None),
        (["070-1740617 | erik@example.com | Ort: Stockholm"], "Stockholm", None),
        (["Aalborg, Danmark"], "Aalborg", "DK"),
        (["Location: Stavanger, Norway"], "Stavanger", "NO"),
        (["Kontakt: 481 22 907", "Bor i Hamar"], "Hamar", None),
    ],
)
def test_location_is_read_from_the_header(lines, city, country, monkeypatch):
    # These cases test the patterns; the gazetteer, when present, only refines the name.
    monkeypatch.setattr("indexer.profile.contacts._gazetteer", lambda: None)
    assert find_location(lines) == (city, country)
