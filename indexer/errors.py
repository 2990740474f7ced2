"""Errors raised by the indexer library."""


class IndexerError(Exception):
    """Root of every error the indexer raises on purpose."""

    code = "indexer_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class UnsupportedFile(IndexerError):
    """The bytes are not a format cvbank reads (or are empty, or too large)."""

    code = "unsupported_format"


class ParseError(IndexerError):
    """The file claims a supported format but cannot be read safely."""

    code = "corrupt_file"


class SearchUnavailable(IndexerError):
    """The search engine cannot answer right now."""

    code = "search_unavailable"


class QuerySyntaxError(IndexerError):
    """A recruiter's query cannot be understood."""

    code = "bad_query"
