"""The LibreOffice copies in the corpus expect exactly what their source CVs expect."""

from __future__ import annotations

import json
from pathlib import Path

CVS = Path(__file__).parents[2] / "fixtures" / "cvs"


def test_libreoffice_copies_expect_what_their_sources_expect() -> None:
    entries = json.loads((CVS / "manifest.json").read_text())["cvs"]
    copies = [e for e in entries if e.get("producer") == "libreoffice"]
    assert copies, "the corpus has LibreOffice-produced PDFs"
    for copy in copies:
        source = copy["expected"].replace("-lo.expected.json", ".expected.json")
        assert (CVS / copy["expected"]).read_bytes() == (CVS / source).read_bytes(), copy["file"]
