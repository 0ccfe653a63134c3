"""Writes for X accounts outside the sync itself: connecting one, storing fresh tokens."""

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


def x_account_tokens_store(*, account_id: int, tokens: Tokens) -> None:
    """Keep a refreshed token pair. X's refresh tokens work once, so this runs before anything else."""
    # update() encrypts through the field like save() does.
    changes: dict[str, Any] = {"access_token": tokens.access_token, "token_expires_at": tokens.expires_at}
    # X may omit a token it did not rotate; the one we hold then stays good.
    if tokens.refresh_token:
        changes["refresh_token"] = tokens.refresh_token
    if tokens.scopes:
        changes["scopes"] = tokens.scopes
    ConnectedAccount.objects.filter(pk=account_id).update(**changes)
