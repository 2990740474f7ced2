"""The job seeker's pages: their CVs, uploads, visibility, and who looked at them."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from cvbank.accounts.models import Role
from cvbank.cvs import profiles, services
from cvbank.cvs.forms import UploadForm, VisibilityForm
from cvbank.errors import CvbankError
from cvbank.web import current_user, db_session, login_required, runtime

bp = Blueprint("cvs", __name__, url_prefix="/my")


def upload_error_message(exc: CvbankError) -> str:
    """Say in the user's language why an upload or a parse failed."""
    max_mb = runtime().settings.max_upload_mb
    messages = {
        "empty_file": _("The file is empty."),
        "too_large": _("The file is larger than %(max)s MB.", max=max_mb),
        "unsupported_format": _(
            "This is not a PDF or Word (DOCX) file. Please upload your CV as PDF or DOCX."
        ),
    }
    return messages.get(exc.code, exc.message)


def _user() -> Any:
    user = current_user()
    assert user is not None
    return user


@bp.get("/cvs")
@login_required(Role.CANDIDATE)
def my_cvs() -> Any:
    cvs = services.list_cvs(db_session(), _user())
    return render_template("cvs/list.html", cvs=cvs, form=UploadForm())


@bp.post("/cvs")
@login_required(Role.CANDIDATE)
def upload() -> Any:
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            cv = services.upload_cv(
                db_session(),
                runtime(),
                _user(),
                filename=upload.filename,
                data=upload.read(),
                title=form.title.data,
            )
        except CvbankError as exc:
            form.file.errors = [*form.file.errors, upload_error_message(exc)]
            status = exc.status
        else:
            flash(
                _(
                    "Your CV was uploaded. We are reading it now; it stays hidden until you "
                    "publish it."
                ),
                "success",
            )
            return redirect(url_for("cvs.detail", cv_id=cv.id))
    else:
        status = 400
    cvs = services.list_cvs(db_session(), _user())
    return render_template("cvs/list.html", cvs=cvs, form=form), status


@bp.get("/cvs/<cv_id>")
@login_required(Role.CANDIDATE)
def detail(cv_id: str) -> Any:
    session = db_session()
    cv = services.owned_cv(session, _user(), cv_id)
    content = services.version_content(session, runtime(), cv)
    open_flags = services.open_flags(session, cv.current_version_id)
    return render_template(
        "cvs/detail.html",
        cv=cv,
        version=cv.current_version,
        content=content,
        open_flags=open_flags,
        form=VisibilityForm(),
        error_message=_parse_error(cv),
    )


def _parse_error(cv: Any) -> str | None:
    version = cv.current_version
    if version is None or version.error_code is None:
        return None
    messages = {
        "no_text_layer": _(
            "This PDF has no text layer (it looks scanned). Please upload a PDF "
            "saved from your word processor, or a DOCX file."
        ),
        "encrypted": _("This file is password-protected. Please upload an unprotected copy."),
        "too_many_pages": _("This file has too many pages for a CV."),
        "timeout": _("Reading this file took too long. Please save it again and re-upload."),
    }
    return messages.get(
        version.error_code,
        _("We could not read this file: %(reason)s", reason=version.error_message),
    )


@bp.post("/cvs/<cv_id>/visibility")
@login_required(Role.CANDIDATE)
def change_visibility(cv_id: str) -> Any:
    session = db_session()
    cv = services.owned_cv(session, _user(), cv_id)
    form = VisibilityForm()
    if not form.validate_on_submit():
        flash(_("Choose visible or hidden."), "error")
        return redirect(url_for("cvs.detail", cv_id=cv.id)), 303
    try:
        services.set_visibility(session, _user(), cv, form.visibility.data or "")
    except CvbankError as exc:
        messages = {
            "open_flags": _("Resolve every sensitive-content flag before publishing."),
            "cv_processing": _("The CV is still being read. Try again in a moment."),
            "cv_failed": _("The CV could not be read, so it cannot be published."),
        }
        flash(messages.get(exc.code, exc.message), "error")
        return redirect(url_for("cvs.detail", cv_id=cv.id)), 303
    if cv.visibility.value == "visible":
        flash(_("Your CV is now visible to employers searching the CV database."), "success")
    else:
        flash(_("Your CV is now hidden. Employers can no longer find or open it."), "success")
    return redirect(url_for("cvs.detail", cv_id=cv.id)), 303


