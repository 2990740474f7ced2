"""The embedded search engine: Tantivy, one writer process and any number of readers.

Layout under ``path``: ``gen-<n>/`` directories each hold one complete index; the file
``CURRENT`` names the live one. ``rebuild`` writes a new generation and replaces ``CURRENT``
atomically, so readers switch on their next search and never see a half-built index.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tantivy

from indexer.errors import IndexerError, SearchUnavailable
from indexer.gazetteer import distance_km
from indexer.search.base import (
    SEARCHABLE_VISIBILITIES,
    Hit,
    IndexDocument,
    ProfileQuery,
    SearchResult,
)
from indexer.search.common import (
    FACET_SIZE,
    YEARS_BANDS,
    Highlighter,
    best_fragment,
    bounding_box,
    check_query,
    page_window,
)
from indexer.search.query import Node, Not, Or, Phrase, Word, positive_terms
from indexer.search.vocabulary import Expander, Labeller, expand_term, literal, skill_labels

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
SNIPPET_CHARS = 240
# Geo filtering asks the index for the distinct coordinates inside the bounding box; CVs are
# placed by gazetteer so these are few, and beyond this many the engine reads coordinates per CV.
MAX_GEO_KEYS = 65_536
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# CV language → (field, built-in tokenizer, stemmer). Built-in tokenizers only: Tantivy does not
# persist custom analysers, so an index written with one would be misread by another process.
_STEMMED: dict[str, tuple[str, str, str]] = {
    "sv": ("text_sv", "sv_stem", "swedish"),
    "nb": ("text_no", "no_stem", "norwegian"),
    "nn": ("text_no", "no_stem", "norwegian"),
    "no": ("text_no", "no_stem", "norwegian"),
    "da": ("text_da", "da_stem", "danish"),
    "en": ("text_en", "en_stem", "english"),
    "fi": ("text_fi", "fi_stem", "finnish"),
    "de": ("text_de", "de_stem", "german"),
}
_STEM_FIELDS = sorted({(f, t, s) for f, t, s in _STEMMED.values()})
TEXT = "text"  # the shared field, "default" tokenizer, stored for snippets
# Fields a query word is looked up in, with their boosts.
_PLAIN_FIELDS = (("text", 1.0), ("title", 2.0), ("skill_labels", 1.5))


def _analyzer(stemmer: str | None) -> tantivy.TextAnalyzer:
    # Mirrors Tantivy's built-in "default" and "<lang>_stem" tokenizers so that query words are
    # turned into the same terms the index holds.
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
    )
    if stemmer is not None:
        builder = builder.filter(tantivy.Filter.stemmer(stemmer))
    return builder.build()


_ANALYZERS: dict[str, tantivy.TextAnalyzer] = {
    "default": _analyzer(None),
    **{field: _analyzer(stemmer) for field, _tok, stemmer in _STEM_FIELDS},
}


def _analyze(field: str, text: str) -> list[str]:
    analyzer = _ANALYZERS.get(field, _ANALYZERS["default"])
    return list(analyzer.analyze(text))


def build_schema() -> tantivy.Schema:
    """Return the schema of one index generation."""
    sb = tantivy.SchemaBuilder()
    # Ids are raw text: delete_documents_by_term does nothing on an unsigned field in 0.27.
    sb.add_text_field("cv_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("version_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("visibility", stored=True, tokenizer_name="raw")
    sb.add_text_field("blocked_orgs", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("language", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field(TEXT, stored=True, tokenizer_name="default")
    for field, tokenizer, _stemmer in _STEM_FIELDS:
        sb.add_text_field(field, tokenizer_name=tokenizer)
    sb.add_text_field("title", stored=True, tokenizer_name="default")
    sb.add_text_field("skills", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("skill_labels", tokenizer_name="default")
    sb.add_text_field("location", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("geo_key", tokenizer_name="raw", fast=True)
    sb.add_float_field("lat", stored=True, indexed=True, fast=True)
    sb.add_float_field("lon", stored=True, indexed=True, fast=True)
    sb.add_float_field("years", stored=True, indexed=True, fast=True)
    sb.add_text_field("languages", stored=True, tokenizer_name="raw", fast=True)
    sb.add_date_field("updated_at", stored=True, indexed=True, fast=True)
    return sb.build()


SCHEMA = build_schema()


def _geo_key(lat: float, lon: float) -> str:
    return f"{lat!r},{lon!r}"


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return EPOCH
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_tantivy_document(doc: IndexDocument, labeller: Labeller) -> tantivy.Document:
    """Turn an index document into the fields of one Tantivy document."""
    fields: dict[str, Any] = {
        "cv_id": doc.cv_id,
        "version_id": doc.version_id,
        "visibility": doc.visibility,
        "language": doc.language,
        TEXT: doc.text,
        "title": doc.title,
        "updated_at": _utc(doc.updated_at),
    }
    stemmed = _STEMMED.get(doc.language)
    if stemmed is not None:
        # The title joins the language field so that it is found by stem as well.
        fields[stemmed[0]] = [doc.text, doc.title]
    if doc.blocked_orgs:
        fields["blocked_orgs"] = list(doc.blocked_orgs)
    if doc.skills:
        fields["skills"] = list(doc.skills)
        labels = sorted({label for skill in doc.skills for label in labeller(skill)})
        if labels:
            fields["skill_labels"] = labels
    if doc.location:
        fields["location"] = doc.location
    if doc.geo is not None:
        fields["lat"], fields["lon"] = float(doc.geo[0]), float(doc.geo[1])
        fields["geo_key"] = _geo_key(*doc.geo)
    if doc.years_experience is not None:
        fields["years"] = float(doc.years_experience)
    if doc.languages:
        fields["languages"] = list(doc.languages)
    return tantivy.Document(**fields)


@dataclass
class _Generation:
    """One opened index generation."""

    name: str
    index: tantivy.Index
    marker: tuple[int, int] | None  # (inode, mtime) of CURRENT when it was read


class TantivyEngine:
    """The embedded engine; ``writer=True`` in the single process that writes (the worker)."""

    def __init__(
        self,
        path: Path,
        *,
        writer: bool,
        heap_size: int = 128_000_000,
        num_threads: int = 1,
        expand: Expander = expand_term,
        labeller: Labeller = skill_labels,
    ) -> None:
        self.path = Path(path)
        self.is_writer = writer
        self._heap_size = heap_size
        self._num_threads = num_threads
        self._expand = expand
        self._labeller = labeller
        # Writes (and rebuilds) queue behind one another; searches only wait for the short
        # switch between generations, so they keep answering while a rebuild runs.
        self._write_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._generation: _Generation | None = None
        self._writer: tantivy.IndexWriter | None = None
        self._writer_generation: str | None = None
        if writer:
            self.path.mkdir(parents=True, exist_ok=True)
            if not (self.path / CURRENT).exists():
                name = self._new_generation_dir()
                tantivy.Index(SCHEMA, path=str(self.path / name), reuse=False)
                self._point_to(name)
            self._ensure_writer()
            self._remove_old_generations()

    # -- generations ------------------------------------------------------------------------

    def _current_marker(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path / CURRENT)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def _open_current(self) -> _Generation | None:
        """Follow ``CURRENT`` to the live generation, reopening only when it moved."""
        marker = self._current_marker()
        gen = self._generation
        if gen is not None and marker == gen.marker:
            try:
                gen.index.reload()
            except ValueError as exc:
                raise SearchUnavailable(f"The search index cannot be reloaded: {exc}") from exc
            return gen
        if marker is None:
            if gen is not None:
                raise SearchUnavailable("The search index pointer file has disappeared.")
            return None
        try:
            name = (self.path / CURRENT).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SearchUnavailable(f"The search index pointer cannot be read: {exc}") from exc
        if not name.startswith("gen-") or "/" in name or not (self.path / name).is_dir():
            raise SearchUnavailable(f"The search index generation {name!r} is missing.")
        try:
            index = tantivy.Index.open(str(self.path / name))
        except (ValueError, OSError) as exc:
            raise SearchUnavailable(f"The search index {name} cannot be opened: {exc}") from exc
        self._generation = _Generation(name, index, marker)
        return self._generation

    def _new_generation_dir(self) -> str:
        numbers = [
            int(p.name[4:]) for p in self.path.glob("gen-*") if p.name[4:].isdigit() and p.is_dir()
        ]
        n = max(numbers, default=0) + 1
        while True:
            try:
                (self.path / f"gen-{n}").mkdir()
                return f"gen-{n}"
            except FileExistsError:
                n += 1

    def _point_to(self, name: str) -> None:
        tmp = self.path / f"{CURRENT}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path / CURRENT)
        dir_fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _remove_old_generations(self) -> None:
        """Delete generations older than the one before the live one."""
        gen = self._generation
        if gen is None:
            return
        live = int(gen.name[4:])
        for p in self.path.glob("gen-*"):
            # The previous generation stays one more round: a reader may still be searching it.
            if p.is_dir() and p.name[4:].isdigit() and int(p.name[4:]) < live - 1:
                shutil.rmtree(p, ignore_errors=True)

    def _ensure_writer(self) -> tantivy.IndexWriter:
        if not self.is_writer:
            raise IndexerError("This engine was opened read-only; only the worker writes.")
        with self._open_lock:
            gen = self._open_current()
        if gen is None:
            raise SearchUnavailable("The search index has no live generation.")
        if self._writer is None or self._writer_generation != gen.name:
            # A rebuild (here or in another process) moved CURRENT: write to the new generation.
            self._close_writer()
            self._writer = self._make_writer(gen.index)
            self._writer_generation = gen.name
        return self._writer

    def _make_writer(self, index: tantivy.Index) -> tantivy.IndexWriter:
        try:
            return index.writer(heap_size=self._heap_size, num_threads=self._num_threads)
        except ValueError as exc:
            raise SearchUnavailable(
                f"The search index is locked by another writer (only the worker writes): {exc}"
            ) from exc

    def _close_writer(self) -> None:
        if self._writer is not None:
            writer, self._writer, self._writer_generation = self._writer, None, None
            writer.wait_merging_threads()  # also drops the writer and its lock

    def close(self) -> None:
        """Release the writer lock (if any) and forget the open index."""
        with self._write_lock, self._open_lock:
            self._close_writer()
            self._generation = None

    # -- writing ----------------------------------------------------------------------------

    def upsert(self, documents: Iterable[IndexDocument]) -> None:
        """Add or replace documents, keyed by ``cv_id``, in one commit."""
        with self._write_lock:
            writer = self._ensure_writer()
            try:
                for doc in documents:
                    writer.delete_documents_by_term("cv_id", doc.cv_id)
                    writer.add_document(to_tantivy_document(doc, self._labeller))
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            self._reload()

    def delete(self, cv_ids: Iterable[str]) -> None:
        """Remove documents in one commit; unknown ids are ignored."""
        with self._write_lock:
            writer = self._ensure_writer()
            try:
                for cv_id in cv_ids:
                    writer.delete_documents_by_term("cv_id", cv_id)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            self._reload()

    def _reload(self) -> None:
        if self._generation is not None:
            self._generation.index.reload()

    def rebuild(self, documents: Iterable[IndexDocument]) -> None:
        """Write a new generation from ``documents`` and swap it in; keep the old one on failure."""
        with self._write_lock, self._rebuild_lock():
            self._ensure_writer()
            name = self._new_generation_dir()
            target = self.path / name
            try:
                index = tantivy.Index(SCHEMA, path=str(target), reuse=False)
                writer = self._make_writer(index)
                try:
                    batch = 0
                    for doc in documents:
                        writer.add_document(to_tantivy_document(doc, self._labeller))
                        batch += 1
                        if batch >= 50_000:
                            writer.commit()
                            batch = 0
                    writer.commit()
                except BaseException:
                    writer.rollback()
                    raise
                finally:
                    writer.wait_merging_threads()
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            # Searches keep using the old generation until this single rename.
            with self._open_lock:
                self._point_to(name)
            self._close_writer()
            self._ensure_writer()
            self._remove_old_generations()

    def _rebuild_lock(self) -> _FileLock:
        return _FileLock(self.path / "rebuild.lock")

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        """Return how many documents the live index holds."""
        with self._open_lock:
            gen = self._open_current()
        if gen is None:
            return 0
        return int(gen.index.searcher().num_docs)

    def reload(self) -> None:
        """Pick up the writer's latest commit and generation (searches do this themselves)."""
        with self._open_lock:
            self._open_current()

    def search(self, query: ProfileQuery) -> SearchResult:
        """Answer a query; raise ``QuerySyntaxError`` or ``SearchUnavailable``."""
        node = check_query(query)
        with self._open_lock:
            gen = self._open_current()
        if gen is None:
            return SearchResult(total=0, hits=(), facets={})
        try:
            return _Search(gen.index, query, node, self._expand).run()
        except IndexerError:
            raise
        except (ValueError, OSError, RuntimeError) as exc:
            log.exception("embedded search failed for generation %s", gen.name)
            raise SearchUnavailable(f"The search index could not answer: {exc}") from exc


