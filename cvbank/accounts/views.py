"""Pages for signing up, in and out, two-factor sign-in, social sign-in and account settings."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from cvbank import limiter
from cvbank.accounts import linkedin_archive, oauth, services, totp
from cvbank.accounts.forms import (
    ArchiveForm,
    ChangePasswordForm,
    CodeForm,
    ConfirmForm,
    EmailForm,
    NewPasswordForm,
    PictureForm,
    SignInForm,
    SignUpForm,
    SocialSignUpForm,
)
from cvbank.accounts.models import Role, User, UserStatus
from cvbank.db import utcnow
from cvbank.errors import CvbankError, Unauthorized
from cvbank.web import (
    current_user,
    db_session,
    login_required,
    runtime,
    sign_in,
    sign_out,
)

bp = Blueprint("accounts", __name__)

# Between the password and the second factor the browser holds only this, never "uid": no
# page that needs a signed-in user can be reached in between.
PENDING = "pending_sign_in"
PENDING_MINUTES = 10
SOCIAL_SIGNUP = "social_signup"
OAUTH_LINK = "oauth_link_uid"
OAUTH_NEXT = "oauth_next"


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


def _settings() -> Any:
    return runtime().settings


def _link(endpoint: str) -> Any:
    """Return a function that makes the absolute link a mail carries for a token."""
    base = _settings().base_url.rstrip("/")
    return lambda token: base + url_for(endpoint, token=token)


def _verify_lifetime() -> timedelta:
    return timedelta(hours=_settings().verify_email_hours)


@bp.get("/")
def index() -> Any:
    user = current_user()
    if user is not None:
        return redirect(home_for(user))
    return render_template("index.html")


def _login_limit() -> str:
    return str(_settings().login_rate_limit)


def _mail_limit() -> str:
    return str(_settings().account_mail_rate_limit)


def _second_factor_limit() -> str:
    return str(_settings().second_factor_rate_limit)


def _oauth_limit() -> str:
    return str(_settings().oauth_rate_limit)


# --- Sign-up, sign-in, second factor ------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def signup() -> Any:
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = services.sign_up_candidate(
                db_session(),
                runtime().sealer,
                email=form.email.data or "",
                password=form.password.data or "",
                name=form.name.data or "",
                accepted_policy=bool(form.accept_policy.data),
                locale=session.get("lang"),
                verify_link_for=_link("accounts.verify_email"),
                verify_lifetime=_verify_lifetime(),
            )
        except CvbankError as exc:
            field = getattr(form, exc.details.get("field", "email"), form.email)
            field.errors = [*field.errors, _message(exc)]
        else:
            sign_in(user)
            flash(
                _(
                    "Welcome to cvbank! We sent you a link to confirm your email address. "
                    "Upload your CV to get started."
                ),
                "success",
            )
            return redirect(url_for("cvs.my_cvs"))
    return render_template(
        "accounts/signup.html", form=form, providers=oauth.enabled_providers()
    ), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Any:
    form = SignInForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                db_session(), form.email.data or "", form.password.data or ""
            )
        except CvbankError as exc:
            error = _message(exc)
        else:
            return complete_sign_in(user, form.next.data)
    status = 401 if error else (400 if form.errors else 200)
    return render_template(
        "accounts/login.html",
        form=form,
        error=error,
        providers=oauth.enabled_providers(),
        next=safe_next(form.next.data, ""),
    ), status


def complete_sign_in(user: User, next_url: str | None) -> Any:
    """Sign ``user`` in, or hold them at the second factor (or its enrolment) first."""
    target = safe_next(next_url, home_for(user))
    if not totp.second_factor_required(user, require_staff_2fa=_settings().require_staff_2fa):
        sign_in(user)
        return redirect(target)
    session.clear()  # a fresh session here too: nothing from before the password survives
    session[PENDING] = {
        "uid": str(user.id),
        "epoch": user.session_epoch,
        "at": utcnow().isoformat(),
        "next": target,
    }
    if user.has_totp:
        return redirect(url_for("accounts.second_factor"))
    return redirect(url_for("accounts.second_factor_setup"))


def _pending_user() -> User | None:
    """Return the user who passed the password step in this browser a moment ago."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    try:
        started = datetime.fromisoformat(pending["at"])
        user = db_session().get(User, uuid.UUID(pending["uid"]))
    except (KeyError, ValueError, TypeError):
        session.pop(PENDING, None)
        return None
    if (
        user is None
        or user.status is not UserStatus.ACTIVE
        or pending.get("epoch") != user.session_epoch
        or utcnow() - started > timedelta(minutes=PENDING_MINUTES)
    ):
        session.pop(PENDING, None)
        return None
    return user


