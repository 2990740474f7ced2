"""Loading and validating the rule data files."""

from pathlib import Path

import pytest

from indexer.flags.rules import (
    DATA_DIR,
    RULE_CATEGORIES,
    RuleFileError,
    languages,
    load_language,
    load_rule_file,
)

GOOD_RULE = """
[[rule]]
id = "diagnosis"
confidence = 0.9
terms = ["adhd"]
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_language_loads():
    for language in languages():
        load_language(language)


def test_shipped_languages_are_the_design_languages():
    assert set(languages()) == {"sv", "nb", "nn", "da", "en"}


@pytest.mark.parametrize("language", ["sv", "nb", "da", "en"])
def test_full_languages_have_a_file_per_category(language):
    assert {rs.category for rs in load_language(language)} == set(RULE_CATEGORIES)


def test_rule_ids_are_unique_across_languages():
    ids = [rule.id for lang in languages() for rs in load_language(lang) for rule in rs.rules]
    assert len(ids) == len(set(ids))


def test_good_file_gives_prefixed_rule_ids(tmp_path):
    path = write(tmp_path, "health.toml", GOOD_RULE)
    [rule] = load_rule_file(path, "xx", {}).rules
    assert rule.id == "xx.health.diagnosis"


def test_malformed_toml_names_the_file(tmp_path):
    path = write(tmp_path, "health.toml", "[[rule]\nid = ")
    with pytest.raises(RuleFileError, match=r"health\.toml: not valid TOML") as info:
        load_rule_file(path, "xx", {})
    assert info.value.path == path


def test_unknown_category_file_is_rejected(tmp_path):
    path = write(tmp_path, "shoe_size.toml", GOOD_RULE)
    with pytest.raises(RuleFileError, match="unknown category 'shoe_size'"):
        load_rule_file(path, "xx", {})


def test_invalid_regex_is_reported_with_its_rule(tmp_path):
    path = write(tmp_path, "health.toml", GOOD_RULE.replace('["adhd"]', '["adhd("]'))
    with pytest.raises(RuleFileError, match="rule 'diagnosis' terms: invalid pattern"):
        load_rule_file(path, "xx", {})


def test_missing_confidence_is_reported(tmp_path):
    path = write(tmp_path, "health.toml", '[[rule]]\nid = "a"\nterms = ["x"]\n')
    with pytest.raises(RuleFileError, match=r"rule #1: missing \['confidence'\]"):
        load_rule_file(path, "xx", {})


def test_confidence_out_of_range_is_reported(tmp_path):
    path = write(tmp_path, "health.toml", GOOD_RULE.replace("0.9", "1.5"))
    with pytest.raises(RuleFileError, match="confidence must be in"):
        load_rule_file(path, "xx", {})


def test_duplicate_rule_id_is_reported(tmp_path):
    path = write(tmp_path, "health.toml", GOOD_RULE + GOOD_RULE)
    with pytest.raises(RuleFileError, match="duplicate id 'diagnosis'"):
        load_rule_file(path, "xx", {})


def test_rule_without_terms_or_patterns_is_reported(tmp_path):
    path = write(tmp_path, "health.toml", '[[rule]]\nid = "a"\nconfidence = 0.5\n')
    with pytest.raises(RuleFileError, match="needs terms or patterns"):
        load_rule_file(path, "xx", {})


def test_unknown_key_is_reported(tmp_path):
    path = write(tmp_path, "health.toml", GOOD_RULE + 'colour = "red"\n')
    with pytest.raises(RuleFileError, match=r"unknown keys \['colour'\]"):
        load_rule_file(path, "xx", {})


def test_unknown_named_context_is_reported(tmp_path):
    path = write(tmp_path, "health.toml", GOOD_RULE + 'context = ["@nobody"]\n')
    with pytest.raises(RuleFileError, match="unknown context '@nobody'"):
        load_rule_file(path, "xx", {})


def test_bad_context_file_names_the_file(tmp_path):
    (tmp_path / "xx").mkdir()
    write(tmp_path / "xx", "_context.toml", "[context]\nfirst_person = 3\n")
    with pytest.raises(RuleFileError, match=r"_context\.toml: context 'first_person'"):
        load_language.__wrapped__("xx", tmp_path)


def test_missing_language_directory_is_reported(tmp_path):
    with pytest.raises(RuleFileError, match="no rule directory"):
        load_language.__wrapped__("zz", tmp_path)


def test_context_requirement_limits_a_rule(tmp_path):
    (tmp_path / "xx").mkdir()
    write(tmp_path / "xx", "_context.toml", "[context]\nmine = '''\\bmy\\b'''\n")
    write(tmp_path / "xx", "health.toml", GOOD_RULE + 'context = ["@mine"]\n')
    [rule_set] = load_language.__wrapped__("xx", tmp_path)
    [rule] = rule_set.rules
    assert rule.context[0].search("my adhd")
    assert not rule.context[0].search("their adhd")


def test_data_dir_is_inside_the_package():
    assert DATA_DIR.parts[-3:] == ("indexer", "data", "flags")
