"""Employer search: the engine finds candidates, the database decides what may be shown."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from indexer.errors import QuerySyntaxError, SearchUnavailable
from indexer.search.base import Hit, ProfileQuery
from sqlalchemy import select
from sqlalchemy.orm import Session

from cvbank.accounts.models import Organisation, User
from cvbank.cvs.models import AccessAction, Cv
from cvbank.cvs.services import employer_visible_ids, record_access
from cvbank.errors import Forbidden, ServiceUnavailable, ValidationError
from cvbank.runtime import Runtime

log = logging.getLogger(__name__)

MAX_PAGE = 50
MAX_QUERY_LENGTH = 500


@dataclass(frozen=True)
class SearchPage:
    """One page of results an employer may see."""

    query: ProfileQuery
    total: int
    hits: list[tuple[Hit, Cv]]
    facets: dict[str, Any]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def recruiter_organisation(user: User) -> Organisation:
    """Return the organisation a recruiter searches for, with a live subscription."""
    org = user.organisation
    if org is None:
        raise Forbidden("Your account does not belong to an employer organisation.",
                        code="no_organisation")
    if not org.has_subscription:
        raise Forbidden(f"{org.name} has no active subscription to the CV database.",
                        code="no_subscription")
    return org


def make_query(rt: Runtime, *, text: str = "", page: int | str = 1) -> ProfileQuery:
    """Validate a recruiter's search input into a query object."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError("q", f"Keep the search under {MAX_QUERY_LENGTH} characters.",
                              code="query_too_long")
    try:
        page_number = int(page or 1)
    except (TypeError, ValueError):
        raise ValidationError("page", "The page must be a number.", code="invalid_page") from None
    if not 1 <= page_number <= MAX_PAGE:
        raise ValidationError("page", f"The page must be between 1 and {MAX_PAGE}.",
                              code="invalid_page")
    return ProfileQuery(text=text, page=page_number, per_page=rt.settings.search_per_page)


def search_profiles(session: Session, rt: Runtime, recruiter: User, query: ProfileQuery
                    ) -> SearchPage:
    """Search for a recruiter; every hit is re-checked against the database before it is shown."""
    org = recruiter_organisation(recruiter)
    query = dataclasses.replace(query, organisation_id=str(org.id))
    try:
        result = rt.search_engine().search(query)
    except QuerySyntaxError as exc:
        raise ValidationError("q", exc.message, code="bad_query") from exc
    except SearchUnavailable as exc:
        log.error("search engine unavailable: %s", exc)
        raise ServiceUnavailable("Search is unavailable right now. Please try again shortly.",
                                 code="search_unavailable") from exc
    ids = []
    for hit in result.hits:
        try:
            ids.append(uuid.UUID(hit.cv_id))
        except ValueError:
            log.error("index holds a malformed cv id %r", hit.cv_id)
    allowed = employer_visible_ids(session, org, ids)
    cvs = {cv.id: cv for cv in session.scalars(select(Cv).where(Cv.id.in_(allowed)))}
    shown = [(hit, cvs[uuid.UUID(hit.cv_id)]) for hit in result.hits
             if _uuid_or_none(hit.cv_id) in cvs]
    dropped = len(result.hits) - len(shown)
    if dropped:
        # The index lags behind the database (a CV was just hidden, blocked or deleted).
        log.info("search dropped %d stale hit(s) after the database re-check", dropped)
    record_access(session, recruiter, org, [cv for _, cv in shown], AccessAction.APPEARED_IN_SEARCH)
    facets = {name: list(values) for name, values in result.facets.items()}
    return SearchPage(query=query, total=max(0, result.total - dropped), hits=shown,
                      facets=facets)


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