def _restart_sign_in() -> Any:
    flash(_("Please sign in again."), "info")
    return redirect(url_for("accounts.login"))


def _pending_account_key() -> str:
    """Key the second-factor limit by account too: whoever holds the password may hold many
    addresses, and six digits do not take long to guess without a per-account limit."""
    pending = session.get(PENDING)
    uid = pending.get("uid") if isinstance(pending, dict) else None
    return f"second-factor:{uid}" if uid else f"second-factor-ip:{get_remote_address()}"


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(_second_factor_limit, methods=["POST"])
@limiter.limit(_second_factor_limit, methods=["POST"], key_func=_pending_account_key)
def second_factor() -> Any:
    user = _pending_user()
    if user is None or not user.has_totp:
        return _restart_sign_in()
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        try:
            used_recovery = totp.check_second_factor(db_session(), user, form.code.data or "")
        except CvbankError as exc:
            error = _message(exc)
        else:
            target = session[PENDING]["next"]
            sign_in(user)
            if used_recovery:
                left = totp.recovery_codes_left(db_session(), user)
                flash(
                    _(
                        "You used a recovery code; %(left)d left. Make new ones in your "
                        "account settings if you are running out.",
                        left=left,
                    ),
                    "info",
                )
            return redirect(target)
    status = 401 if error else (400 if form.errors else 200)
    return render_template("accounts/second_factor.html", form=form, error=error), status


@bp.route("/login/two-factor/setup", methods=["GET", "POST"])
@limiter.limit(_second_factor_limit, methods=["POST"])
def second_factor_setup() -> Any:
    """Enrol in TOTP while signing in (staff must before they get in)."""
    user = _pending_user()
    if user is None or user.has_totp:
        return _restart_sign_in()
    pending = dict(session[PENDING])
    if "secret" not in pending:
        pending["secret"] = totp.new_secret()
        session[PENDING] = pending
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = totp.enrol_totp(db_session(), user, pending["secret"], form.code.data or "")
        except CvbankError as exc:
            form.code.errors = [*form.code.errors, _message(exc)]
        else:
            sign_in(user)
            return render_template(
                "accounts/recovery_codes.html", codes=codes, next=pending["next"]
            )
    return render_template(
        "accounts/totp_setup.html",
        form=form,
        secret=pending["secret"],
        uri=totp.provisioning_uri(pending["secret"], user.email),
        action=url_for("accounts.second_factor_setup"),
        required=True,
    ), 400 if form.errors else 200


@bp.post("/logout")
def logout() -> Any:
    sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.index"))


@bp.get("/language/<code>")
def set_language(code: str) -> Any:
    if code in _settings().locales:
        session["lang"] = code
        user = current_user()
        if user is not None:
            user.locale = code
    return redirect(safe_next(request.args.get("next"), url_for("accounts.index")))


# --- Email verification and password reset ------------------------------------------------


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify_email(token: str) -> Any:
    # Opening the link shows a button; mail scanners that fetch links do not press it.
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.verify_email(db_session(), token)
        except CvbankError as exc:
            return render_template("accounts/token_invalid.html", message=_message(exc)), 400
        flash(_("Thank you, your email address is confirmed."), "success")
        return redirect(url_for("accounts.index"))
    return render_template(
        "accounts/confirm_link.html",
        form=form,
        title=_("Confirm your email address"),
        button=_("Confirm my email address"),
    )


