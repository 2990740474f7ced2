"""Pages for signing up, in and out, and choosing the language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from cvbank import limiter
from cvbank.accounts import services
from cvbank.accounts.forms import SignInForm, SignUpForm
from cvbank.errors import CvbankError
from cvbank.web import current_user, db_session, runtime, sign_in, sign_out

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    return target


def home_for(user: Any) -> str:
    """Return where a user lands after signing in."""
    if user.is_recruiter:
        return url_for("search.search")
    return url_for("cvs.my_cvs")


@bp.get("/")
def index() -> Any:
    user = current_user()
    if user is not None:
        return redirect(home_for(user))
    return render_template("index.html")


def _login_limit() -> str:
    return runtime().settings.login_rate_limit


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def signup() -> Any:
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = services.sign_up_candidate(
                db_session(), runtime().sealer, email=form.email.data or "",
                password=form.password.data or "", name=form.name.data or "",
                accepted_policy=bool(form.accept_policy.data), locale=session.get("lang"),
            )
        except CvbankError as exc:
            field = getattr(form, exc.details.get("field", "email"), form.email)
            field.errors = [*field.errors, _message(exc)]
        else:
            sign_in(user)
            flash(_("Welcome to cvbank! Upload your CV to get started."), "success")
            return redirect(url_for("cvs.my_cvs"))
    return render_template("accounts/signup.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Any:
    form = SignInForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(db_session(), form.email.data or "",
                                         form.password.data or "")
        except CvbankError as exc:
            error = _message(exc)
        else:
            sign_in(user)
            return redirect(safe_next(form.next.data, home_for(user)))
    status = 401 if error else (400 if form.errors else 200)
    return render_template("accounts/login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> Any:
    sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.index"))


@bp.get("/language/<code>")
def set_language(code: str) -> Any:
    if code in runtime().settings.locales:
        session["lang"] = code
        user = current_user()
        if user is not None:
            user.locale = code
    return redirect(safe_next(request.args.get("next"), url_for("accounts.index")))


def _message(exc: CvbankError) -> str:
    """Translate the domain errors a person meets on these pages."""
    messages = {
        "bad_credentials": _("Wrong email or password."),
        "account_inactive": _("This account cannot sign in."),
        "email_taken": _("An account with this email already exists."),
        "invalid_email": _("Enter a valid email address."),
        "weak_password": _("Use at least 10 characters."),
        "policy_not_accepted": _("Please accept the privacy policy to continue."),
    }
    return messages.get(exc.code, exc.message)
