"""The recruiters' query language parser."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import QuerySyntaxError
from indexer.search.query import (
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    And,
    Node,
    Not,
    Or,
    Phrase,
    Word,
    parse_query,
    positive_terms,
)

# Other engineers' jobs share this machine's two cores; slow generation is not a failure.
SHARED_MACHINE = [HealthCheck.too_slow]


def w(text: str) -> Word:
    return Word(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sjuksköterska", w("sjuksköterska")),
        ("sjuksköterska Malmö", And((w("sjuksköterska"), w("Malmö")))),
        ('"agila team"', Phrase(("agila", "team"))),
        ("java OR kotlin", Or((w("java"), w("kotlin")))),
        ("java | kotlin", Or((w("java"), w("kotlin")))),
        ("a b OR c", And((w("a"), Or((w("b"), w("c")))))),
        ("java -php", And((w("java"), Not(w("php"))))),
        ('java -"team lead"', And((w("java"), Not(Phrase(("team", "lead")))))),
        ("java NOT php", And((w("java"), Not(w("php"))))),
        ("java AND php", And((w("java"), w("php")))),
        ("utveckl*", Word("utveckl", prefix=True)),
        ("(java OR kotlin) -php", And((Or((w("java"), w("kotlin"))), Not(w("php"))))),
        ("-(a b)", Not(And((w("a"), w("b"))))),
        ("e-post", w("e-post")),
        ("or", w("or")),
    ],
)
def test_parses_the_query_language(text: str, expected: Node) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"unclosed phrase', Phrase(("unclosed", "phrase"))),
        ("(java OR kotlin", Or((w("java"), w("kotlin")))),
        ("java) kotlin", And((w("java"), w("kotlin")))),
        ("java -", w("java")),
        ("java *", w("java")),
        ("OR java OR", w("java")),
        ("java OR OR kotlin", Or((w("java"), w("kotlin")))),
        ('""', None),
        ("()", None),
        ("", None),
        ("   ", None),
        ("NOT", None),
        ("“typographic quotes”", Phrase(("typographic", "quotes"))),
    ],
)
def test_repairs_harmless_mistakes(text: str, expected: Node | None) -> None:
    assert parse_query(text) == expected


def test_colon_is_part_of_the_word_not_a_field() -> None:
    assert parse_query("visibility:hidden") == w("visibility:hidden")


def test_phrase_of_one_word_is_a_word() -> None:
    assert parse_query('"java"') == w("java")


def test_double_exclusion_is_an_exclusion() -> None:
    assert parse_query("--java") == Not(w("java"))


def test_too_long_query_is_refused_with_the_limit() -> None:
    with pytest.raises(QuerySyntaxError, match=str(MAX_QUERY_LENGTH)):
        parse_query("a" * (MAX_QUERY_LENGTH + 1))


def test_too_many_terms_are_refused_with_the_limit() -> None:
    with pytest.raises(QuerySyntaxError, match=f"at most {MAX_TERMS}"):
        parse_query(" ".join(["ab"] * (MAX_TERMS + 1)))


def test_thousand_terms_are_refused() -> None:
    with pytest.raises(QuerySyntaxError):
        parse_query(" ".join("x" for _ in range(1000))[:MAX_QUERY_LENGTH])


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="nests"):
        parse_query("(" * (MAX_DEPTH + 2) + "java")


def test_short_prefix_is_refused_with_advice() -> None:
    with pytest.raises(QuerySyntaxError, match="at least 2 letters"):
        parse_query("j*")


def test_error_carries_the_bad_query_code() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("j*")
    assert caught.value.code == "bad_query"


def test_positive_terms_leave_out_exclusions() -> None:
    node = parse_query('java (kotlin OR "agila team") -php')
    assert positive_terms(node) == [w("java"), w("kotlin"), Phrase(("agila", "team"))]


_ALPHABET = st.sampled_from([*list('abcö -"()*|:+\\\x00\n'), "OR", "NOT", "AND", "“"])


@settings(max_examples=400, deadline=None, suppress_health_check=SHARED_MACHINE)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_operator_soup_never_raises_anything_but_a_syntax_error(text: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        parse_query(text)


@settings(max_examples=400, deadline=None, suppress_health_check=SHARED_MACHINE)
@given(st.text(max_size=1200))
def test_arbitrary_text_never_raises_anything_but_a_syntax_error(text: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        parse_query(text)


def _walk(node: Node) -> list[Node]:
    out: list[Node] = [node]
    if isinstance(node, And | Or):
        for child in node.children:
            out.extend(_walk(child))
    elif isinstance(node, Not):
        out.extend(_walk(node.child))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=SHARED_MACHINE)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_parsed_tree_has_no_empty_parts(text: str) -> None:
    try:
        node = parse_query(text)
    except QuerySyntaxError:
        return
    if node is None:
        return
    for part in _walk(node):
        if isinstance(part, And | Or):
            assert len(part.children) >= 2
        elif isinstance(part, Word):
            assert any(c.isalnum() for c in part.text)
        elif isinstance(part, Phrase):
            assert len(part.words) >= 2