class _FileLock:
    """An exclusive advisory lock on a file, held for the duration of a ``with`` block."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> _FileLock:
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self._fd)
            self._fd = None
            raise SearchUnavailable("Another rebuild of the search index is running.") from exc
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


# -- query building (pure functions over the parsed query) ---------------------------------


def _const(query: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.const_score_query(query, 0.0)


def security_filters(organisation_id: str | None) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """Return the clauses that keep hidden CVs and blocking candidates out of every answer."""
    clauses = [
        (
            tantivy.Occur.Must,
            _const(
                tantivy.Query.term_set_query(SCHEMA, "visibility", list(SEARCHABLE_VISIBILITIES))
            ),
        )
    ]
    if organisation_id is not None:
        clauses.append(
            (
                tantivy.Occur.MustNot,
                tantivy.Query.term_query(SCHEMA, "blocked_orgs", organisation_id),
            )
        )
    return clauses


def filter_clauses(query: ProfileQuery) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """Return the filter clauses from the UI's fields, security filters first."""
    clauses = security_filters(query.organisation_id)
    must = tantivy.Occur.Must
    for skill in query.skills:
        clauses.append((must, _const(tantivy.Query.term_query(SCHEMA, "skills", skill))))
    for language in query.languages:
        clauses.append((must, _const(tantivy.Query.term_query(SCHEMA, "languages", language))))
    if query.locations:
        clauses.append(
            (must, _const(tantivy.Query.term_set_query(SCHEMA, "location", list(query.locations))))
        )
    if query.cv_ids:
        clauses.append(
            (must, _const(tantivy.Query.term_set_query(SCHEMA, "cv_id", list(query.cv_ids))))
        )
    if query.cv_language is not None:
        clauses.append(
            (must, _const(tantivy.Query.term_query(SCHEMA, "language", query.cv_language)))
        )
    if query.min_years is not None:
        clauses.append(
            (
                must,
                _const(
                    tantivy.Query.range_query(
                        SCHEMA, "years", tantivy.FieldType.Float, float(query.min_years), None
                    )
                ),
            )
        )
    if query.max_years is not None:
        clauses.append(
            (
                must,
                _const(
                    tantivy.Query.range_query(
                        SCHEMA,
                        "years",
                        tantivy.FieldType.Float,
                        None,
                        float(query.max_years),
                        include_upper=False,
                    )
                ),
            )
        )
    if query.updated_since is not None:
        clauses.append(
            (
                must,
                _const(
                    tantivy.Query.range_query(
                        SCHEMA,
                        "updated_at",
                        tantivy.FieldType.Date,
                        _utc(query.updated_since),
                        None,
                    )
                ),
            )
        )
    if query.location is not None and query.radius_km is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(query.location, query.radius_km)
        clauses.append(
            (
                must,
                _const(
                    tantivy.Query.range_query(
                        SCHEMA, "lat", tantivy.FieldType.Float, min_lat, max_lat
                    )
                ),
            )
        )
        if min_lon is not None and max_lon is not None:
            clauses.append(
                (
                    must,
                    _const(
                        tantivy.Query.range_query(
                            SCHEMA, "lon", tantivy.FieldType.Float, min_lon, max_lon
                        )
                    ),
                )
            )
    return clauses


