"""The candidate's review page: each sensitive passage highlighted, with remove or keep."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from cvbank.accounts.models import Role
from cvbank.cvs import services as cv_services
from cvbank.errors import CvbankError
from cvbank.review import services, texts
from cvbank.web import current_user, db_session, login_required, runtime

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
        label=lambda category: texts.label(category, locale),
        explain=lambda reviewed: texts.explanation(reviewed, locale),
        max_passage=services.MAX_PASSAGE_CHARS,
    )


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


@bp.post("/cvs/<cv_id>/passages")
@login_required(Role.CANDIDATE)
def remove_passage(cv_id: str) -> Any:
    user = current_user()
    assert user is not None
    session = db_session()
    cv = cv_services.owned_cv(session, user, cv_id)
    try:
        removed = services.remove_passage(
            session, runtime(), user, cv, request.form.get("text", "")
        )
    except CvbankError as exc:
        if exc.status == 404:
            raise
        messages = {
            "missing_text": _("Paste the passage you want to remove."),
            "text_too_long": _(
                "A passage can be at most %(n)d characters.", n=services.MAX_PASSAGE_CHARS
            ),
            "passage_not_found": _(
                "That passage is not in your CV's text. Copy it from the text on this page."
            ),
            "cv_processing": _("Your CV is still being read. Try again in a moment."),
        }
        flash(messages.get(exc.code, exc.message), "error")
        return redirect(url_for("review.review", cv_id=cv.id, _anchor="remove-passage")), 303
    flash(
        ngettext(
            "Removed from what employers see and from search (%(num)d place in your CV).",
            "Removed from what employers see and from search (%(num)d places in your CV).",
            len(removed),
        )
        if removed
        else _("That passage was already removed."),
        "success",
    )
    return redirect(url_for("review.review", cv_id=cv.id)), 303


@bp.post("/cvs/<cv_id>/passages/<flag_id>/restore")
@login_required(Role.CANDIDATE)
def restore_passage(cv_id: str, flag_id: str) -> Any:
    user = current_user()
    assert user is not None
    session = db_session()
    cv = cv_services.owned_cv(session, user, cv_id)
    services.restore_passage(session, user, cv, flag_id)
    flash(_("The passage is shown to employers again."), "success")
    return redirect(url_for("review.review", cv_id=cv.id)), 303
