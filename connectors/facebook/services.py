"""Writes for Facebook Pages outside the sync itself: connecting one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Member
from connectors.facebook.parser import parse_page
from connectors.models import ConnectedAccount
from connectors.services import account_connect


def facebook_page_connect(*, member: Member, pages: dict[str, Any], scopes: str = "") -> ConnectedAccount:
    """Link the first Page of ``pages`` (``me/accounts``, with each Page's token) to ``member``."""
    for page in pages.get("data") or []:
        batch = parse_page(page) if isinstance(page, dict) else None
        token = page.get("access_token") if isinstance(page, dict) else None
        if batch and batch.identities and isinstance(token, str) and token:
            # A Page's token, given for a long-lived user token, does not expire.
            return account_connect(member=member, batch=batch, access_token=token, scopes=scopes)
    raise ValidationError(
        "You manage no Facebook Page, or allowed none: Klout reads Pages (Meta lets apps read no "
        "personal profile). Create or choose a Page and connect again."
    )
