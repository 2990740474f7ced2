"""The candidate's review page: each sensitive passage highlighted, with remove or keep."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from cvbank.accounts.models import Role
from cvbank.cvs import services as cv_services
from cvbank.errors import CvbankError
from cvbank.review import services
from cvbank.web import current_user, db_session, login_required, runtime
from indexer.flags import category_label, explain

bp = Blueprint("review", __name__, url_prefix="/my")


def _locale() -> str:
    return str(get_locale() or "en")


@bp.get("/cvs/<cv_id>/review")
@login_required(Role.CANDIDATE)
def review(cv_id: str) -> Any:
    user = current_user()
    assert user is not None
    session = db_session()
    cv = cv_services.owned_cv(session, user, cv_id)
    content = cv_services.version_content(session, runtime(), cv)
    flags = services.flags_of(session, runtime(), cv)
    groups: dict[str, list[services.ReviewedFlag]] = {}
    for reviewed in flags:
        groups.setdefault(reviewed.flag.category, []).append(reviewed)
    locale = _locale()
    return render_template(
        "review/review.html",
        cv=cv,
        groups=groups,
        segments=services.segments(content.text, flags) if content else [],
        label=lambda category: category_label(category, locale),
        explain=lambda reviewed: explain(_as_flag(reviewed), locale),
    )


def _as_flag(reviewed: services.ReviewedFlag) -> Any:
    from indexer.flags import Flag

    f = reviewed.flag
    return Flag(f.category, f.start, f.end, reviewed.text, f.rule, f.confidence)


@bp.post("/cvs/<cv_id>/flags/<flag_id>")
@login_required(Role.CANDIDATE)
def decide(cv_id: str, flag_id: str) -> Any:
    user = current_user()
    assert user is not None
    session = db_session()
    cv = cv_services.owned_cv(session, user, cv_id)
    decision = request.form.get("decision", "")
    if decision == "keep" and request.form.get("consent") != "yes":
        flash(
            _("To keep this passage, tick the box to confirm that you understand who can read it."),
            "error",
        )
        return redirect(url_for("review.review", cv_id=cv.id, _anchor=f"flag-{flag_id}")), 303
    try:
        services.resolve_flag(session, user, cv, flag_id, decision)
    except CvbankError as exc:
        if exc.status == 404:
            raise
        messages = {"cannot_keep": _("A national identity number can only be removed.")}
        flash(messages.get(exc.code, exc.message), "error")
        return redirect(url_for("review.review", cv_id=cv.id)), 303
    if cv.state.value == "ready":
        flash(_("Every flag is resolved. You can now publish your CV."), "success")
    return redirect(url_for("review.review", cv_id=cv.id)), 303
