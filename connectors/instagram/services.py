"""Writes for Instagram accounts outside the sync itself: connecting them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Member
from connectors.instagram.parser import parse_user
from connectors.models import ConnectedAccount
from connectors.oauth2 import Tokens
from connectors.services import account_connect


def instagram_accounts_found(accounts: dict[str, Any]) -> list[dict[str, Any]]:
    """The Instagram professional accounts linked to the Pages of a ``me/accounts`` answer."""
    found = []
    for page in accounts.get("data") or []:
        linked = page.get("instagram_business_account") if isinstance(page, dict) else None
        if isinstance(linked, dict) and parse_user(linked).identities:
            found.append(linked)
    return found


def instagram_account_connect(
    *, member: Member, tokens: Tokens, accounts: dict[str, Any]
) -> ConnectedAccount:
    """Link the Instagram account the member's Pages name (the first, when several) to ``member``."""
    found = instagram_accounts_found(accounts)
    if not found:
        raise ValidationError(
            "No Instagram professional account is linked to the Facebook Pages you allowed. Switch "
            "your Instagram account to a business or creator account, link it to a Facebook Page, "
            "and connect again."
        )
    return account_connect(
        member=member,
        batch=parse_user(found[0]),
        access_token=tokens.access_token,
        token_expires_at=tokens.expires_at,
        scopes=tokens.scopes,
    )
