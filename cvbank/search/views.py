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
from indexer.search.common import YEARS_BANDS

bp = Blueprint("search", __name__)

# Facet name in the engine's result → the request argument that filters on it.
FACET_ARGS = {"skills": "skill", "location": "loc", "languages": "lang", "years": "min_years"}


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
        low, high = next((lo, hi) for band, lo, hi in YEARS_BANDS if band == value)
        return url_for("search.search", **_args_with(min_years=_years(low), max_years=_years(high)))
    return url_for("search.search", **_args_with(**{arg: [*request.args.getlist(arg), value]}))


def _years(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


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
        return years_label(value)
    return value


def years_label(band: str) -> str:
    """Say which whole years a band holds ("6–9 years"; the engine's key is "6-10")."""
    low, high = next(((lo, hi) for key, lo, hi in YEARS_BANDS if key == band), (None, None))
    if high is None:
        return _("%(low)s+ years", low=f"{low or 0:g}")
    return _("%(low)s–%(high)s years", low=f"{low or 0:g}", high=f"{high - 1:g}")


def filter_chips() -> list[tuple[str, str]]:
    """Return the active filters as (label, URL without it), for the removable chips."""
    args = request.args
    chips = []
    low, high = args.get("min_years"), args.get("max_years")
    if low and high:  # a years band: one chip that removes both ends
        label = _("%(low)s–%(high)s years", low=low, high=f"{float(high) - 1:g}")  # as the facet
        chips.append(
            (label, url_for("search.search", **_args_with(min_years=None, max_years=None)))
        )
    elif low:
        chips.append((_("≥ %(years)s years", years=low), without_url("min_years")))
    elif high:
        chips.append((_("under %(years)s years", years=high), without_url("max_years")))
    labels = {
        "skill": lambda v: facet_label("skills", v),
        "lang": lambda v: facet_label("languages", v),
        "loc": lambda v: v,
        "cv_lang": lambda v: v,
        "near": lambda v: _("within %(km)s km of %(place)s", km=args.get("radius") or 25, place=v),
        "updated_within": lambda v: _("updated within %(days)s days", days=v),
    }
    for arg, label_of in labels.items():
        chips += [
            (label_of(value), without_url(arg, value)) for value in args.getlist(arg) if value
        ]
    return chips


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
    active = filter_chips()
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
    text, profile = content.for_employers() if content else ("", {})
    return render_template(
        "search/cv.html",
        cv=cv,
        text=text,
        profile=profile,
        q=request.args.get("q", ""),
    )
