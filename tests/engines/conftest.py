"""Engine fixtures: every contract test runs once per engine."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from engine_corpus import CORPUS, abbreviation_expander, no_labels

from indexer.search.base import IndexDocument, SearchEngine
from indexer.search.vocabulary import Expander

ELASTICSEARCH_URL_VARIABLE = "CVBANK_TEST_ELASTICSEARCH_URL"


@dataclass
class EngineKit:
    """Make engines of one kind, each over its own empty index."""

    name: str
    make: Callable[..., SearchEngine]
    open_reader: Callable[[SearchEngine], SearchEngine]
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def loaded(self, documents: Iterable[IndexDocument] = CORPUS, **kwargs: object) -> SearchEngine:
        """Return a new writing engine holding ``documents``."""
        engine = self.make(**kwargs)
        engine.upsert(list(documents))
        return engine


def _embedded_kit(tmp_path: Path) -> EngineKit:
    from indexer.search.tantivy_engine import TantivyEngine

    counter = iter(range(1_000_000))
    engines: list[TantivyEngine] = []

    def make(expand: Expander = abbreviation_expander) -> SearchEngine:
        engine = TantivyEngine(
            tmp_path / f"index-{next(counter)}",
            writer=True,
            heap_size=15_000_000,
            expand=expand,
            labeller=no_labels,
        )
        engines.append(engine)
        return engine

    def open_reader(engine: SearchEngine) -> SearchEngine:
        assert isinstance(engine, TantivyEngine)
        return TantivyEngine(engine.path, writer=False, expand=engine._expand, labeller=no_labels)

    kit = EngineKit("embedded", make, open_reader)
    kit.cleanups.append(lambda: [e.close() for e in engines])
    return kit


def _elasticsearch_kit() -> EngineKit:
    url = os.environ.get(ELASTICSEARCH_URL_VARIABLE)
    if not url:
        pytest.skip(
            f"{ELASTICSEARCH_URL_VARIABLE} is not set: Elasticsearch contract tests not run"
        )
    from indexer.search.elastic import ElasticsearchEngine

    engines: list[ElasticsearchEngine] = []

    def make(expand: Expander = abbreviation_expander) -> SearchEngine:
        engine = ElasticsearchEngine(
            url,
            index_prefix=f"cvbank-test-{uuid.uuid4().hex[:12]}",
            expand=expand,
            labeller=no_labels,
        )
        engines.append(engine)
        return engine

    def open_reader(engine: SearchEngine) -> SearchEngine:
        assert isinstance(engine, ElasticsearchEngine)
        return ElasticsearchEngine(
            url, index_prefix=engine.index_prefix, expand=engine._expand, labeller=no_labels
        )

    kit = EngineKit("elasticsearch", make, open_reader)
    kit.cleanups.append(lambda: [e.drop_all() for e in engines])
    return kit


@pytest.fixture(params=["embedded", "elasticsearch"])
def kit(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EngineKit]:
    """Yield a maker of engines of each kind."""
    made = _embedded_kit(tmp_path) if request.param == "embedded" else _elasticsearch_kit()
    yield made
    for cleanup in made.cleanups:
        cleanup()


@pytest.fixture
def engine(kit: EngineKit) -> SearchEngine:
    """Return a writing engine loaded with the contract corpus."""
    return kit.loaded()
