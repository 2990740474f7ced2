from __future__ import annotations

import pytest

from cvbank.accounts.views import safe_next
from cvbank.web import highlight


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/ok\nSet-Cookie: x",
    ],
)
def test_safe_next_refuses_other_sites(target: str) -> None:
    assert safe_next(target, "/home") == "/home"


def test_safe_next_keeps_local_paths() -> None:
    assert safe_next("/my/cvs?x=1", "/home") == "/my/cvs?x=1"


def test_highlight_marks_query_words_and_escapes_the_rest() -> None:
    html = str(highlight("<script>x</script> Sjuksköterska i Lund", 'sjuksköt* "Lund" -x'))
    assert "&lt;script&gt;" in html
    assert "<mark>Sjuksköterska</mark>" in html
    assert "<mark>Lund</mark>" in html


def test_highlight_without_words_only_escapes() -> None:
    assert str(highlight("a < b", "")) == "a &lt; b"
