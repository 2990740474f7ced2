"""Tests for the text normalisation every extractor's output goes through."""

import unicodedata

from indexer.normalise import normalise_text


def test_ligatures_become_letters():
    assert normalise_text("ﬁnansiell ansvarig, ﬂexibel") == "finansiell ansvarig, flexibel"


def test_decomposed_nordic_letters_are_composed():
    decomposed = unicodedata.normalize("NFD", "Göteborg, Århus, Tromsø")
    assert normalise_text(decomposed) == "Göteborg, Århus, Tromsø"


def test_soft_hyphens_and_zero_width_characters_are_removed():
    assert normalise_text("utveck\u00adlare\u200b i\ufeff Malmö") == "utvecklare i Malmö"


def test_end_of_line_hyphenation_is_joined():
    assert normalise_text("Arbetade som utveck-\nlare i Oslo") == "Arbetade som utvecklare i Oslo"


def test_hyphen_after_an_abbreviation_is_kept():
    assert normalise_text("Arbetade som IT-\nkonsult") == "Arbetade som IT-konsult"
    assert normalise_text("har B-\nkörkort") == "har B-körkort"


def test_hyphen_after_a_single_letter_is_kept():
    assert normalise_text("skicka e-\npost") == "skicka e-post"


def test_hyphen_before_a_capitalised_line_is_kept_and_lines_joined():
    assert normalise_text("pendlar Stockholm-\nUppsala") == "pendlar Stockholm-Uppsala"


def test_line_ending_in_a_dash_after_a_space_is_not_joined():
    assert normalise_text("Kompetenser -\nPython") == "Kompetenser -\nPython"


def test_hyphenated_word_is_not_joined_to_a_blank_line_or_bullet():
    assert normalise_text("utveck-\n\nlare") == "utveck-\n\nlare"
    assert normalise_text("utveck-\n• lare") == "utveck-\n- lare"


def test_bullet_glyphs_become_dash_space():
    text = "• Python\n▪ SQL\n\uf0b7 Java\n●Go\n– Rust\n* C#\n- Kotlin"
    assert normalise_text(text) == "- Python\n- SQL\n- Java\n- Go\n- Rust\n- C#\n- Kotlin"


def test_ocr_reading_of_a_bullet_becomes_dash_space():
    assert normalise_text("¢ Införde kontinuerlig leverans") == "- Införde kontinuerlig leverans"


def test_dash_without_space_is_not_a_bullet():
    assert normalise_text("–2022\n*Java") == "–2022\n*Java"


def test_bullet_alone_on_its_line_is_joined_to_the_next_line():
    assert normalise_text("•\nLedde ett team") == "- Ledde ett team"


def test_page_numbers_are_removed_from_every_page():
    pages = [
        "Erfarenhet\nUtvecklare\nSida 1 av 3",
        "Utbildning\nKTH\nSida 2 av 3",
        "Språk\nSvenska\nSida 3 av 3",
    ]
    text = normalise_text("\f".join(pages))
    assert "Sida" not in text
    for kept in ("Utvecklare", "KTH", "Svenska"):
        assert kept in text


def test_repeated_running_header_is_kept_only_once():
    pages = [f"Astrid Lindqvist – CV\nInnehåll {n}" for n in ("ett", "två", "tre")]
    text = normalise_text("\f".join(pages))
    assert text.count("Astrid Lindqvist – CV") == 1
    assert "Innehåll tre" in text


def test_line_repeated_mid_page_is_not_treated_as_header():
    pages = [f"Rubrik {n}\nA\nB\nC\nPython\nD\nE\nF\nSlut {n}" for n in ("a", "b")]
    assert normalise_text("\f".join(pages)).count("Python") == 2


def test_single_page_is_never_stripped_of_edges():
    assert normalise_text("Sida 1\nText") == "Sida 1\nText"


def test_pages_are_separated_by_a_blank_line():
    assert normalise_text("Första sidan\fAndra sidan") == "Första sidan\n\nAndra sidan"


def test_whitespace_is_tidied_but_lines_are_kept():
    text = "  Astrid\u00a0 Lindqvist \t\r\n\r\n\r\n\r\nSystemutvecklare  \n\x07Göteborg\n\n"
    assert normalise_text(text) == "Astrid Lindqvist\n\nSystemutvecklare\nGöteborg"


def test_normalising_twice_changes_nothing():
    text = "• Python\nutveck-\nlare\fSida 1\n\nﬁnans"
    once = normalise_text(text)
    assert normalise_text(once) == once
