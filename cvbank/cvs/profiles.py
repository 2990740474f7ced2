"""The candidate's corrections of an extracted profile, and the profile employers see."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cvbank.accounts.models import User
from cvbank.accounts.services import wrapped_key
from cvbank.cvs.models import Cv
from cvbank.db import utcnow
from cvbank.errors import Conflict, NotFound, ValidationError
from cvbank.outbox.services import enqueue
from cvbank.runtime import Runtime

DATE_RE = re.compile(r"^(19[5-9]\d|20[0-4]\d)(-(0[1-9]|1[0-2]))?$")
MAX_ENTRIES = 50
MAX_FIELD = 300
SCALARS = ("name", "headline", "email", "phone", "location")


def effective_profile(
    extracted: dict[str, Any], corrections: dict[str, Any] | None
) -> dict[str, Any]:
    """Return the extracted profile with the candidate's corrections laid over it."""
    return {**extracted, **(corrections or {})}


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, f"{field} must be text.", code="invalid_profile")
    value = value.strip()
    if len(value) > MAX_FIELD:
        raise ValidationError(
            field, f"{field} is too long (at most {MAX_FIELD} characters).", code="invalid_profile"
        )
    return value or None


def _date(value: Any, field: str) -> str | None:
    text = _text(value, field)
    if text is not None and not DATE_RE.match(text):
        raise ValidationError(
            field, f"{field} must be a year (2019) or a month (2019-08).", code="invalid_date"
        )
    return text


def _entries(value: Any, field: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) > MAX_ENTRIES:
        raise ValidationError(
            field,
            f"{field} must be a list of at most {MAX_ENTRIES} entries.",
            code="invalid_profile",
        )
    out = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise ValidationError(field, f"{field}[{i}] must be an object.", code="invalid_profile")
        item = {
            k: (
                _date(entry.get(k), f"{field}[{i}].{k}")
                if k in ("start", "end")
                else _text(entry.get(k), f"{field}[{i}].{k}")
            )
            for k in keys
        }
        start, end = item.get("start"), item.get("end")
        if start and end and end < start:
            raise ValidationError(
                field, f"{field}[{i}] ends before it starts.", code="invalid_date"
            )
        if any(item.values()):
            out.append(item)
    return out


def validate_corrections(data: Any, *, today: date | None = None) -> dict[str, Any]:
    """Check corrections sent by the candidate; return them in the profile's shape."""
    if not isinstance(data, dict):
        raise ValidationError(
            "profile", "Send the corrected fields as a JSON object.", code="invalid_profile"
        )
    unknown = set(data) - {*SCALARS, "skills", "languages", "experience", "education"}
    if unknown:
        raise ValidationError(
            "profile", f"Unknown field(s): {', '.join(sorted(unknown))}.", code="invalid_profile"
        )
    out: dict[str, Any] = {k: _text(data[k], k) for k in SCALARS if k in data}
    if "skills" in data:
        from indexer.taxonomy import Taxonomy

        labels = data["skills"]
        if not isinstance(labels, list) or len(labels) > 100:
            raise ValidationError(
                "skills", "skills must be a list of at most 100 labels.", code="invalid_profile"
            )
        taxonomy, skills = Taxonomy.load(), []
        for i, label in enumerate(labels):
            text = _text(label.get("label") if isinstance(label, dict) else label, f"skills[{i}]")
            if text:
                concept = taxonomy.lookup(text)
                skills.append({"label": text, "concept_id": concept.id if concept else None})
        out["skills"] = skills
    if "languages" in data:
        out["languages"] = _entries(data["languages"], "languages", ("language", "level"))
    if "education" in data:
        out["education"] = _entries(
            data["education"], "education", ("institution", "degree", "start", "end")
        )
    if "experience" in data:
        from indexer.profile.dates import parse_iso, total_years

        experience = _entries(
            data["experience"], "experience", ("title", "employer", "start", "end")
        )
        out["experience"] = experience
        periods = [
            (start, parse_iso(e["end"]))
            for e in experience
            if (start := parse_iso(e["start"])) is not None
        ]
        out["years_experience"] = total_years(periods, today or date.today())
    return out


def correct_profile(
    session: Session, rt: Runtime, owner: User, cv: Cv, data: Any
) -> dict[str, Any]:
    """Keep the candidate's corrections on the current version and reindex the CV."""
    if cv.owner_id != owner.id:
        raise NotFound("No such CV.")
    version = cv.current_version
    if version is None or version.text_sealed is None:
        raise Conflict("The CV has not been read yet.", code="cv_processing")
    corrections = validate_corrections(data)
    key = wrapped_key(session, owner.id)
    previous = (
        json.loads(rt.sealer.open(owner.id, key, version.corrections_sealed))
        if version.corrections_sealed
        else {}
    )
    merged = {**previous, **corrections}
    version.corrections_sealed = rt.sealer.seal(owner.id, key, json.dumps(merged).encode())
    cv.updated_at = utcnow()
    enqueue(session, "index_cv", key=str(cv.id), payload={"reason": "profile_corrected"})
    return merged
