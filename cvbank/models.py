"""Import every model so that the metadata (and Alembic) sees all tables."""

from cvbank.accounts.models import ApiToken, Consent, DataKey, Membership, Organisation, User
from cvbank.cvs.models import AccessEvent, Block, Cv, CvVersion
from cvbank.db import Base
from cvbank.outbox.models import OutboxJob
from cvbank.review.models import SensitiveFlag

__all__ = [
    "AccessEvent",
    "ApiToken",
    "Base",
    "Block",
    "Consent",
    "Cv",
    "CvVersion",
    "DataKey",
    "Membership",
    "Organisation",
    "OutboxJob",
    "SensitiveFlag",
    "User",
]
