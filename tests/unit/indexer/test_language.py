import pytest

from indexer.language import detect_language

SAMPLES = {
    "sv": "Jag har arbetat som undersköterska i tio år och trivs bäst när jag får hjälpa andra.",
    "nb": "Jeg har jobbet som sykepleier i ti år og liker å hjelpe andre mennesker hver dag.",
    "nn": "Eg har arbeidd som sjukepleiar i ti år og likar å hjelpe andre menneske kvar dag.",
    "da": "Jeg har arbejdet som sygeplejerske i ti år og kan godt lide at hjælpe andre mennesker.",
    "fi": "Olen työskennellyt sairaanhoitajana kymmenen vuotta ja autan mielelläni muita.",
    "en": "I have worked as a nurse for ten years and I enjoy helping other people every day.",
    "de": "Ich habe zehn Jahre als Krankenpflegerin gearbeitet und helfe gern anderen Menschen.",
}


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_language_is_detected(code, text):
    assert detect_language(text) == code


def test_text_without_letters_falls_back_to_english():
    assert detect_language("070-174 06 05 | 2019–2022") == "en"


def test_nynorsk_words_decide_between_the_norwegian_standards():
    text = (
        "Tømrar\nFjordbygg AS\n"
        "Eg er ein røynd tømrar og trivst i lag med andre. Eg likar å ta ansvar."
    )
    assert detect_language(text) == "nn"
