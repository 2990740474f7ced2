"""Request plumbing shared by every view: the session, the signed-in user, errors, locale."""

from __future__ import annotations

import functools
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    session,
)
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from markupsafe import Markup, escape
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from cvbank.accounts.models import Role, User, UserStatus
from cvbank.db import commit, rollback, utcnow
from cvbank.errors import CvbankError, Forbidden, Unauthorized
from cvbank.runtime import Runtime

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def runtime() -> Runtime:
    """Return the app's runtime (database, storage, engines, mailer)."""
    return cast(Runtime, current_app.extensions["cvbank"])


def db_session() -> Session:
    """Return this request's database session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = runtime().db.sessionmaker()
    return cast(Session, g.db_session)


@contextmanager
def outside_transaction() -> Iterator[None]:
    """Commit the request's work so far, so that the block holds no database lock.

    For slow calls to other systems (the search engine): on SQLite a transaction holds the one
    write lock, and on PostgreSQL an idle transaction holds a connection and its snapshot. What
    the request does afterwards runs in a new transaction, committed as usual at the end.
    """
    db = g.get("db_session")
    if db is not None and db.in_transaction():
        commit(db)
    yield


def is_api_request() -> bool:
    """Return whether the request is for the JSON API."""
    return request.path.startswith("/api/")


def current_user() -> User | None:
    """Return the signed-in user of this request, if any."""
    return cast(User | None, g.get("user"))


def sign_in(user: User) -> None:
    """Start a fresh session for ``user`` (a new session, so a planted one is useless)."""
    session.clear()
    session.permanent = True
    session["uid"] = str(user.id)
    session["epoch"] = user.session_epoch
    session["seen"] = utcnow().isoformat()
    g.user = user


def sign_out() -> None:
    """End this browser's session."""
    session.clear()
    g.user = None


def _load_session_user() -> None:
    g.user = None
    uid = session.get("uid")
    if not uid:
        return
    idle = timedelta(minutes=runtime().settings.session_idle_minutes)
    try:
        seen = datetime.fromisoformat(session.get("seen", ""))
        user = db_session().get(User, uuid.UUID(uid))
    except ValueError:
        session.clear()
        return
    if (
        user is None
        or user.status is not UserStatus.ACTIVE
        or session.get("epoch") != user.session_epoch
        or utcnow() - seen > idle
    ):
        session.clear()
        g.session_expired = user is not None
        return
    now = utcnow()
    session["seen"] = now.isoformat()
    if now - user.last_active_at > timedelta(hours=1):
        user.last_active_at = now
    g.user = user


def _load_token_user() -> None:
    from cvbank.accounts.services import user_for_token

    g.user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.user = user_for_token(db_session(), header.removeprefix("Bearer ").strip())


def login_required(*roles: Role) -> Callable[[F], F]:
    """Require a signed-in user, with one of ``roles`` if any are given."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                raise Unauthorized(_("Please sign in to continue."), code="unauthorized")
            if roles and user.role not in roles:
                raise Forbidden(_("Your account cannot do this."), code="forbidden")
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def _finish(response: Response) -> Response:
    db = g.get("db_session")
    if db is not None:
        # One transaction per request: commit what succeeded, roll back what answered an error.
        if response.status_code < 400:
            commit(db)
        else:
            rollback(db)
    return response


def _teardown(exc: BaseException | None) -> None:
    db = g.pop("db_session", None)
    if db is not None:
        if exc is not None or db.in_transaction():
            rollback(db)
        db.close()


def error_response(status: int, code: str, message: str, **details: Any) -> Any:
    """Answer an error as JSON for the API and as a page for people."""
    if is_api_request():
        body: dict[str, Any] = {"code": code, "message": message}
        if details:
            body.update(details)
        return jsonify(error=body), status
    return render_template("error.html", status=status, code=code, message=message), status


def _handle_domain_error(exc: CvbankError) -> Any:
    if isinstance(exc, Unauthorized) and not is_api_request() and exc.code == "unauthorized":
        from flask import redirect, url_for

        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    return error_response(exc.status, exc.code, exc.message, **_jsonable(exc.details))


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if isinstance(v, str | int | float | list | dict)}


def _handle_http_error(exc: HTTPException) -> Any:
    code = (exc.name or "error").lower().replace(" ", "_")
    messages = {
        404: _("This page does not exist."),
        405: _("This method is not allowed here."),
        413: _("The upload is too large."),
    }
    status = exc.code or 500
    message = messages.get(status, exc.description or _("Something went wrong."))
    if status == 400 and "CSRF" in (exc.description or ""):
        code, message = "csrf", _("The form expired. Please go back, reload and try again.")
    return error_response(status, code, message)


def _handle_rate_limited(exc: RateLimitExceeded) -> Any:
    """Answer a rate limit with how long to wait, as a page or as JSON."""
    from cvbank import limiter

    current = limiter.current_limit
    seconds = max(1, int(current.reset_at - time.time())) if current else 60
    message = _("Too many attempts. Try again in %(seconds)d seconds.", seconds=seconds)
    response = make_response(error_response(429, "rate_limited", message, retry_after=seconds))
    response.headers["Retry-After"] = str(seconds)
    return response


def _handle_unexpected(exc: Exception) -> Any:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", _("Something went wrong on our side."))


def highlight(text: str, query: str) -> Markup:
    """Escape ``text`` and wrap the query's words in ``<mark>`` (for the CV page)."""
    escaped = str(escape(text))
    words = {w.strip('"*()').lower() for w in (query or "").split()}
    words = {
        w for w in words if len(w) >= 2 and w not in ("or", "and", "not") and not w.startswith("-")
    }
    if not words:
        return Markup(escaped)  # noqa: S704 - escaped just above
    alternatives = "|".join(re.escape(str(escape(w))) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)({alternatives})\w*", re.IGNORECASE)
    # Only the escaped text and our own <mark> tags go in.
    return Markup(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S704


def init_app(app: Flask) -> None:
    """Register the request hooks and error handlers."""

    @app.before_request
    def _authenticate() -> None:
        if is_api_request() and "Authorization" in request.headers:
            _load_token_user()
        else:
            _load_session_user()

    app.after_request(_finish)
    app.teardown_request(_teardown)
    app.register_error_handler(CvbankError, _handle_domain_error)
    app.register_error_handler(RateLimitExceeded, _handle_rate_limited)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
    app.add_template_filter(highlight, "highlight")

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        return {
            "current_user": current_user(),
            "locales": runtime().settings.locales,
            "get_locale": get_locale,
            "format_date": format_date,
            "format_datetime": format_datetime,
            "session_expired": g.get("session_expired", False),
        }
