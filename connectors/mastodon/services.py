"""Writes for Mastodon accounts outside the sync itself: connecting one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Member
from connectors.mastodon.parser import account_id, parse_account
from connectors.models import ConnectedAccount
from connectors.services import account_connect


def mastodon_account_connect(
    *, member: Member, host: str, access_token: str, me: dict[str, Any]
) -> ConnectedAccount:
    """Link the account of ``host`` that ``me`` (its ``verify_credentials``) describes to ``member``."""
    batch = parse_account(me, home=host)
    if account_id(me, home=host) is None or not batch.identities:
        raise ValidationError(
            "The Mastodon server did not say which account signed in; try connecting again."
        )
    return account_connect(member=member, batch=batch, access_token=access_token, scopes="read", server=host)
