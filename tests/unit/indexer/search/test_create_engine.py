"""Choosing an engine by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.search import create_engine
from indexer.search.elastic import ElasticsearchEngine
from indexer.search.tantivy_engine import TantivyEngine


def test_embedded_engine_is_tantivy_at_the_path(tmp_path: Path) -> None:
    engine = create_engine("embedded", writer=True, path=str(tmp_path), heap_size=15_000_000)
    assert isinstance(engine, TantivyEngine)
    assert engine.path == tmp_path
    assert engine.is_writer
    engine.close()


def test_elasticsearch_engine_takes_its_connection_settings() -> None:
    engine = create_engine(
        "elasticsearch", writer=True, url="http://127.0.0.1:9", index_prefix="acme", timeout=1
    )
    assert isinstance(engine, ElasticsearchEngine)
    assert engine.alias == "acme-cvs"
    engine.close()


def test_unknown_engine_names_the_choices() -> None:
    with pytest.raises(ValueError, match="embedded, elasticsearch"):
        create_engine("solr")
