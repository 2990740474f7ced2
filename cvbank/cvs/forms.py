"""Forms for uploading a CV and choosing its visibility."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, Length, Optional


class UploadForm(FlaskForm):
    file = FileField(
        _l("CV file (PDF or DOCX)"), validators=[FileRequired(_l("Choose a file to upload."))]
    )
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)])


class VisibilityForm(FlaskForm):
    visibility = HiddenField(validators=[AnyOf(["visible", "hidden"])])
