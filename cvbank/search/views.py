"""The recruiter's pages: search the CV database with filters and facets, and open a CV."""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from cvbank import limiter
from cvbank.accounts.models import Role
from cvbank.cvs import services as cv_services
from cvbank.cvs.models import AccessAction
from cvbank.errors import CvbankError
from cvbank.search import services
from cvbank.web import (
    current_user,
    db_session,
    login_required,
    outside_transaction,
    runtime,
)

bp = Blueprint("search", __name__)

# Facet name in the engine's result → the request argument that filters on it.
FACET_ARGS = {"skills": "skill", "location": "loc", "languages": "lang", "years": "min_years"}
FILTER_ARGS = (
    "skill",
    "loc",
    "lang",
    "min_years",
    "near",
    "radius",
    "cv_lang",
    "updated_within",
    "sort",
)


def _search_limit() -> str:
    return runtime().settings.search_rate_limit


def _args_with(**changes: Any) -> dict[str, Any]:
    args = MultiDict(request.args)
    args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        elif isinstance(value, list):
            args.setlist(key, value)
        else:
            args[key] = value
    return args.to_dict(flat=False)


def facet_url(facet: str, value: str) -> str:
    """Return the search URL with one more filter from a facet value."""
    arg = FACET_ARGS[facet]
    if arg == "min_years":
        return url_for("search.search", **_args_with(min_years=value.split("-")[0].rstrip("+")))
    return url_for("search.search", **_args_with(**{arg: [*request.args.getlist(arg), value]}))


def without_url(arg: str, value: str | None = None) -> str:
    """Return the search URL with one filter (or one value of it) removed."""
    if value is None:
        return url_for("search.search", **_args_with(**{arg: None}))
    rest = [v for v in request.args.getlist(arg) if v != value]
    return url_for("search.search", **_args_with(**{arg: rest}))


def page_url(page: int) -> str:
    """Return the search URL of another result page."""
    return url_for("search.search", **{**_args_with(), "page": page})


def facet_label(facet: str, value: str) -> str:
    """Return a facet value in words the recruiter reads."""
    locale = str(get_locale() or "en")
    if facet == "skills":
        from indexer.taxonomy import Taxonomy

        try:
            return Taxonomy.load().label(value, locale)
        except KeyError:
            return value
    if facet == "languages":
        return Locale.parse(locale).languages.get(value, value).capitalize()
    if facet == "years":
        return _("%(band)s years", band=value.replace("-", "–"))
    return value


@bp.get("/search")
@login_required(Role.RECRUITER)
@limiter.limit(_search_limit)
def search() -> Any:
    user = current_user()
    assert user is not None
    org = services.recruiter_organisation(user)
    page = None
    error = None
    try:
        query = services.make_query(runtime(), request.args)
        if services.has_criteria(query):
            with outside_transaction():
                answer = services.run_query(runtime(), org, query)
            page = services.visible_page(db_session(), user, org, answer)
    except CvbankError as exc:
        if exc.status == 503:
            raise
        error = exc.message
    active = [
        (arg, value)
        for arg in FILTER_ARGS
        for value in request.args.getlist(arg)
        if value and arg not in ("sort", "radius")
    ]
    return render_template(
        "search/search.html",
        q=request.args.get("q", ""),
        page=page,
        error=error,
        organisation=org,
        args=request.args,
        active=active,
        facet_url=facet_url,
        facet_label=facet_label,
        without_url=without_url,
        page_url=page_url,
    ), 400 if error else 200


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
    return render_template(
        "search/cv.html",
        cv=cv,
        text=text,
        profile=content.profile if content else {},
        q=request.args.get("q", ""),
    )