def _field_query(field: str, text: str) -> tantivy.Query | None:
    tokens = _analyze(field, text)
    if not tokens:
        return None
    if len(tokens) == 1:
        return tantivy.Query.term_query(SCHEMA, field, tokens[0])
    words: list[str | tuple[int, str]] = list(tokens)
    return tantivy.Query.phrase_query(SCHEMA, field, words)


def _text_query(text: str, *, stemmed: bool) -> tantivy.Query | None:
    """Match ``text`` in the shared, title and skill fields, and by stem when ``stemmed``."""
    options: list[tantivy.Query] = []
    for field, boost in _PLAIN_FIELDS:
        q = _field_query(field, text)
        if q is not None:
            options.append(tantivy.Query.boost_query(q, boost) if boost != 1.0 else q)
    if not options:
        return None  # nothing searchable in it (punctuation only)
    for field, _tok, _stemmer in _STEM_FIELDS if stemmed else ():
        q = _field_query(field, text)
        if q is not None:
            options.append(q)
    # Best field wins: a word found both stemmed and exactly should not count twice.
    return tantivy.Query.disjunction_max_query(options, tie_breaker=0.1)


def _prefix_query(prefix: str) -> tantivy.Query | None:
    tokens = _analyze("default", prefix)
    if not tokens:
        return None
    options: list[tantivy.Query] = []
    for field, _boost in _PLAIN_FIELDS:
        if len(tokens) == 1:
            # Analysed tokens are alphanumeric, so they are literal in a regular expression.
            options.append(
                tantivy.Query.regex_query(SCHEMA, field, _regex_literal(tokens[0]) + ".*")
            )
        else:
            options.append(
                tantivy.Query.phrase_prefix_query(
                    SCHEMA, field, list[str | tuple[int, str]](tokens)
                )
            )
    return tantivy.Query.disjunction_max_query(options, tie_breaker=0.1)


