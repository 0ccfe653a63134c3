"""Writes for Mastodon accounts outside the sync itself: connecting one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Member
from connectors.mastodon.parser import account_id, account_is_local, parse_account
from connectors.models import ConnectedAccount
from connectors.services import account_connect


def mastodon_account_connect(
    *, member: Member, host: str, access_token: str, me: dict[str, Any]
) -> ConnectedAccount:
    """Link the account of ``host`` that ``me`` (its ``verify_credentials``) describes to ``member``."""
    address = account_id(me, home=host)
    if address is None:
        raise ValidationError("The Mastodon server did not say which account signed in; please try again.")
    if not account_is_local(me, home=host):
        # A server speaks for its own accounts only: anyone can run one that claims to be
        # somebody@mastodon.social.
        raise ValidationError(
            f"{host} says you signed in as @{address}, an account of another server. "
            f"Connect it from its own server, {address.rsplit('@', 1)[-1]}."
        )
    batch = parse_account(me, home=host)
    return account_connect(member=member, batch=batch, access_token=access_token, scopes="read", server=host)
