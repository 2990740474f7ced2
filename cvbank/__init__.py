"""cvbank: a self-hostable CV database for Nordic job boards and recruitment agencies."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from cvbank.runtime import Runtime, build_runtime
from cvbank.settings import Settings, load_settings

csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str | None:
    """Pick the UI language: the user's choice, then the browser's preference."""
    from cvbank.web import current_user, runtime

    locales = runtime().settings.locales
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in locales:
        return str(chosen)
    user = current_user()
    if user is not None and user.locale in locales:
        return user.locale
    return request.accept_languages.best_match(locales) or runtime().settings.default_locale


def create_app(
    config: dict[str, Any] | Settings | None = None, *, runtime: Runtime | None = None
) -> Flask:
    """Assemble the web application."""
    settings = config if isinstance(config, Settings) else load_settings(config)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 64 * 1024,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        WTF_CSRF_TIME_LIMIT=None,  # the session's idle timeout already bounds a form's life
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage,
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_ENABLED=settings.rate_limits_enabled,
        TESTING=settings.env == "testing",
    )
    app.extensions["cvbank"] = runtime or build_runtime(settings)

    from cvbank import web
    from cvbank.accounts import oauth
    from cvbank.accounts.views import bp as accounts_bp
    from cvbank.api.views import bp as api_bp
    from cvbank.cvs.views import bp as cvs_bp
    from cvbank.review.views import bp as review_bp
    from cvbank.search.views import bp as search_bp

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    oauth.init_app(app)
    web.init_app(app)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(cvs_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, never with cookies
    return app
