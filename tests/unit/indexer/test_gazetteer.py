import pytest

from indexer.gazetteer import Gazetteer, Place, distance_km


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def where(gazetteer: Gazetteer, name: str) -> tuple[float, float]:
    place = gazetteer.lookup(name)
    assert place is not None, name
    return (place.lat, place.lon)


def test_load_is_cached() -> None:
    assert Gazetteer.load() is Gazetteer.load()


def test_gazetteer_covers_the_four_nordic_countries(gazetteer: Gazetteer) -> None:
    assert len(gazetteer) >= 600
    for country, name in (("se", "Kiruna"), ("no", "Tromsø"), ("dk", "Rønne"), ("fi", "Oulu")):
        place = gazetteer.lookup(name)
        assert place is not None
        assert place.country == country


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Stockholm", (59.33, 18.07)),
        ("Oslo", (59.91, 10.75)),
        ("København", (55.68, 12.57)),
        ("Helsinki", (60.17, 24.94)),
        ("Kiruna", (67.86, 20.23)),
        ("Tromsø", (69.65, 18.96)),
        ("Rønne", (55.10, 14.70)),
    ],
)
def test_coordinates_are_within_five_km(
    gazetteer: Gazetteer, name: str, expected: tuple[float, float]
) -> None:
    assert distance_km(where(gazetteer, name), expected) < 5


def test_distance_from_stockholm_to_gothenburg_is_about_398_km(gazetteer: Gazetteer) -> None:
    assert distance_km(where(gazetteer, "Stockholm"), where(gazetteer, "Göteborg")) == (
        pytest.approx(398, abs=10)
    )


def test_distance_is_zero_to_itself_and_symmetric() -> None:
    oslo, bergen = (59.91, 10.75), (60.39, 5.32)
    assert distance_km(oslo, oslo) == 0
    assert distance_km(oslo, bergen) == pytest.approx(distance_km(bergen, oslo))
    assert distance_km(oslo, bergen) == pytest.approx(305, abs=10)


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("Gothenburg", "Göteborg"),
        ("goteborg", "Göteborg"),
        ("Copenhagen", "København"),
        ("KOBENHAVN", "København"),
        ("Tromso", "Tromsø"),
        ("Malmo", "Malmö"),
        ("Sthlm", "Stockholm"),
        ("Århus", "Aarhus"),
        ("Helsingfors", "Helsinki"),
        ("Åbo", "Turku"),
        ("Bærum", "Sandvika"),
        ("upplands-väsby", "Upplands Väsby"),
    ],
)
def test_lookup_knows_alternative_names_ignoring_case_and_accents(
    gazetteer: Gazetteer, spelling: str, name: str
) -> None:
    place = gazetteer.lookup(spelling)
    assert place is not None
    assert place.name == name


def test_lookup_returns_none_for_an_unknown_place(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Atlantis") is None


def test_names_autocompletes_largest_first(gazetteer: Gazetteer) -> None:
    places = gazetteer.names("sto", limit=3)
    assert places[0].name == "Stockholm"
    assert len(places) == 3
    assert all(isinstance(p, Place) for p in places)


def test_names_matches_alternative_names_once_per_place(gazetteer: Gazetteer) -> None:
    assert [p.name for p in gazetteer.names("gothen")] == ["Göteborg"]
    assert gazetteer.names("") == []


def test_finds_a_swedish_postal_code_line(gazetteer: Gazetteer) -> None:
    cv = "Anna Lund\nStorgatan 12\n118 20 Stockholm\nanna@example.se\n070-123 45 67"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Stockholm")


def test_finds_a_norwegian_postal_code_line(gazetteer: Gazetteer) -> None:
    cv = "Ola Nordmann\nKarl Johans gate 1, 0150 Oslo\nTlf. 912 34 567\nErfaring: Bergen"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Oslo")


def test_finds_a_danish_postal_code_with_a_district_letter(gazetteer: Gazetteer) -> None:
    cv = "Mette Hansen\nVestergade 3\nDK-8000 Aarhus C\nUddannelse i København"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Aarhus")


def test_finds_a_finnish_postal_code_line(gazetteer: Gazetteer) -> None:
    cv = "Matti Virtanen\nMannerheimintie 1, 00100 Helsinki\nWork experience: Nokia, Espoo"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Helsinki")


def test_the_postal_code_shape_must_fit_the_country(gazetteer: Gazetteer) -> None:
    # Four digits are Norwegian or Danish, never Swedish.
    cv = "Kundnummer 4521 Växjö\nKarl Johans gate 1\n0150 Oslo"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Oslo")


def test_finds_a_labelled_location(gazetteer: Gazetteer) -> None:
    assert gazetteer.find_in_text("Kari Nordmann\nBosted: Moss") == gazetteer.lookup("Moss")
    assert gazetteer.find_in_text("CV\nLocation: Gothenburg, Sweden") == gazetteer.lookup(
        "Göteborg"
    )
    assert gazetteer.find_in_text("Per Hansen\nAdresse: Nørregade 4, 5000 Odense C") == (
        gazetteer.lookup("Odense")
    )


def test_finds_where_the_candidate_says_they_live(gazetteer: Gazetteer) -> None:
    cv = "Profil\nJag är en driven säljare som bor i Uppsala och pendlar till Stockholm."
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Uppsala")


def test_prefers_the_contact_block_to_later_mentions(gazetteer: Gazetteer) -> None:
    cv = "Lisa Berg\nUmeå\nlisa@example.se\n\nErfarenhet\n2019– Lärare, Luleå\n2015–2019 Luleå"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Umeå")


def test_a_period_of_work_is_not_a_postal_code(gazetteer: Gazetteer) -> None:
    cv = "Kari Hansen\nSykepleier\n\nErfaring\n2015–2019 Bergen kommune\n2019 – 2023 Stavanger"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Bergen")  # first place named
    cv = "Kari Hansen\nTromsø\n\nErfaring\n2015–2019 Bergen kommune"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Tromsø")


def test_a_surname_on_the_name_line_is_not_a_town(gazetteer: Gazetteer) -> None:
    cv = "Anna Lund\nSjuksköterska\nanna.lund@example.se\n\nJobbat i Malmö sedan 2015"
    assert gazetteer.find_in_text(cv) == gazetteer.lookup("Malmö")


def test_guarded_names_are_not_found_in_running_text(gazetteer: Gazetteer) -> None:
    cv = "CV\nJohn Moss\nTime management, Nokia phones, Nora Roberts fan, Mark my words"
    assert gazetteer.find_in_text(cv) is None


def test_falls_back_to_the_most_mentioned_place(gazetteer: Gazetteer) -> None:
    lines = ["Profil"] * 20 + ["Arbetat i Göteborg, Malmö och Göteborg igen"]
    assert gazetteer.find_in_text("\n".join(lines)) == gazetteer.lookup("Göteborg")


def test_finds_nothing_in_a_text_without_places(gazetteer: Gazetteer) -> None:
    assert gazetteer.find_in_text("Erfaren lagerarbetare med truckkort.") is None
