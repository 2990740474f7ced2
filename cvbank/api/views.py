"""The JSON API under ``/api/v1``: the same services as the pages, authenticated by token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from cvbank import limiter
from cvbank.accounts import services as accounts
from cvbank.accounts.models import Role, User
from cvbank.api.openapi import openapi_document
from cvbank.cvs import profiles
from cvbank.cvs import services as cvs
from cvbank.cvs.models import AccessAction, Cv
from cvbank.errors import Conflict, NotFound, ValidationError
from cvbank.review import services as review
from cvbank.review import texts as review_texts
from cvbank.search import services as search
from cvbank.web import (
    current_user,
    db_session,
    login_required,
    outside_transaction,
    runtime,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _user() -> User:
    user = current_user()
    assert user is not None
    return user


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError(
            "body", "Send a JSON object with Content-Type: application/json.", code="invalid_json"
        )
    return body


def _json_string(field: str, message: str, *, code: str) -> str:
    """Return one text field of the JSON body, or answer 400 with ``message``."""
    value = _json_body().get(field)
    if not isinstance(value, str):
        raise ValidationError(field, message, code=code)
    return value


def _login_limit() -> str:
    return runtime().settings.login_rate_limit


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document(runtime().settings.base_url))


@bp.post("/auth/token")
@limiter.limit(_login_limit)
def create_token() -> Any:
    body = _json_body()
    email, password, otp = body.get("email"), body.get("password"), body.get("otp")
    if not isinstance(email, str) or not isinstance(password, str):
        raise ValidationError(
            "email", "Send 'email' and 'password' as strings.", code="invalid_credentials_body"
        )
    if otp is not None and not isinstance(otp, str):
        raise ValidationError("otp", "Send 'otp' as a string of digits.", code="invalid_otp")
    session = db_session()
    user = accounts.authenticate_for_token(
        session, email, password, otp, require_staff_2fa=runtime().settings.require_staff_2fa
    )
    token = accounts.issue_api_token(session, user, str(body.get("name") or "API"))
    return jsonify(
        token=token,
        token_type="Bearer",  # noqa: S106 - the scheme's name, not a secret
        user_id=str(user.id),
        role=user.role.value,
    ), 201


def cv_json(cv: Cv, content: cvs.VersionContent | None, *, for_owner: bool) -> dict[str, Any]:
    """Describe a CV; employers get the redacted text and profile, nothing about flags or files."""
    version = cv.current_version
    data: dict[str, Any] = {
        "id": str(cv.id),
        "title": cv.title,
        "updated_at": cv.updated_at.isoformat(),
        "language": version.language if version else None,
        "text": None,
        "profile": content.profile if content else None,
    }
    if for_owner:
        data.update(
            state=cv.state.value,
            visibility=cv.visibility.value,
            version=version.number if version else None,
            filename=version.filename if version else None,
            error={"code": version.error_code, "message": version.error_message}
            if version and version.error_code
            else None,
            open_flags=sum(1 for f in content.flags if f.decision.value == "open")
            if content
            else 0,
            text=content.text if content else None,
        )
    elif content is not None:
        data["text"], data["profile"] = content.for_employers()
    return data


@bp.post("/cvs")
@login_required(Role.CANDIDATE)
def upload_cv() -> Any:
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError(
            "file", "Send the CV as multipart/form-data field 'file'.", code="missing_file"
        )
    title = request.form.get("title")
    cv = cvs.upload_cv(
        db_session(), runtime(), _user(), filename=upload.filename, data=upload.read(), title=title
    )
    return jsonify(id=str(cv.id), state=cv.state.value, visibility=cv.visibility.value), 201


@bp.get("/cvs")
@login_required(Role.CANDIDATE)
def list_cvs() -> Any:
    items = [
        {
            "id": str(cv.id),
            "title": cv.title,
            "state": cv.state.value,
            "visibility": cv.visibility.value,
            "updated_at": cv.updated_at.isoformat(),
        }
        for cv in cvs.list_cvs(db_session(), _user())
    ]
    return jsonify(cvs=items)


@bp.get("/cvs/<cv_id>")
@login_required()
def get_cv(cv_id: str) -> Any:
    user, session = _user(), db_session()
    if user.is_candidate:
        cv = cvs.owned_cv(session, user, cv_id)
        return jsonify(cv_json(cv, cvs.version_content(session, runtime(), cv), for_owner=True))
    if user.is_recruiter:
        org = search.recruiter_organisation(user)
        cv = cvs.cv_for_employer(session, org, cv_id)
        cvs.record_access(session, user, org, [cv], AccessAction.VIEW)
        return jsonify(cv_json(cv, cvs.version_content(session, runtime(), cv), for_owner=False))
    raise NotFound("No such CV.")


@bp.put("/cvs/<cv_id>/visibility")
@login_required(Role.CANDIDATE)
def put_visibility(cv_id: str) -> Any:
    visibility = _json_string(
        "visibility", 'Send {"visibility": "visible" | "hidden"}.', code="invalid_visibility"
    )
    session = db_session()
    cv = cvs.owned_cv(session, _user(), cv_id)
    cvs.set_visibility(session, _user(), cv, visibility)
    return jsonify(id=str(cv.id), state=cv.state.value, visibility=cv.visibility.value)


@bp.put("/cvs/<cv_id>/profile")
@login_required(Role.CANDIDATE)
def correct_profile(cv_id: str) -> Any:
    session = db_session()
    cv = cvs.owned_cv(session, _user(), cv_id)
    profiles.correct_profile(session, runtime(), _user(), cv, _json_body())
    content = cvs.version_content(session, runtime(), cv)
    return jsonify(
        profile=content.profile if content else None,
        corrections=content.corrections if content else None,
    )


@bp.get("/cvs/<cv_id>/json-resume")
@login_required(Role.CANDIDATE)
def json_resume(cv_id: str) -> Any:
    from indexer.profile import Profile, to_json_resume

    session = db_session()
    cv = cvs.owned_cv(session, _user(), cv_id)
    content = cvs.version_content(session, runtime(), cv)
    if content is None:
        raise Conflict("The CV has not been read yet.", code="cv_processing")
    return jsonify(to_json_resume(Profile.from_dict(content.profile)))


@bp.delete("/cvs/<cv_id>")
@login_required(Role.CANDIDATE)
def delete_cv(cv_id: str) -> Any:
    session = db_session()
    cv = cvs.owned_cv(session, _user(), cv_id)
    cvs.delete_cv(session, runtime(), _user(), cv)
    return "", 204


def flag_json(reviewed: review.ReviewedFlag, locale: str) -> dict[str, Any]:
    """Describe a flag for its candidate, with the explanation in their language."""
    f = reviewed.flag
    return {
        "id": str(f.id),
        "category": f.category,
        "start": f.start,
        "end": f.end,
        "text": reviewed.text,
        "rule": f.rule,
        "confidence": f.confidence,
        "decision": f.decision.value,
        "can_keep": reviewed.can_keep,
        "decided_at": f.decided_at.isoformat() if f.decided_at else None,
        "explanation": review_texts.explanation(reviewed, locale),
    }


def _locale() -> str:
    user = _user()
    return user.locale or request.accept_languages.best_match(runtime().settings.locales) or "en"


@bp.get("/cvs/<cv_id>/flags")
@login_required(Role.CANDIDATE)
def list_flags(cv_id: str) -> Any:
    session = db_session()
    cv = cvs.owned_cv(session, _user(), cv_id)
    locale = _locale()
    return jsonify(
        state=cv.state.value,
        flags=[flag_json(r, locale) for r in review.flags_of(session, runtime(), cv)],
    )


@bp.post("/cvs/<cv_id>/flags")
@login_required(Role.CANDIDATE)
def remove_passage(cv_id: str) -> Any:
    text = _json_string("text", 'Send {"text": "the passage to remove"}.', code="missing_text")
    session = db_session()
    cv = cvs.owned_cv(session, _user(), cv_id)
    added = {f.id for f in review.remove_passage(session, runtime(), _user(), cv, text)}
    locale = _locale()
    flags = [
        flag_json(r, locale) for r in review.flags_of(session, runtime(), cv) if r.flag.id in added
    ]
    # 200 when every occurrence had already been removed: nothing new was created.
    return jsonify(flags=flags), 201 if flags else 200


@bp.delete("/cvs/<cv_id>/flags/<flag_id>")
@login_required(Role.CANDIDATE)
def restore_passage(cv_id: str, flag_id: str) -> Any:
    session = db_session()
    cv = cvs.owned_cv(session, _user(), cv_id)
    review.restore_passage(session, _user(), cv, flag_id)
    return "", 204


@bp.post("/cvs/<cv_id>/flags/<flag_id>")
@login_required(Role.CANDIDATE)
def decide_flag(cv_id: str, flag_id: str) -> Any:
    decision = _json_string(
        "decision", 'Send {"decision": "remove" | "keep"}.', code="invalid_decision"
    )
    session = db_session()
    cv = cvs.owned_cv(session, _user(), cv_id)
    flag = review.resolve_flag(session, _user(), cv, flag_id, decision)
    reviewed = next(r for r in review.flags_of(session, runtime(), cv) if r.flag.id == flag.id)
    return jsonify(flag=flag_json(reviewed, _locale()), state=cv.state.value)


@bp.get("/blocks")
@login_required(Role.CANDIDATE)
def list_blocks() -> Any:
    orgs = cvs.list_blocks(db_session(), _user())
    return jsonify(blocks=[{"organisation_id": str(o.id), "name": o.name} for o in orgs])


@bp.post("/blocks")
@login_required(Role.CANDIDATE)
def create_block() -> Any:
    organisation_id = _json_string(
        "organisation_id", 'Send {"organisation_id": "..."}.', code="invalid_organisation"
    )
    org = cvs.block_organisation(db_session(), _user(), organisation_id)
    return jsonify(organisation_id=str(org.id), name=org.name), 201


@bp.delete("/blocks/<organisation_id>")
@login_required(Role.CANDIDATE)
def delete_block(organisation_id: str) -> Any:
    cvs.unblock_organisation(db_session(), _user(), organisation_id)
    return "", 204


@bp.get("/organisations")
@login_required(Role.CANDIDATE)
def find_organisations() -> Any:
    orgs = cvs.find_organisations(db_session(), request.args.get("q", ""))
    return jsonify(organisations=[{"id": str(o.id), "name": o.name} for o in orgs])


def _search_limit() -> str:
    return runtime().settings.search_rate_limit


@bp.get("/search")
@login_required(Role.RECRUITER)
@limiter.limit(_search_limit)
def search_cvs() -> Any:
    query = search.make_query(runtime(), request.args)
    if not search.has_criteria(query):
        raise ValidationError(
            "q", "Give a search text in 'q' or at least one filter.", code="missing_query"
        )
    org = search.recruiter_organisation(_user())
    with outside_transaction():
        answer = search.run_query(runtime(), org, query)
    page = search.visible_page(db_session(), _user(), org, answer)
    return jsonify(
        total=page.total,
        page=query.page,
        per_page=query.per_page,
        hits=[
            {
                "cv_id": hit.cv_id,
                "score": hit.score,
                "snippets": list(hit.snippets),
                "title": cv.title,
                "updated_at": cv.updated_at.isoformat(),
            }
            for hit, cv in page.hits
        ],
        facets={
            name: [{"value": v, "count": c} for v, c in values]
            for name, values in page.facets.items()
        },
    )