def _regex_literal(token: str) -> str:
    return "".join(c if c.isalnum() else "\\" + c for c in token)


def _should(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def compile_node(node: Node, expand: Expander) -> tantivy.Query | None:
    """Translate a parsed query into a Tantivy query; None when nothing in it is searchable."""
    if isinstance(node, Word) and node.prefix:
        return _prefix_query(node.text)
    if isinstance(node, Word | Phrase):
        text = node.text if isinstance(node, Word) else " ".join(node.words)
        # A word is also looked up by stem; an "exact phrase" is exact. Synonyms come from the
        # taxonomy with their inflected forms listed, so they skip the costly stemmed fields.
        queries = [_text_query(text, stemmed=isinstance(node, Word))]
        queries.extend(_text_query(v, stemmed=False) for v in sorted(set(expand(text)) - {text}))
        found = [q for q in queries if q is not None]
        return _should(found) if found else None
    if isinstance(node, Not):
        inner = compile_node(node.child, literal)
        if inner is None:
            return None
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, inner)]
        )
    if isinstance(node, Or):
        options = [q for child in node.children if (q := compile_node(child, expand)) is not None]
        return _should(options) if options else None
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    positives = 0
    for child in node.children:
        if isinstance(child, Not):
            inner = compile_node(child.child, literal)
            if inner is not None:
                clauses.append((tantivy.Occur.MustNot, inner))
        elif (q := compile_node(child, expand)) is not None:
            clauses.append((tantivy.Occur.Must, q))
            positives += 1
    if not clauses:
        return None
    if positives == 0:
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(clauses)


