"""Reading LinkedIn data archives into a profile draft, and refusing what is not one."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from cvbank.accounts.linkedin_archive import parse_archive, parse_date
from cvbank.errors import ValidationError
from tests.fixtures.linkedin.make_archive import FILES, build

FIXTURE = Path(__file__).parents[3] / "fixtures" / "linkedin" / "linkedin-archive.zip"
TODAY = date(2026, 11, 22)


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_committed_fixture_is_what_the_script_writes(tmp_path: Path) -> None:
    build(tmp_path / "archive.zip")
    assert (tmp_path / "archive.zip").read_bytes() == FIXTURE.read_bytes()


def test_the_fixture_archive_becomes_a_profile_draft() -> None:
    draft = parse_archive(FIXTURE.read_bytes(), today=TODAY)
    assert draft == {
        "name": "Karin Lindqvist",
        "email": "karin.lindqvist@example.com",
        "phone": "+46 70 174 06 11",
        "location": "Göteborg, Västra Götaland, Sverige",
        "links": ["https://karin.example.se"],
        "skills": [
            {"label": "Demensvård", "concept_id": None},
            {"label": "Läkemedelsdelegering", "concept_id": None},
            {"label": "Palliativ vård", "concept_id": None},
        ],
        "languages": [
            {"language": "sv", "level": "native"},
            {"language": "en", "level": "professional"},
        ],
        "education": [
            {
                "institution": "Burgårdens gymnasium",
                "degree": "Vård- och omsorgsprogrammet",
                "start": "2012",
                "end": "2015",
            }
        ],
        "experience": [
            {
                "title": "Undersköterska",
                "employer": "Sahlgrenska Universitetssjukhuset",
                "start": "2019-03",
                "end": None,
            },
            {
                "title": "Vårdbiträde",
                "employer": "Hemtjänsten Majorna",
                "start": "2015-08",
                "end": "2019-02",
            },
        ],
        "years_experience": 11.3,
        "headline": "Undersköterska med demensvård",
    }


def test_the_draft_has_the_keys_of_an_indexer_profile() -> None:
    from indexer.profile import Profile

    draft = parse_archive(FIXTURE.read_bytes(), today=TODAY)
    assert set(draft) == set(Profile().to_dict())
    assert Profile.from_dict(draft).to_dict() == draft


def test_an_archive_in_a_folder_and_with_notes_above_the_header_is_read() -> None:
    profile = 'Notes:\n"Some text"\n\n' + FILES["Profile.csv"]
    data = _zip({"Basic_LinkedInDataExport_11-01-2026/Profile.csv": profile.encode("utf-8-sig")})
    assert parse_archive(data, today=TODAY)["name"] == "Karin Lindqvist"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mar 2019", "2019-03"),
        ("September 2020", "2020-09"),
        ("2015", "2015"),
        ("2021-06-01", "2021-06"),
        ("", None),
        ("someday", None),
    ],
)
def test_linkedin_dates_become_year_month(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_a_foreign_zip_gets_a_clear_message() -> None:
    data = _zip({"word/document.xml": b"<w:document/>", "notes.txt": b"hello"})
    with pytest.raises(ValidationError) as error:
        parse_archive(data)
    assert error.value.code == "not_linkedin_archive"


def test_a_file_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        parse_archive(b"%PDF-1.7 not a zip")
    assert error.value.code == "corrupt_file"


def test_a_zip_bomb_is_refused_before_it_is_inflated() -> None:
    data = _zip({"Profile.csv": FILES["Profile.csv"].encode(), "padding.csv": b"0" * 8_000_000})
    with pytest.raises(ValidationError) as error:
        parse_archive(data)
    assert error.value.code == "zip_bomb"


def test_too_many_entries_are_refused() -> None:
    entries = {f"f{i}.csv": b"x" for i in range(2001)}
    with pytest.raises(ValidationError) as error:
        parse_archive(_zip(entries, zipfile.ZIP_STORED))
    assert error.value.code == "zip_bomb"
