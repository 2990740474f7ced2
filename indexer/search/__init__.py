"""Search engines behind one interface, chosen by name in the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexer.search.base import SearchEngine

ENGINE_NAMES = ("embedded", "elasticsearch")


def create_engine(name: str, *, writer: bool = False, **settings: Any) -> SearchEngine:
    """Return the engine called ``name``: "embedded" (Tantivy) or "elasticsearch".

    ``writer`` matters to the embedded engine only, where exactly one process (the worker)
    writes; Elasticsearch takes writes from anyone. The remaining settings go to the engine's
    constructor: ``path`` for "embedded"; ``url``, ``index_prefix``, ``username``, ``password``,
    ``ca_file``, ``timeout`` and ``retries`` for "elasticsearch".
    """
    if name == "embedded":
        from indexer.search.tantivy_engine import TantivyEngine

        return TantivyEngine(Path(settings.pop("path")), writer=writer, **settings)
    if name == "elasticsearch":
        from indexer.search.elastic import ElasticsearchEngine

        return ElasticsearchEngine(settings.pop("url"), **settings)
    raise ValueError(f"Unknown search engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}.")
