"""Load and validate the rule files in ``indexer/data/flags/<language>/<category>.toml``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from indexer.errors import IndexerError

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "flags"
RULE_CATEGORIES = (
    "ethnic_origin",
    "political_opinion",
    "religion_belief",
    "trade_union",
    "health",
    "genetic_biometric",
    "sex_life_orientation",
    "criminal_offence",
)
CONTEXT_FILE = "_context.toml"
_FLAGS = re.IGNORECASE | re.UNICODE
_ID_PART = re.compile(r"^[a-z0-9_]+$")


class RuleFileError(IndexerError):
    """A rule data file is missing, malformed or contains an invalid pattern."""

    code = "bad_rule_file"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Rule:
    """One detection rule: any trigger in a passage, plus a context if one is required."""

    id: str
    language: str
    category: str
    confidence: float
    triggers: tuple[re.Pattern[str], ...]
    context: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class RuleSet:
    """The rules and exclusions of one language and category."""

    language: str
    category: str
    rules: tuple[Rule, ...]
    exclusions: tuple[re.Pattern[str], ...]


def languages(data_dir: Path = DATA_DIR) -> tuple[str, ...]:
    """List the languages that have a rule directory."""
    return tuple(sorted(p.name for p in data_dir.iterdir() if p.is_dir()))


@cache
def load_language(language: str, data_dir: Path = DATA_DIR) -> tuple[RuleSet, ...]:
    """Load every category file of one language, validating as it goes."""
    directory = data_dir / language
    if not directory.is_dir():
        raise RuleFileError(directory, "no rule directory for this language")
    context = _load_context(directory / CONTEXT_FILE)
    rule_sets = []
    for path in sorted(directory.glob("*.toml")):
        if path.name == CONTEXT_FILE:
            continue
        rule_sets.append(load_rule_file(path, language, context))
    return tuple(rule_sets)


def load_rule_file(path: Path, language: str, context: Mapping[str, str]) -> RuleSet:
    """Parse one ``<category>.toml`` file into a RuleSet."""
    category = path.stem
    if category not in RULE_CATEGORIES:
        raise RuleFileError(path, f"unknown category {category!r}")
    data = _read_toml(path)
    unknown = set(data) - {"rule", "exclude"}
    if unknown:
        raise RuleFileError(path, f"unknown top-level keys {sorted(unknown)}")
    rules = []
    seen: set[str] = set()
    for index, raw in enumerate(_table_list(path, data, "rule")):
        where = f"rule #{index + 1}"
        _check_keys(
            path,
            where,
            raw,
            required={"id", "confidence"},
            optional={"terms", "patterns", "context"},
        )
        local_id = raw["id"]
        if not isinstance(local_id, str) or not _ID_PART.match(local_id):
            raise RuleFileError(path, f"{where}: id must be lower_snake_case, got {local_id!r}")
        if local_id in seen:
            raise RuleFileError(path, f"{where}: duplicate id {local_id!r}")
        seen.add(local_id)
        confidence = raw["confidence"]
        if not isinstance(confidence, int | float) or not 0 < confidence <= 1:
            raise RuleFileError(path, f"rule {local_id!r}: confidence must be in (0, 1]")
        triggers = _compile_terms(path, local_id, raw.get("terms", []))
        triggers += _compile_all(path, local_id, "patterns", raw.get("patterns", []))
        if not triggers:
            raise RuleFileError(path, f"rule {local_id!r}: needs terms or patterns")
        context_patterns = _compile_all(
            path,
            local_id,
            "context",
            _expand_context(path, local_id, raw.get("context", []), context),
        )
        rules.append(
            Rule(
                id=f"{language}.{category}.{local_id}",
                language=language,
                category=category,
                confidence=float(confidence),
                triggers=triggers,
                context=context_patterns,
            )
        )
    exclusions: list[re.Pattern[str]] = []
    for index, raw in enumerate(_table_list(path, data, "exclude")):
        where = f"exclude #{index + 1}"
        _check_keys(path, where, raw, required={"id", "patterns"}, optional={"note"})
        # An exclusion starts at a word boundary, so "lärare i" does not fire inside
        # "Söndagsskollärare i".
        patterns = _strings(path, str(raw["id"]), "patterns", raw["patterns"])
        exclusions += _compile_all(
            path, str(raw["id"]), "patterns", [rf"(?<!\w)(?:{p})" for p in patterns]
        )
    return RuleSet(language, category, tuple(rules), tuple(exclusions))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(path, f"not valid TOML: {exc}") from exc
    except OSError as exc:
        raise RuleFileError(path, f"cannot read: {exc}") from exc


def _load_context(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    data = _read_toml(path)
    table = data.get("context", {})
    if set(data) - {"context"} or not isinstance(table, dict):
        raise RuleFileError(path, "expected only a [context] table of name = pattern")
    for name, pattern in table.items():
        if not isinstance(pattern, str):
            raise RuleFileError(path, f"context {name!r} must be a string pattern")
        _compile(path, f"context {name!r}", pattern)
    return table


def _table_list(path: Path, data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise RuleFileError(path, f"[[{key}]] must be an array of tables")
    return value


def _check_keys(
    path: Path, where: str, raw: Mapping[str, Any], *, required: set[str], optional: set[str]
) -> None:
    missing = required - set(raw)
    if missing:
        raise RuleFileError(path, f"{where}: missing {sorted(missing)}")
    unknown = set(raw) - required - optional
    if unknown:
        raise RuleFileError(path, f"{where}: unknown keys {sorted(unknown)}")


def _strings(path: Path, rule_id: str, field: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RuleFileError(path, f"rule {rule_id!r}: {field} must be a list of strings")
    return value


def _compile_terms(path: Path, rule_id: str, terms: Any) -> tuple[re.Pattern[str], ...]:
    items = _strings(path, rule_id, "terms", terms)
    if not items:
        return ()
    # Terms are whole words (regex fragments for their inflections); one alternation keeps
    # the search to a single pass over the passage.
    joined = "|".join(f"(?:{term})" for term in items)
    # A term followed by "-word" is the first half of a compound ("hiv-mottagningen"), which
    # names a workplace far more often than the candidate's own condition.
    pattern = rf"(?<!\w)(?:{joined})(?!\w|-\w)"
    return (_compile(path, f"rule {rule_id!r} terms", pattern),)


def _compile_all(
    path: Path, rule_id: str, field: str, patterns: Any
) -> tuple[re.Pattern[str], ...]:
    return tuple(
        _compile(path, f"rule {rule_id!r} {field}", pattern)
        for pattern in _strings(path, rule_id, field, patterns)
    )


def _expand_context(path: Path, rule_id: str, names: Any, context: Mapping[str, str]) -> list[str]:
    expanded = []
    for item in _strings(path, rule_id, "context", names):
        if item.startswith("@"):
            if item[1:] not in context:
                raise RuleFileError(path, f"rule {rule_id!r}: unknown context {item!r}")
            expanded.append(context[item[1:]])
        else:
            expanded.append(item)
    return expanded


def _compile(path: Path, where: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, _FLAGS)
    except re.error as exc:
        raise RuleFileError(path, f"{where}: invalid pattern {pattern!r}: {exc}") from exc


def all_rules(language_codes: Iterable[str]) -> tuple[RuleSet, ...]:
    """Load the rule sets of the given languages."""
    return tuple(rs for code in language_codes for rs in load_language(code))
