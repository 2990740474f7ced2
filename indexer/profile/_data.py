"""Load the word lists the profile parser reads from `indexer/data/profile/`."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """Return the parsed JSON data file *name* (without extension)."""
    path = resources.files("indexer").joinpath("data", "profile", f"{name}.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
