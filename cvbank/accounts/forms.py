"""Forms for signing up and in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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
    password = PasswordField(_l("Password"), validators=[DataRequired(),
                                                        Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField()
