"""Writes for YouTube channels outside the sync itself: connecting one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Member
from connectors.models import ConnectedAccount
from connectors.oauth2 import Tokens
from connectors.records import Batch
from connectors.services import account_connect
from connectors.youtube.parser import channel_record, my_channel


def youtube_account_connect(*, member: Member, tokens: Tokens, channels: dict[str, Any]) -> ConnectedAccount:
    """Link the channel of ``channels`` (a ``channels.list(mine=true)`` page) to ``member``."""
    channel = my_channel(channels)
    if channel is None:
        raise ValidationError(
            "That Google account has no YouTube channel. Create one on YouTube (or choose the Google "
            "account that has it), then connect again."
        )
    return account_connect(
        member=member,
        batch=Batch(identities=[channel_record(channel)]),
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        token_expires_at=tokens.expires_at,
        scopes=tokens.scopes,
    )