@bp.post("/account/verify-email")
@login_required()
@limiter.limit(_mail_limit)
def resend_verification() -> Any:
    user = current_user()
    assert user is not None
    services.send_email_verification(
        db_session(), user, lifetime=_verify_lifetime(), link_for=_link("accounts.verify_email")
    )
    flash(_("We sent you a new link. It may take a minute to arrive."), "info")
    return redirect(url_for("accounts.account"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_mail_limit, methods=["POST"])
def forgot_password() -> Any:
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(
            db_session(),
            form.email.data or "",
            lifetime=timedelta(minutes=_settings().password_reset_minutes),
            link_for=_link("accounts.reset_password"),
        )
        # The same answer whether or not the address has an account.
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/forgot_password.html", form=form), (
        400 if form.errors else 200
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_mail_limit, methods=["POST"])
def reset_password(token: str) -> Any:
    form = NewPasswordForm()
    try:
        services.check_reset_token(db_session(), token)
        if form.validate_on_submit():
            services.reset_password(db_session(), token, form.password.data or "")
            sign_out()
            # Signing in again (with the second factor, if any) rather than here and now.
            flash(
                _(
                    "Your password is changed and every session of your account has ended. "
                    "Please sign in with the new password."
                ),
                "success",
            )
            return redirect(url_for("accounts.login"))
    except CvbankError as exc:
        if exc.code == "invalid_token":
            return render_template("accounts/token_invalid.html", message=_message(exc)), 400
        form.password.errors = [*form.password.errors, _message(exc)]
    return render_template("accounts/reset_password.html", form=form), (400 if form.errors else 200)


# --- Account settings ---------------------------------------------------------------------


def _me() -> User:
    user = current_user()
    assert user is not None
    return user


def _account_page(status: int = 200, **forms: Any) -> Any:
    user = _me()
    db = db_session()
    linked = services.linked_identities(db, user)
    linked_names = {identity.provider for identity in linked}
    context = {
        "user": user,
        "password_form": forms.get("password_form") or ChangePasswordForm(),
        "picture_form": forms.get("picture_form")
        or PictureForm(show_picture_to_employers=user.show_picture_to_employers),
        "confirm_form": ConfirmForm(),
        "linked": linked,
        "linkable": [p for p in oauth.enabled_providers() if p not in linked_names],
        "labels": oauth.LABELS,
        "methods": services.sign_in_methods(db, user),
        "recovery_left": totp.recovery_codes_left(db, user) if user.has_totp else 0,
        "totp_required": user.is_staff and _settings().require_staff_2fa,
    }
    return render_template("accounts/account.html", **context), status


@bp.get("/account")
@login_required()
def account() -> Any:
    return _account_page()


