"""Parse the recruiters' query language into a small engine-neutral tree.

The language: words (implicit AND), "exact phrases", ``OR`` (also ``|``), ``-exclusion``
(also ``NOT``), ``prefix*`` and parentheses. There is deliberately no field syntax: a colon is
ordinary punctuation, so no query can name an internal field such as visibility or blocked_orgs.

Harmless mistakes are repaired (an unclosed quote or parenthesis is closed at the end, a stray
``)``, ``-``, ``*`` or ``OR`` is dropped); what cannot be repaired raises ``QuerySyntaxError``
with a message a recruiter can act on. No other exception escapes ``parse_query``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from indexer.errors import QuerySyntaxError

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 50
MAX_DEPTH = 10
MIN_PREFIX_LENGTH = 2


@dataclass(frozen=True)
class Word:
    """One word, or the start of words when ``prefix`` is set (``sjuksköt*``)."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words that must appear next to each other, in this order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    """Exclude what ``child`` matches."""

    child: Node


@dataclass(frozen=True)
class And:
    """Match all children."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Match any child."""

    children: tuple[Node, ...]


Node = Word | Phrase | Not | And | Or

# Token kinds produced by the lexer.
_WORD, _PHRASE, _LPAREN, _RPAREN, _OR, _NOT, _AND = range(7)


@dataclass(frozen=True)
class _Token:
    kind: int
    text: str = ""
    negated: bool = False


def parse_query(text: str) -> Node | None:
    """Parse ``text``; return None when it holds nothing to search for (match everything)."""
    if not isinstance(text, str):
        raise QuerySyntaxError("The query must be text.")
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            f"The query is too long ({len(text)} characters); use at most {MAX_QUERY_LENGTH}."
        )
    tokens = _lex(_normalise(text))
    terms = sum(1 for t in tokens if t.kind in (_WORD, _PHRASE))
    if terms > MAX_TERMS:
        raise QuerySyntaxError(
            f"The query has too many terms ({terms}); use at most {MAX_TERMS} words or phrases."
        )
    parser = _Parser(tokens)
    return parser.parse()


def positive_terms(node: Node | None) -> list[Word | Phrase]:
    """Return the words and phrases that a match may contain (not those under an exclusion)."""
    found: list[Word | Phrase] = []

    def walk(n: Node) -> None:
        if isinstance(n, Word | Phrase):
            found.append(n)
        elif isinstance(n, And | Or):
            for child in n.children:
                walk(child)

    if node is not None:
        walk(node)
    return found


def _normalise(text: str) -> str:
    # NFKC folds ligatures and full-width forms; control characters (NUL included) act as spaces.
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    # Typographic quotes are what word processors paste; treat them as plain double quotes.
    for quote in "“”„«»":
        text = text.replace(quote, '"')
    return text


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    negate_next = False
    while i < n:
        c = text[i]
        if c.isspace():
            negate_next = False
            i += 1
        elif c == "-" and i + 1 < n and not text[i + 1].isspace():
            # A leading minus excludes the next word, phrase or group; "--x" is the same as "-x".
            negate_next = True
            i += 1
        elif c in "-+":
            i += 1  # a lone minus or plus is noise
        elif c == "(":
            tokens.append(_Token(_LPAREN, negated=negate_next))
            negate_next = False
            i += 1
        elif c == ")":
            tokens.append(_Token(_RPAREN))
            negate_next = False
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end == -1:
                end = n  # an unclosed quote runs to the end of the query
            words = tuple(w for w in text[i + 1 : end].split() if _has_content(w))
            if words:
                tokens.append(_Token(_PHRASE, "\x1f".join(words), negated=negate_next))
            negate_next = False
            i = end + 1
        elif c == "|":
            tokens.append(_Token(_OR))
            negate_next = False
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '()"|':
                i += 1
            word = text[start:i]
            if word in ("OR", "AND", "NOT") and not negate_next:
                kind = {"OR": _OR, "AND": _AND, "NOT": _NOT}[word]
                tokens.append(_Token(kind))
            elif _has_content(word.rstrip("*")):
                tokens.append(_Token(_WORD, word, negated=negate_next))
            negate_next = False
    return tokens


def _has_content(word: str) -> bool:
    return any(c.isalnum() for c in word)


class _Parser:
    """Recursive descent over the tokens; OR binds tighter than the implicit AND."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def parse(self) -> Node | None:
        node = self._sequence(depth=0)
        # Stray closing parentheses end a sequence early; skip them and keep reading.
        parts = [node] if node is not None else []
        while self.pos < len(self.tokens):
            self.pos += 1
            rest = self._sequence(depth=0)
            if rest is not None:
                parts.append(rest)
        return _and(parts)

    def _peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _sequence(self, depth: int) -> Node | None:
        if depth > MAX_DEPTH:
            raise QuerySyntaxError(f"The query nests parentheses too deeply (at most {MAX_DEPTH}).")
        parts: list[Node] = []
        while (token := self._peek()) is not None and token.kind != _RPAREN:
            if token.kind in (_OR, _AND):
                self.pos += 1  # OR without a left side, or a redundant AND
                continue
            node = self._or_group(depth)
            if node is not None:
                parts.append(node)
        return _and(parts)

    def _or_group(self, depth: int) -> Node | None:
        options: list[Node] = []
        first = self._unary(depth)
        if first is not None:
            options.append(first)
        while (token := self._peek()) is not None and token.kind == _OR:
            self.pos += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in (_RPAREN, _OR, _AND):
                continue  # a dangling OR is dropped
            node = self._unary(depth)
            if node is not None:
                options.append(node)
        if not options:
            return None
        return options[0] if len(options) == 1 else Or(tuple(options))

    def _unary(self, depth: int) -> Node | None:
        token = self._peek()
        negated = False
        while token is not None and token.kind == _NOT:
            negated = not negated
            self.pos += 1
            token = self._peek()
        if token is None or token.kind in (_RPAREN, _OR, _AND):
            return None  # "NOT" with nothing after it
        node = self._primary(token, depth)
        if node is None:
            return None
        return Not(node) if negated else node

    def _primary(self, token: _Token, depth: int) -> Node | None:
        self.pos += 1
        node: Node | None
        if token.kind == _LPAREN:
            node = self._sequence(depth + 1)
            closing = self._peek()
            if closing is not None and closing.kind == _RPAREN:
                self.pos += 1
            # A missing ")" is closed at the end of the query.
        elif token.kind == _PHRASE:
            words = tuple(token.text.split("\x1f"))
            node = Phrase(words) if len(words) > 1 else Word(words[0])
        else:
            node = _word(token.text)
        if node is not None and token.negated:
            node = node.child if isinstance(node, Not) else Not(node)
        return node


def _word(text: str) -> Word:
    if text.endswith("*"):
        stem = text.rstrip("*")
        if sum(1 for c in stem if c.isalnum()) < MIN_PREFIX_LENGTH:
            raise QuerySyntaxError(
                f"“{text}”: put at least {MIN_PREFIX_LENGTH} letters before * to search by prefix."
            )
        return Word(stem, prefix=True)
    return Word(text)


def _and(parts: list[Node]) -> Node | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, And) else (part,))
    return And(tuple(flat))
