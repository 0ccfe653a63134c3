"""Writes for X accounts outside the sync itself: connecting one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Member
from connectors.models import ConnectedAccount
from connectors.services import account_connect
from connectors.twitter.oauth import Tokens
from connectors.twitter.parser import parse_users_page


def x_account_connect(*, member: Member, tokens: Tokens, profile: dict[str, Any]) -> ConnectedAccount:
    """Link the X account described by ``profile`` (a ``/2/users/me`` page) to ``member``."""
    batch = parse_users_page(profile)
    if len(batch.identities) != 1 or not isinstance(profile.get("data"), dict):
        raise ValidationError("X did not say which account was signed in; try connecting again.")
    return account_connect(
        member=member,
        batch=batch,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        token_expires_at=tokens.expires_at,
        scopes=tokens.scopes,
    )
