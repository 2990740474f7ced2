import pytest

from indexer.flags import CATEGORIES, Flag, category_label, detect_flags, explain


@pytest.mark.parametrize(("locale", "label"), [("sv", "hälsa"), ("nb", "helse"), ("en", "health")])
def test_explanation_names_the_category_in_each_ui_language(locale, label):
    [flag] = detect_flags("I was diagnosed with ADHD in 2018.", "en")
    assert label in explain(flag, locale)


@pytest.mark.parametrize("locale", ["sv", "nb", "en"])
def test_explanation_quotes_the_evidence(locale):
    [flag] = detect_flags("Dömd för rattfylleri 2016.", "sv")
    assert "Dömd" in explain(flag, locale)


@pytest.mark.parametrize("locale", ["sv", "nb", "en"])
def test_identity_number_explanation_names_the_kind_and_the_number(locale):
    [flag] = detect_flags("Fødselsnummer: 151086 95088")
    text = explain(flag, locale)
    assert "151086 95088" in text
    assert "fødselsnummer" in text.lower() or "Norwegian" in text


def test_explanations_differ_between_locales():
    [flag] = detect_flags("Jag har ADHD.", "sv")
    assert len({explain(flag, locale) for locale in ("sv", "nb", "en")}) == 3


def test_regional_locale_uses_its_language():
    [flag] = detect_flags("Jag har ADHD.", "sv")
    assert explain(flag, "sv_SE") == explain(flag, "sv")


def test_nynorsk_locale_reads_bokmaal():
    assert category_label("health", "nn") == category_label("health", "nb")


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("locale", ["sv", "nb", "en"])
def test_every_category_has_a_label_in_every_ui_language(category, locale):
    assert category_label(category, locale)


def test_unknown_category_is_an_error():
    with pytest.raises(ValueError, match="unknown sensitive category"):
        category_label("shoe_size", "en")


def test_explanation_of_a_flag_from_elsewhere_falls_back_to_its_text():
    flag = Flag("health", 0, 12, "Some passage", "xx.health.gone", 0.5)
    assert "Some passage" in explain(flag, "en")
