"""Forms for signing up and in, and for the account settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from cvbank.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class SignUpForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least 10 characters."),
    )
    accept_policy = BooleanField(
        _l("I have read the privacy policy and agree that cvbank stores my CV for job search."),
        validators=[DataRequired(_l("Please accept the privacy policy to continue."))],
    )


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    next = HiddenField()


class EmailForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least 10 characters."),
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[Length(max=MAX_PASSWORD_LENGTH)]
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least 10 characters. Every other session of yours ends."),
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("The 6-digit code of your authenticator app, or a recovery code."),
    )


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token: a button that changes something."""


class SocialSignUpForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    keep_picture = BooleanField(_l("Keep my picture"))
    show_picture_to_employers = BooleanField(_l("Show my picture to employers"))
    accept_policy = BooleanField(
        _l("I have read the privacy policy and agree that cvbank stores my CV for job search."),
        validators=[DataRequired(_l("Please accept the privacy policy to continue."))],
    )


class PictureForm(FlaskForm):
    show_picture_to_employers = BooleanField(_l("Show my picture to employers"))
    remove = BooleanField(_l("Forget my picture"))


class ArchiveForm(FlaskForm):
    archive = FileField(
        _l("Your LinkedIn data archive (ZIP)"),
        validators=[FileRequired(_l("Choose the ZIP file LinkedIn sent you."))],
    )