def build_query(query: ProfileQuery, node: Node | None, expand: Expander) -> tantivy.Query:
    """Return the whole engine query: the text part and every filter, security first."""
    clauses = filter_clauses(query)
    text_query = compile_node(node, expand) if node is not None else None
    clauses.append((tantivy.Occur.Must, text_query or tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(clauses)


def highlight_forms(
    node: Node | None, language: str, expand: Expander, searcher: tantivy.Searcher
) -> tuple[set[str], set[str]]:
    """Return the words and prefixes to mark in a CV in ``language`` for this query."""
    stem_field = _STEMMED[language][0] if language in _STEMMED else None
    forms: set[str] = set()
    prefixes: set[str] = set()
    for term in positive_terms(node):
        if isinstance(term, Word) and term.prefix:
            prefixes.update(_analyze("default", term.text)[:1])
            continue
        text = term.text if isinstance(term, Word) else " ".join(term.words)
        for variant in {text, *expand(text)}:
            forms.update(_analyze("default", variant))
        if stem_field is None or isinstance(term, Phrase):
            continue
        # The words of the CV that share the query word's stem, as the index found them.
        for stem in _analyze(stem_field, text):
            for candidate, _count in searcher.terms_with_prefix(TEXT, stem, limit=50):
                if _analyze(stem_field, candidate) == [stem]:
                    forms.add(candidate)
    return forms, prefixes


class _Search:
    """One search against one searcher, so hits, total and facets agree."""

    def __init__(
        self, index: tantivy.Index, query: ProfileQuery, node: Node | None, expand: Expander
    ) -> None:
        self.query = query
        self.node = node
        self.expand = expand
        self.searcher = index.searcher()
        self._patterns: dict[str, Highlighter] = {}

    def run(self) -> SearchResult:
        engine_query = build_query(self.query, self.node, self.expand)
        geo = self._geo_clause(engine_query)
        if geo is not None:
            engine_query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, engine_query), (tantivy.Occur.Must, _const(geo))]
            )
        offset, limit = page_window(self.query)
        by_recency = self.query.sort == "recent" or self.node is None
        # With facets, the aggregation counts the matches too, so the top-k search may skip
        # counting (and prune by score) instead of visiting every match a second time.
        count = not self.query.facets
        # Tantivy releases the GIL, so the facet pass runs on the other core meanwhile.
        facets_later = (
            _background().submit(self._facets, engine_query) if self.query.facets else None
        )
        if by_recency:
            result = self.searcher.search(
                engine_query,
                limit=max(limit, 1),
                count=count,
                offset=offset,
                order_by_field="updated_at",
                order=tantivy.Order.Desc,
            )
        else:
            result = self.searcher.search(
                engine_query, limit=max(limit, 1), count=count, offset=offset
            )
        raw_hits = result.hits[:limit]
        hits = tuple(self._hit(score, address, by_recency) for score, address in raw_hits)
        if facets_later is not None:
            total, facets = facets_later.result()
        else:
            total, facets = _count(result), {}
        return SearchResult(total=total, hits=hits, facets=facets)

    def _geo_clause(self, engine_query: tantivy.Query) -> tantivy.Query | None:
        """Keep only the coordinates inside the circle; the box already narrowed them."""
        centre, radius = self.query.location, self.query.radius_km
        if centre is None or radius is None:
            return None
        agg = self.searcher.aggregate(
            engine_query,
            {
                "g": {
                    "terms": {
                        "field": "geo_key",
                        "size": MAX_GEO_KEYS,
                        "segment_size": MAX_GEO_KEYS,
                    }
                }
            },
        )
        buckets = agg["g"]["buckets"]
        if agg["g"].get("sum_other_doc_count", 0):
            keys = self._geo_keys_by_document(engine_query)
        else:
            keys = [str(b["key"]) for b in buckets]
        inside = []
        for key in keys:
            lat_s, lon_s = key.split(",")
            if distance_km(centre, (float(lat_s), float(lon_s))) <= radius:
                inside.append(key)
        if not inside:
            return tantivy.Query.empty_query()
        return tantivy.Query.term_set_query(SCHEMA, "geo_key", inside)

    def _geo_keys_by_document(self, engine_query: tantivy.Query) -> list[str]:
        found = self.searcher.search(engine_query, limit=1, count=True)
        everything = self.searcher.search(engine_query, limit=max(_count(found), 1))
        addresses = [address for _score, address in everything.hits]
        lats = self.searcher.fast_field_values("lat", addresses)
        lons = self.searcher.fast_field_values("lon", addresses)
        return sorted(
            {
                _geo_key(float(lat), float(lon))
                for lat, lon in zip(lats, lons, strict=True)
                if lat is not None and lon is not None
            }
        )

    def _hit(self, order_key: Any, address: tantivy.DocAddress, by_recency: bool) -> Hit:
        stored = self.searcher.doc(address).to_dict()
        language = _first(stored, "language") or ""
        text = _first(stored, TEXT) or ""
        updated = _first(stored, "updated_at")
        fields: dict[str, Any] = {
            "title": _first(stored, "title") or "",
            "language": language,
            "visibility": _first(stored, "visibility"),
            "location": _first(stored, "location"),
            "years_experience": _first(stored, "years"),
            "skills": tuple(stored.get("skills", ())),
            "languages": tuple(stored.get("languages", ())),
            "updated_at": updated if updated != EPOCH else None,
        }
        lat, lon = _first(stored, "lat"), _first(stored, "lon")
        fields["geo"] = (lat, lon) if lat is not None and lon is not None else None
        return Hit(
            cv_id=str(_first(stored, "cv_id")),
            version_id=str(_first(stored, "version_id")),
            score=0.0 if by_recency else float(order_key),
            snippets=(self._snippet(language, text),) if self.query.snippets else (),
            fields=fields,
        )

    def _snippet(self, language: str, text: str) -> str:
        if language not in self._patterns:
            forms, prefixes = highlight_forms(self.node, language, self.expand, self.searcher)
            self._patterns[language] = Highlighter(forms, prefixes)
        return best_fragment(text, self._patterns[language], SNIPPET_CHARS)

    def _facets(
        self, engine_query: tantivy.Query
    ) -> tuple[int, dict[str, tuple[tuple[str, int], ...]]]:
        """Return the number of matches and their facet counts."""
        # segment_size far above the vocabulary keeps the counts exact across segments.
        terms = {"size": FACET_SIZE, "segment_size": 100_000}
        spec = {
            "skills": {"terms": {"field": "skills", **terms}},
            "location": {"terms": {"field": "location", **terms}},
            "languages": {"terms": {"field": "languages", **terms}},
            "years": {
                "range": {
                    "field": "years",
                    "ranges": [_range(label, low, high) for label, low, high in YEARS_BANDS],
                }
            },
            # Every document has exactly one updated_at, so this counts the matches.
            "matches": {"value_count": {"field": "updated_at"}},
        }
        result = self.searcher.aggregate(engine_query, spec)
        facets: dict[str, tuple[tuple[str, int], ...]] = {}
        for name in ("skills", "location", "languages"):
            buckets = [(str(b["key"]), int(b["doc_count"])) for b in result[name]["buckets"]]
            facets[name] = tuple(sorted(buckets, key=lambda kv: (-kv[1], kv[0])))
        counts = {str(b["key"]): int(b["doc_count"]) for b in result["years"]["buckets"]}
        facets["years"] = tuple(
            (label, counts[label]) for label, _low, _high in YEARS_BANDS if counts.get(label)
        )
        return int(result["matches"]["value"]), facets


_POOL: tuple[int, ThreadPoolExecutor] | None = None
_POOL_LOCK = threading.Lock()


def _background() -> ThreadPoolExecutor:
    """Return this process's pool for facet passes (a forked child makes its own)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != os.getpid():
            _POOL = (os.getpid(), ThreadPoolExecutor(2, thread_name_prefix="cvbank-facets"))
        return _POOL[1]


def _range(label: str, low: float | None, high: float | None) -> dict[str, str | float]:
    out: dict[str, str | float] = {"key": label}
    if low is not None:
        out["from"] = low
    if high is not None:
        out["to"] = high
    return out


def _count(result: tantivy.SearchResult) -> int:
    # The type stubs of tantivy 0.27 omit SearchResult.count, which search(count=True) sets.
    return int(getattr(result, "count", 0) or 0)


def _first(stored: Mapping[str, Any], name: str) -> Any:
    values = stored.get(name)
    return values[0] if values else None
