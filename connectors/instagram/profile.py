"""Instagram accounts' public bios, for the public opt-out (see ``connectors.profiles``).

Instagram shows an account's bio to an app only through business discovery, asked by a
professional account: the operator's own (``META_LOOKUP_IG_USER_ID`` and its long-lived
``META_LOOKUP_TOKEN``). Instagram itself says which account has the username, and the opt-out
tombstones it under both forms Klout stores it by: its number and its username. A personal
account's bio cannot be read by any app; such a person opts out by e-mail or from their
Klout account.
"""

from __future__ import annotations

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.instagram.client import InstagramClient
from connectors.instagram.parser import username_of
from connectors.profiles import PublicProfile, profile_error


def configured() -> bool:
    return bool(
        getattr(settings, "META_LOOKUP_IG_USER_ID", "") and getattr(settings, "META_LOOKUP_TOKEN", "")
    )


def handle_normalize(raw: str) -> str:
    value = (raw or "").strip()
    for prefix in ("https://www.instagram.com/", "https://instagram.com/"):
        value = value.removeprefix(prefix)
    name = username_of(value.strip("/").removeprefix("@"))
    if name is None:
        raise ValueError("Give your Instagram username, like @alice: letters, digits, dots and underscores.")
    return name


def handle_display(handle: str) -> str:
    return f"@{handle}"


def profile_read(handle: str) -> PublicProfile:
    if not configured():
        raise profile_error("Instagram bio checks are not configured on this server.", transient=False)
    client = InstagramClient(access_token=settings.META_LOOKUP_TOKEN)
    try:
        page = client.business_discovery(ig_user_id=settings.META_LOOKUP_IG_USER_ID, username=handle)
    except ConnectorError as error:
        if error.auth:
            raise profile_error(
                "This server's Instagram access was refused; the operator must renew META_LOOKUP_TOKEN.",
                transient=False,
            ) from None
        if error.permanent:
            raise profile_error(
                f"Instagram shows apps the bio of business and creator accounts only, and @{handle} is "
                "not one (or does not exist). Opt out from your Klout account, or write to this "
                "server's operator.",
                transient=False,
            ) from None
        raise profile_error(
            f"Instagram is busy or failing ({error.message}); please try again later.", transient=True
        ) from None
    found = page.get("business_discovery") if isinstance(page.get("business_discovery"), dict) else {}
    account_id = found.get("id")
    if (
        username_of(found.get("username")) != handle
        or not isinstance(account_id, str)
        or not account_id.isdigit()
    ):
        raise profile_error(f"Instagram answered for another account than @{handle}.", transient=True)
    return PublicProfile(
        network="instagram",
        external_ids=(account_id, handle),
        handle=handle,
        bio=str(found.get("biography") or ""),
    )
