"""Writes for Bluesky accounts outside the sync itself: connecting one."""

from __future__ import annotations

from accounts.models import Member
from connectors.bluesky.parser import parse_profile
from connectors.bluesky.session import SignedIn
from connectors.models import ConnectedAccount
from connectors.services import account_connect


def bluesky_account_connect(
    *, member: Member, signed_in: SignedIn, app_password: str, profile: dict
) -> ConnectedAccount:
    """Link the account that signed in (its AppView ``profile``) to ``member``, keeping the app
    password (encrypted) for the syncs' sign-ins and the PDS they sign in on."""
    if profile.get("did") != signed_in.did:
        profile = {"did": signed_in.did, "handle": signed_in.handle}
    return account_connect(
        member=member, batch=parse_profile(profile), access_token=app_password, server=signed_in.pds
    )
