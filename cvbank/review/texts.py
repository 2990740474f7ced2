"""What the candidate reads about a flag, in their UI language."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from cvbank.review.services import MANUAL_CATEGORY, ReviewedFlag
from indexer.flags import Flag, category_label, explain


def label(category: str, locale: str) -> str:
    """Name a flag's category; the candidate's own removals have a name of their own."""
    if category == MANUAL_CATEGORY:
        with force_locale(locale):
            return _("passages you removed yourself")
    return category_label(category, locale)


def explanation(reviewed: ReviewedFlag, locale: str) -> str:
    """Explain why a passage is flagged, or say that the candidate removed it."""
    if reviewed.is_manual:
        with force_locale(locale):
            return _(
                "You removed this passage yourself: employers do not see it and it is not "
                "searchable. Restore it to show it again."
            )
    f = reviewed.flag
    return explain(Flag(f.category, f.start, f.end, reviewed.text, f.rule, f.confidence), locale)
