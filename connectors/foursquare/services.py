"""Writes for Foursquare accounts outside the sync itself: connecting one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Member
from connectors.foursquare.parser import parse_me
from connectors.models import ConnectedAccount
from connectors.oauth2 import Tokens
from connectors.services import account_connect


def foursquare_account_connect(*, member: Member, tokens: Tokens, me: dict[str, Any]) -> ConnectedAccount:
    """Link the user of ``me`` (the ``/users/self`` response) to ``member``."""
    batch = parse_me(me)
    if len(batch.identities) != 1:
        raise ValidationError("Foursquare did not say which account signed in; please try again.")
    return account_connect(member=member, batch=batch, access_token=tokens.access_token, scopes=tokens.scopes)
