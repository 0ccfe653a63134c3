"""X accounts' public profiles, for the public opt-out (see ``connectors.profiles``).

X's own API says which account has the username; nobody else is asked. Reading a bio needs an
app-only bearer token (``X_BEARER_TOKEN``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings

from connectors.profiles import PublicProfile, get_json, profile_error

_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")


def configured() -> bool:
    return bool(getattr(settings, "X_BEARER_TOKEN", ""))


def handle_normalize(raw: str) -> str:
    value = (raw or "").strip().lstrip("@")
    if not _USERNAME.match(value):
        raise ValueError("Give your X username, like @alice: letters, digits and _ only, up to 15.")
    return value


def handle_display(handle: str) -> str:
    return f"@{handle}"


def profile_read(handle: str) -> PublicProfile:
    if not configured():
        raise profile_error("X bio checks are not configured on this server.", transient=False)
    base = settings.X_API_BASE_URL.rstrip("/")
    status, body = get_json(
        f"{base}/2/users/by/username/{quote(handle)}?user.fields=description",
        what="X",
        headers={"Authorization": f"Bearer {settings.X_BEARER_TOKEN}"},
    )
    data = body.get("data") if isinstance(body, dict) else None
    if status == 404 or (status == 200 and not data and isinstance(body, dict) and body.get("errors")):
        raise profile_error(f"No X account @{handle} was found.", transient=False)
    if status in (401, 403):
        raise profile_error(
            "X refused this server's credentials; the operator must check X_BEARER_TOKEN.", transient=False
        )
    if status != 200 or not isinstance(data, dict) or not data.get("id"):
        raise profile_error(f"X answered the profile lookup with an error (HTTP {status}).", transient=True)
    if str(data.get("username") or "").lower() != handle.lower() or not str(data["id"]).isdigit():
        raise profile_error(f"X answered for another account than @{handle}.", transient=True)
    return PublicProfile(
        network="x",
        external_ids=(str(data["id"]),),
        handle=data.get("username") or handle,
        bio=data.get("description") or "",
    )
