"""National identity numbers: every format is found, lookalikes are not."""

import pytest

from indexer.flags import detect_flags
from indexer.flags.ids import is_samordningsnummer

VALID = [
    ("811218-9876", "id.se.personnummer"),
    ("8112189876", "id.se.personnummer"),
    ("19811218-9876", "id.se.personnummer"),
    ("198112189876", "id.se.personnummer"),
    ("811218+9876", "id.se.personnummer"),
    ("850472-2383", "id.se.samordningsnummer"),
    ("19920863-5111", "id.se.samordningsnummer"),
    ("7001853774", "id.se.samordningsnummer"),
    ("15108695088", "id.no.fodselsnummer"),
    ("151086 95088", "id.no.fodselsnummer"),
    ("55068010089", "id.no.d_nummer"),
    ("440275 20038", "id.no.d_nummer"),
    ("211062-5629", "id.dk.cpr"),
    ("131052-308T", "id.fi.hetu"),
    ("070303A245L", "id.fi.hetu"),
]

LOOKALIKES = [
    "Personnummer: 811218-9875",  # Luhn check digit wrong
    "Personnummer 19811340-9876",  # month 13
    "Samordningsnummer 850472-2384",  # Luhn check digit wrong
    "Organisationsnummer 556677-8899",  # organisation number: month 66
    "Org.nr 802456-1234",
    "Fødselsnummer: 15108695077",  # mod-11 check digits wrong
    "CPR-nr. 290279-3311",  # 29 February 1979 does not exist
    "Finnish personal identity code 131052-308U",  # check character wrong
    "Telefon: 070-123 45 67",
    "Mobil: 0701234567",
    "Phone: +46 70 123 45 67",
    "Telefon: +47 912 34 567",
    "Kontonummer 1234.56.78903",
    "Född 1981-12-18 i Uppsala.",
    "Født 15.10.1986 i Bergen.",
    "Fakturanummer 2023-004512 betald.",
    "ISBN 978-91-7343-213-4",
    "Ordrenummer 120523-4471",  # a valid CPR date, but the word says it is an order
]


@pytest.mark.parametrize(("number", "rule"), VALID)
def test_valid_identity_number_is_flagged_with_its_rule(number, rule):
    [flag] = detect_flags(f"ID {number}, Storgatan 1")
    assert (flag.category, flag.rule) == ("national_id", rule)
    assert number in flag.text


@pytest.mark.parametrize("text", LOOKALIKES)
def test_invalid_lookalike_is_not_flagged(text):
    assert [f for f in detect_flags(text) if f.category == "national_id"] == []


def test_context_word_raises_confidence():
    [bare] = detect_flags("811218-9876")
    [named] = detect_flags("Personnummer: 811218-9876")
    assert named.confidence > bare.confidence


def test_label_before_the_number_is_part_of_the_span():
    [flag] = detect_flags("Namn: Anna | Personnummer: 811218-9876 | Tel 070-123 45 67")
    assert flag.text == "Personnummer: 811218-9876"


def test_danish_cpr_without_dash_needs_a_context_word():
    assert detect_flags("Kunde 2110625629") == []
    [flag] = detect_flags("CPR 2110625629")
    assert flag.rule == "id.dk.cpr"


def test_danish_cpr_with_dash_alone_is_weak_evidence():
    [flag] = detect_flags("211062-5629")
    assert flag.confidence < 0.9


def test_checksum_valid_number_after_a_phone_word_is_not_flagged():
    assert detect_flags("Tel: 8112189876") == []


def test_phone_word_does_not_hide_a_named_identity_number():
    [flag] = detect_flags("Tel/personnummer: 8112189876")
    assert flag.category == "national_id"


def test_number_glued_to_other_digits_is_not_flagged():
    assert detect_flags("SE4550000000058112189876") == []


def test_samordningsnummer_check_rejects_an_ordinary_day():
    assert not is_samordningsnummer("811218-9876")


def test_samordningsnummer_check_rejects_an_impossible_date():
    # 31 + 60 = 91 in February.
    assert not is_samordningsnummer("810291-1234")


@pytest.mark.parametrize(
    ("text", "rule"),
    [("CPR: 211062 5629", "id.dk.cpr"), ("Personnummer 811218 9876", "id.se.personnummer")],
)
def test_number_with_a_space_is_found_after_a_context_word(text, rule):
    [flag] = detect_flags(text)
    assert flag.rule == rule


def test_number_with_a_space_and_no_context_word_is_not_flagged():
    assert detect_flags("811218 9876") == []


@pytest.mark.parametrize(
    "heading", ["Personlige oplysninger:", "Personalia:", "Personuppgifter:", "Personal details:"]
)
def test_a_personal_details_heading_names_a_bare_cpr_number(heading):
    (flag,) = detect_flags(f"{heading} 2110625629, gift, kørekort B.")
    assert flag.rule == "id.dk.cpr"
    assert "2110625629" in flag.text
