"""The recruiter's pages: search the CV database and open a CV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from cvbank import limiter
from cvbank.accounts.models import Role
from cvbank.cvs import services as cv_services
from cvbank.cvs.models import AccessAction
from cvbank.errors import CvbankError
from cvbank.search import services
from cvbank.web import current_user, db_session, login_required, runtime

bp = Blueprint("search", __name__)


def _search_limit() -> str:
    return runtime().settings.search_rate_limit


@bp.get("/search")
@login_required(Role.RECRUITER)
@limiter.limit(_search_limit)
def search() -> Any:
    user = current_user()
    assert user is not None
    org = services.recruiter_organisation(user)
    text = request.args.get("q", "")
    page = None
    error = None
    if text.strip():
        try:
            query = services.make_query(runtime(), text=text, page=request.args.get("page", 1))
            page = services.search_profiles(db_session(), runtime(), user, query)
        except CvbankError as exc:
            if exc.status == 503:
                raise
            error = exc.message if exc.code != "invalid_page" else _("That page does not exist.")
    status = 400 if error else 200
    return render_template("search/search.html", q=text, page=page, error=error,
                           organisation=org), status


@bp.get("/cv/<cv_id>")
@login_required(Role.RECRUITER)
def view_cv(cv_id: str) -> Any:
    user = current_user()
    assert user is not None
    org = services.recruiter_organisation(user)
    session = db_session()
    cv = cv_services.cv_for_employer(session, org, cv_id)
    content = cv_services.version_content(session, runtime(), cv)
    cv_services.record_access(session, user, org, [cv], AccessAction.VIEW)
    text = cv_services.employer_text(content) if content else ""
    return render_template("search/cv.html", cv=cv, text=text,
                           profile=content.profile if content else {},
                           q=request.args.get("q", ""))
