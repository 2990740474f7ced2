"""The Swedish and Norwegian catalogues cover every UI string with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).parents[3] / "cvbank" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _ids(message_id: object) -> list[str]:
    return list(message_id) if isinstance(message_id, tuple) else [str(message_id)]


@pytest.mark.parametrize("locale", ["sv", "nb"])
def test_every_ui_string_is_translated_with_its_placeholders(locale: str) -> None:
    with open(TRANSLATIONS / "messages.pot", "rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m for m in catalog if m.id}
    missing = [i for i in template if i not in translated or not translated[i].string]
    assert missing == []
    for message in translated.values():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(_ids(message.id)[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted | set(
                PLACEHOLDER.findall(_ids(message.id)[0])
            ), message.id
