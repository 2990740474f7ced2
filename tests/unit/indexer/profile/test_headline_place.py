"""A header line that only names the home town is not the CV's headline."""

from indexer.profile import build_profile


def test_a_place_line_is_not_taken_as_the_headline() -> None:
    text = "Mads Holm\nOdense, Denmark\nmads@example.com\n\nProfil\nSygeplejerske\n"
    assert build_profile(text, "da").headline != "Odense, Denmark"


def test_a_title_naming_a_place_is_still_a_headline() -> None:
    text = "Anna Holm\nSjuksköterska i Malmö\nanna@example.com\n"
    assert build_profile(text, "sv").headline == "Sjuksköterska i Malmö"
