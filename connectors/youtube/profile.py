"""YouTube channels' public descriptions, for the public opt-out (see ``connectors.profiles``).

YouTube's own API says which channel has the handle (``channels.list(forHandle=…)``); nobody
else is asked. Reading it needs the operator's API key (``YOUTUBE_API_KEY``), and costs one
unit of the day's quota, like every other call.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.profiles import PublicProfile, get_json, profile_error
from connectors.youtube.client import DEFAULT_BASE_URL
from connectors.youtube.parser import channel_id_valid, channel_record, my_channel
from connectors.youtube.quota import DailyQuota

# YouTube handles: 3 to 30 letters, digits, underscores, hyphens and dots.
_HANDLE = re.compile(r"^[A-Za-z0-9_.-]{3,30}$")


def configured() -> bool:
    return bool(getattr(settings, "YOUTUBE_API_KEY", ""))


def handle_normalize(raw: str) -> str:
    value = (raw or "").strip()
    for prefix in ("https://www.youtube.com/", "https://youtube.com/", "https://m.youtube.com/"):
        value = value.removeprefix(prefix)
    value = value.lstrip("@")
    if not _HANDLE.match(value):
        raise ValueError(
            "Give your YouTube handle, like @alice (the address of your channel, youtube.com/@alice)."
        )
    return value.lower()


def handle_display(handle: str) -> str:
    return f"@{handle}"


def profile_read(handle: str) -> PublicProfile:
    if not configured():
        raise profile_error("YouTube description checks are not configured on this server.", transient=False)
    try:
        DailyQuota(run_units=1).spend(1)
    except ConnectorError:
        raise profile_error(
            "This server has used up its YouTube quota for today; please try again tomorrow.", transient=True
        ) from None
    base = (getattr(settings, "YOUTUBE_API_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    query = urlencode({"part": "snippet", "forHandle": f"@{handle}", "key": settings.YOUTUBE_API_KEY})
    status, body = get_json(f"{base}/youtube/v3/channels?{query}", what="YouTube")
    if status in (400, 403):
        raise profile_error(
            "YouTube refused this server's API key; the operator must check YOUTUBE_API_KEY.", transient=False
        )
    if status != 200 or not isinstance(body, dict):
        raise profile_error(
            f"YouTube answered the channel lookup with an error (HTTP {status}).", transient=True
        )
    channel = my_channel(body)
    if channel is None:
        raise profile_error(f"No YouTube channel @{handle} was found.", transient=False)
    record = channel_record(channel)
    if record is None or not channel_id_valid(record.external_id) or record.handle.lower() != handle:
        raise profile_error(f"YouTube answered for another channel than @{handle}.", transient=True)
    return PublicProfile(network="youtube", external_ids=(record.external_id,), handle=handle, bio=record.bio)
