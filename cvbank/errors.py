"""Domain errors, mapped to HTTP status codes and messages in one place (``cvbank.web``)."""

from __future__ import annotations

from typing import Any


class CvbankError(Exception):
    """Root of every error cvbank raises on purpose."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class ValidationError(CvbankError):
    """Input was rejected; ``field`` names what was wrong."""

    status = 400
    code = "invalid"

    def __init__(self, field: str, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code, field=field)
        self.field = field


class NotFound(CvbankError):
    """The thing does not exist, or the caller may not know that it does."""

    status = 404
    code = "not_found"


class Forbidden(CvbankError):
    """The caller is known but may not do this."""

    status = 403
    code = "forbidden"


class Unauthorized(CvbankError):
    """The caller must sign in first."""

    status = 401
    code = "unauthorized"


class Conflict(CvbankError):
    """The request clashes with the current state (e.g. publishing with open flags)."""

    status = 409
    code = "conflict"


class UnsupportedFile(CvbankError):
    """An upload is not a format cvbank reads."""

    status = 415
    code = "unsupported_format"


class FileTooLarge(CvbankError):
    """An upload exceeds the size limit."""

    status = 413
    code = "too_large"


class ServiceUnavailable(CvbankError):
    """A dependency (the search engine) cannot answer now."""

    status = 503
    code = "unavailable"