@bp.post("/cvs/<cv_id>/delete")
@login_required(Role.CANDIDATE)
def delete(cv_id: str) -> Any:
    session = db_session()
    cv = services.owned_cv(session, _user(), cv_id)
    services.delete_cv(session, runtime(), _user(), cv)
    flash(_("The CV and its files were deleted."), "success")
    return redirect(url_for("cvs.my_cvs")), 303


@bp.get("/access")
@login_required(Role.CANDIDATE)
def access_log() -> Any:
    events = services.access_log(db_session(), _user())
    return render_template("cvs/access.html", events=events)


@bp.get("/blocks")
@login_required(Role.CANDIDATE)
def blocks() -> Any:
    session = db_session()
    found = services.find_organisations(session, request.args.get("q", ""))
    blocked = services.list_blocks(session, _user())
    blocked_ids = {org.id for org in blocked}
    return render_template(
        "cvs/blocks.html",
        blocked=blocked,
        q=request.args.get("q", ""),
        found=[org for org in found if org.id not in blocked_ids],
    )


@bp.post("/blocks")
@login_required(Role.CANDIDATE)
def block() -> Any:
    org = services.block_organisation(
        db_session(), _user(), request.form.get("organisation_id", "")
    )
    flash(_("%(org)s can no longer find or open your CVs.", org=org.name), "success")
    return redirect(url_for("cvs.blocks")), 303


@bp.post("/blocks/<organisation_id>/delete")
@login_required(Role.CANDIDATE)
def unblock(organisation_id: str) -> Any:
    services.unblock_organisation(db_session(), _user(), organisation_id)
    flash(_("The block was lifted."), "success")
    return redirect(url_for("cvs.blocks")), 303


LINE_FIELDS = {
    "experience": ("title", "employer", "start", "end"),
    "education": ("degree", "institution", "start", "end"),
    "languages": ("language", "level"),
}


def lines_to_entries(text: str, keys: tuple[str, ...]) -> list[dict[str, str | None]]:
    """Read "a | b | c" lines of the correction form into entries."""
    entries = []
    for line in (text or "").splitlines():
        if line.strip():
            parts = [p.strip() or None for p in line.split("|")]
            entries.append(dict(zip(keys, parts + [None] * (len(keys) - len(parts)), strict=False)))
    return entries


def entries_to_lines(entries: list[dict[str, Any]], keys: tuple[str, ...]) -> str:
    """Write entries as the "a | b | c" lines the correction form shows."""
    return "\n".join(" | ".join(str(e.get(k) or "") for k in keys).rstrip(" |") for e in entries)


@bp.route("/cvs/<cv_id>/profile", methods=["GET", "POST"])
@login_required(Role.CANDIDATE)
def edit_profile(cv_id: str) -> Any:
    session = db_session()
    cv = services.owned_cv(session, _user(), cv_id)
    content = services.version_content(session, runtime(), cv)
    if content is None:
        flash(_("The CV has not been read yet."), "error")
        return redirect(url_for("cvs.detail", cv_id=cv.id)), 303
    error = None
    if request.method == "POST":
        form = request.form
        data: dict[str, Any] = {k: form.get(k, "") for k in profiles.SCALARS}
        data["skills"] = [s for s in re.split(r"[,\n]", form.get("skills", "")) if s.strip()]
        for name, keys in LINE_FIELDS.items():
            data[name] = lines_to_entries(form.get(name, ""), keys)
        try:
            profiles.correct_profile(session, runtime(), _user(), cv, data)
        except CvbankError as exc:
            error = exc.message
        else:
            flash(
                _("Your corrections are saved and used for search until you upload a new version."),
                "success",
            )
            return redirect(url_for("cvs.detail", cv_id=cv.id)), 303
    p = content.profile
    values = {k: p.get(k) or "" for k in profiles.SCALARS}
    values["skills"] = ", ".join(s["label"] for s in p.get("skills", []))
    for name, keys in LINE_FIELDS.items():
        values[name] = entries_to_lines(p.get(name, []), keys)
    if request.method == "POST":
        values.update(request.form.to_dict())
    return render_template(
        "cvs/profile.html", cv=cv, values=values, error=error, corrected=bool(content.corrections)
    ), 400 if error else 200