@bp.post("/account/password")
@login_required()
@limiter.limit(_login_limit)
def change_password() -> Any:
    user = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db_session(), user, form.current_password.data or "", form.password.data or ""
            )
        except CvbankError as exc:
            field = getattr(form, exc.details.get("field", "password"), form.password)
            field.errors = [*field.errors, _message(exc)]
        else:
            sign_in(user)  # this browser carries on in the new epoch; every other one ends
            flash(_("Your password is changed. You were signed out everywhere else."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(400, password_form=form)


@bp.post("/account/sign-out-everywhere")
@login_required()
def sign_out_everywhere() -> Any:
    if ConfirmForm().validate_on_submit():
        services.end_all_sessions(_me())
    sign_out()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required()
@limiter.limit(_second_factor_limit, methods=["POST"])
def enrol_second_factor() -> Any:
    """Turn on TOTP from the account settings (optional for job seekers)."""
    user = _me()
    if user.has_totp:
        return redirect(url_for("accounts.account"))
    secret = session.get("totp_setup_secret") or totp.new_secret()
    session["totp_setup_secret"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = totp.enrol_totp(db_session(), user, secret, form.code.data or "")
        except CvbankError as exc:
            form.code.errors = [*form.code.errors, _message(exc)]
        else:
            session.pop("totp_setup_secret", None)
            return render_template(
                "accounts/recovery_codes.html", codes=codes, next=url_for("accounts.account")
            )
    return render_template(
        "accounts/totp_setup.html",
        form=form,
        secret=secret,
        uri=totp.provisioning_uri(secret, user.email),
        action=url_for("accounts.enrol_second_factor"),
        required=False,
    ), 400 if form.errors else 200


@bp.post("/account/two-factor/off")
@login_required()
@limiter.limit(_second_factor_limit)
def disable_second_factor() -> Any:
    user = _me()
    form = CodeForm()
    if user.is_staff and _settings().require_staff_2fa:
        flash(_("Two-factor sign-in is required for your account."), "error")
        return redirect(url_for("accounts.account"))
    if form.validate_on_submit():
        try:
            totp.check_second_factor(db_session(), user, form.code.data or "")
        except CvbankError as exc:
            flash(_message(exc), "error")
            return _account_page(401)
        totp.disable_totp(db_session(), user)
        flash(_("Two-factor sign-in is off."), "info")
    return redirect(url_for("accounts.account"))


@bp.post("/account/two-factor/recovery-codes")
@login_required()
def regenerate_recovery_codes() -> Any:
    user = _me()
    if not user.has_totp or not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.account"))
    codes = totp.new_recovery_codes(db_session(), user)
    return render_template(
        "accounts/recovery_codes.html", codes=codes, next=url_for("accounts.account")
    )


@bp.post("/account/picture")
@login_required()
def picture() -> Any:
    form = PictureForm()
    if form.validate_on_submit():
        services.set_picture_choice(
            _me(),
            show_to_employers=bool(form.show_picture_to_employers.data),
            remove=bool(form.remove.data),
        )
        flash(_("Your picture settings are saved."), "success")
    return redirect(url_for("accounts.account"))


@bp.post("/account/unlink/<uuid:identity_id>")
@login_required()
def unlink(identity_id: uuid.UUID) -> Any:
    if ConfirmForm().validate_on_submit():
        try:
            services.unlink_identity(db_session(), _me(), identity_id)
        except CvbankError as exc:
            flash(_message(exc), "error")
            return _account_page(409)
        flash(_("The account is unlinked."), "info")
    return redirect(url_for("accounts.account"))


# --- Social sign-in -----------------------------------------------------------------------


def _redirect_uri(provider: str) -> str:
    return f"{_settings().base_url.rstrip('/')}/auth/{provider}/callback"


@bp.get("/auth/<provider>")
def social_start(provider: str) -> Any:
    session.pop(OAUTH_LINK, None)
    session[OAUTH_NEXT] = safe_next(request.args.get("next"), "")
    return oauth.authorize_redirect(provider, _redirect_uri(provider))


@bp.post("/account/link/<provider>")
@login_required()
def social_link(provider: str) -> Any:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.account"))
    session[OAUTH_LINK] = str(_me().id)
    return oauth.authorize_redirect(provider, _redirect_uri(provider))


@bp.get("/auth/<provider>/callback")
@limiter.limit(_oauth_limit)
def social_callback(provider: str) -> Any:
    secret = str(getattr(_settings(), f"{provider}_client_secret", ""))
    linking_uid = session.pop(OAUTH_LINK, None)
    next_url = session.pop(OAUTH_NEXT, None)
    profile = oauth.fetch_profile(provider, secret)
    db = db_session()
    user = current_user()
    if linking_uid is not None:
        # Linking needs the same signed-in person who started it (and who proved ownership).
        if user is None or str(user.id) != linking_uid:
            raise Unauthorized(
                _("Please sign in again to link an account."), code="oauth_link_session"
            )
        services.link_identity(
            db,
            user,
            provider=profile.provider,
            subject=profile.subject,
            email=profile.email,
            email_verified=profile.email_verified,
        )
        flash(
            _("%(provider)s is linked to your account.", provider=oauth.LABELS[provider]), "success"
        )
        return redirect(url_for("accounts.account"))
    known = services.user_for_identity(db, profile.provider, profile.subject)
    if known is not None:
        return complete_sign_in(known, next_url)
    sign_out()  # whoever was signed in, this browser now signs up a new person
    session[SOCIAL_SIGNUP] = {"profile": profile.to_json(), "at": utcnow().isoformat()}
    return redirect(url_for("accounts.social_sign_up"))


@bp.route("/auth/complete", methods=["GET", "POST"])
@limiter.limit(_mail_limit, methods=["POST"])
def social_sign_up() -> Any:
    """Show what the provider returned and let the person choose what to keep."""
    pending = session.get(SOCIAL_SIGNUP)
    try:
        started = datetime.fromisoformat(pending["at"]) if pending else None
    except (KeyError, ValueError, TypeError):
        started = None
    if not pending or started is None or utcnow() - started > timedelta(minutes=30):
        session.pop(SOCIAL_SIGNUP, None)
        return _restart_sign_in()
    profile = oauth.ProviderProfile.from_json(pending["profile"])
    form = SocialSignUpForm()
    if request.method == "GET":
        form.name.data = profile.name
        form.email.data = profile.email or ""
        form.keep_picture.data = bool(profile.picture_url)
    error = None
    if form.validate_on_submit():
        try:
            user = services.sign_up_with_provider(
                db_session(),
                runtime().sealer,
                profile=profile.to_json(),
                email=form.email.data or "",
                name=form.name.data or "",
                keep_picture=bool(form.keep_picture.data),
                show_picture_to_employers=bool(form.show_picture_to_employers.data),
                accepted_policy=bool(form.accept_policy.data),
                locale=session.get("lang"),
                link_for=_link("accounts.social_confirm"),
                lifetime=_verify_lifetime(),
            )
        except CvbankError as exc:
            error = _message(exc)
            if exc.code in ("invalid_email", "policy_not_accepted"):
                field = getattr(form, exc.details.get("field", "email"), form.email)
                field.errors = [*field.errors, error]
                error = None
        else:
            session.pop(SOCIAL_SIGNUP, None)
            if user is None:
                return render_template(
                    "accounts/check_mail.html", email=(form.email.data or "").strip().lower()
                )
            sign_in(user)
            flash(_("Welcome to cvbank! Upload your CV to get started."), "success")
            return redirect(url_for("cvs.my_cvs"))
    status = 409 if error else (400 if form.errors else 200)
    return render_template(
        "accounts/social_sign_up.html",
        form=form,
        profile=profile,
        label=oauth.LABELS.get(profile.provider, profile.provider),
        error=error,
    ), status


@bp.route("/auth/confirm/<token>", methods=["GET", "POST"])
def social_confirm(token: str) -> Any:
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = services.complete_social_sign_up(db_session(), runtime().sealer, token)
        except CvbankError as exc:
            return render_template("accounts/token_invalid.html", message=_message(exc)), 400
        sign_in(user)
        flash(_("Welcome to cvbank! Your email address is confirmed."), "success")
        return redirect(url_for("cvs.my_cvs"))
    return render_template(
        "accounts/confirm_link.html",
        form=form,
        title=_("Finish creating your account"),
        button=_("Confirm my email address and create my account"),
    )


# --- LinkedIn data archive ----------------------------------------------------------------


@bp.route("/account/linkedin-archive", methods=["GET", "POST"])
@login_required(Role.CANDIDATE)
def linkedin_import() -> Any:
    """Read a LinkedIn data archive and show the profile draft it gives, saving nothing."""
    form = ArchiveForm()
    if form.validate_on_submit():
        try:
            draft = linkedin_archive.parse_archive(form.archive.data.read())
        except CvbankError as exc:
            form.archive.errors = [*form.archive.errors, _message(exc)]
        else:
            return _draft_page(draft)
    return render_template("accounts/linkedin_upload.html", form=form), (
        400 if form.errors else 200
    )


def _draft_page(draft: dict[str, Any], error: str | None = None, status: int = 200) -> Any:
    from cvbank.cvs import services as cvs

    ready = [cv for cv in cvs.list_cvs(db_session(), _me()) if cv.current_version is not None]
    return render_template(
        "accounts/linkedin_draft.html",
        draft=draft,
        draft_json=json.dumps(draft),
        cvs=ready,
        error=error,
        form=ConfirmForm(),
    ), status


@bp.post("/account/linkedin-archive/apply")
@login_required(Role.CANDIDATE)
def linkedin_apply() -> Any:
    """Lay the parts of the draft the job seeker chose over one CV's profile."""
    from cvbank.cvs import profiles
    from cvbank.cvs import services as cvs

    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.linkedin_import"))
    try:
        draft = json.loads(request.form.get("draft", ""))
    except ValueError:
        return redirect(url_for("accounts.linkedin_import"))
    if not isinstance(draft, dict):
        return redirect(url_for("accounts.linkedin_import"))
    try:
        cv = cvs.owned_cv(db_session(), _me(), request.form.get("cv_id", ""))
        corrections = linkedin_archive.chosen_corrections(draft, request.form.getlist("sections"))
        # The same service as the CV's correction form: validated, sealed, reindexed.
        profiles.correct_profile(db_session(), runtime(), _me(), cv, corrections)
    except CvbankError as exc:
        return _draft_page(draft, _message(exc), 400)
    flash(_("The parts you chose from LinkedIn are now in this CV's profile."), "success")
    return redirect(url_for("cvs.edit_profile", cv_id=cv.id))


def _message(exc: CvbankError) -> str:
    """Translate the domain errors a person meets on these pages."""
    messages = {
        "bad_credentials": _("Wrong email or password."),
        "account_inactive": _("This account cannot sign in."),
        "email_taken": _("An account with this email already exists."),
        "email_taken_social": _(
            "An account with this email already exists. Sign in to it (with your password or "
            "a provider already linked to it), then link this provider in your account "
            "settings."
        ),
        "identity_taken": _(
            "This account at the provider is already linked to another cvbank account."
        ),
        "provider_already_linked": _(
            "Another account at this provider is already linked. Unlink it first."
        ),
        "last_sign_in_method": _(
            "This is your only way to sign in. Set a password or link another provider first."
        ),
        "invalid_email": _("Enter a valid email address."),
        "weak_password": _("Use at least 10 characters."),
        "policy_not_accepted": _("Please accept the privacy policy to continue."),
        "invalid_token": _("This link is invalid, already used or expired. Ask for a new one."),
        "bad_current_password": _("Your current password is wrong."),
        "bad_otp": _("That code is not right."),
        "otp_reused": _("That code was already used. Wait for the next one."),
        "invalid_secret": _("That is not a valid secret."),
        "not_linkedin_archive": _(
            "This ZIP is not a LinkedIn data archive: it has no Profile.csv. Download "
            '"Get a copy of your data" from LinkedIn\'s settings and upload that ZIP.'
        ),
        "corrupt_file": _("This file is not a ZIP archive that can be read."),
        "nothing_chosen": _("Choose at least one part of the archive to use."),
        "not_found": _("Choose one of your CVs."),
        "cv_processing": _("That CV has not been read yet. Try again in a moment."),
        "invalid_profile": _(
            "Some of the archive's data cannot be used as it is; correct it "
            "on the CV's profile page instead."
        ),
        "invalid_date": _(
            "Some of the archive's dates cannot be used as they are; correct "
            "them on the CV's profile page instead."
        ),
        "zip_bomb": _(
            "This archive cannot be read safely: it unpacks to far more than a "
            "LinkedIn archive holds."
        ),
    }
    return messages.get(exc.code, exc.message)
