"""The privacy audit log: one row per action, with a keyed hash instead of a name."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from privacy.models import PrivacyEvent


def subject_digest(*, kind: str, key: str) -> str:
    """A keyed hash of a subject (``user:12``): stable for the operator, useless to a reader of the table."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{key}".encode(), hashlib.sha256).hexdigest()


def privacy_event_record(*, kind: str, digest: str, counts: dict[str, int] | None = None) -> PrivacyEvent:
    return PrivacyEvent.objects.create(kind=kind, subject_digest=digest, counts=counts or {})
