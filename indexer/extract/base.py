"""Limits and results shared by every extractor."""

from dataclasses import asdict, dataclass
from typing import Any

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
RTF = "application/rtf"
TEXT = "text/plain"

SUPPORTED_MIMES: frozenset[str] = frozenset({PDF, DOCX, ODT, RTF, TEXT})


# What the loader and C++ runtimes say when RLIMIT_AS stops them: mapping a shared library
# (pdfium, cryptography, ICU for Tesseract) or a failed new/malloc.
_OUT_OF_MEMORY_HINTS = (
    "failed to map segment",
    "cannot allocate memory",
    "bad_alloc",
    "out of memory",
    "memoryerror",
)


def looks_out_of_memory(message: str) -> bool:
    """Tell whether an error message means the memory limit was reached."""
    lowered = message.lower()
    return any(hint in lowered for hint in _OUT_OF_MEMORY_HINTS)


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one untrusted file may cost."""

    max_bytes: int = 10 * 1024 * 1024
    max_pages: int = 50
    cpu_seconds: int = 20
    memory_mb: int = 512
    wall_seconds: float = 30.0
    zip_max_entries: int = 1000
    zip_max_uncompressed: int = 50 * 1024 * 1024
    zip_max_ratio: int = 100

    def to_dict(self) -> dict[str, Any]:
        """Return the limits as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Limits":
        """Build limits from :meth:`to_dict` output."""
        return cls(**data)


@dataclass(frozen=True)
class Extraction:
    """The normalised text of one file and how it was obtained."""

    text: str
    mime: str
    pages: int | None
    method: str

    def to_dict(self) -> dict[str, Any]:
        """Return the extraction as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Extraction":
        """Build an extraction from :meth:`to_dict` output."""
        return cls(
            text=str(data["text"]),
            mime=str(data["mime"]),
            pages=None if data["pages"] is None else int(data["pages"]),
            method=str(data["method"]),
        )
