"""Facebook Pages' public "about", for the public opt-out (see ``connectors.profiles``).

A Page's public fields are read with the app's own token (``META_APP_ID|META_APP_SECRET``; Meta
grants it the Page Public Metadata Access feature on review). Facebook itself says which Page has
the user name; the opt-out tombstones it under its number and its user name. A personal
profile's bio is open to no app: such a person opts out by e-mail or from their Klout account.
"""

from __future__ import annotations

import re

from django.conf import settings

from connectors import meta_graph
from connectors.errors import ConnectorError
from connectors.facebook.parser import page_record
from connectors.meta_graph import GraphClient
from connectors.profiles import PublicProfile, profile_error

_NAME = re.compile(r"^[a-z0-9.]{5,50}$")


def configured() -> bool:
    return meta_graph.meta_configured()


def handle_normalize(raw: str) -> str:
    value = (raw or "").strip()
    for prefix in (
        "https://www.facebook.com/",
        "https://facebook.com/",
        "facebook.com/",
        "www.facebook.com/",
    ):
        value = value.removeprefix(prefix)
    name = value.strip("/").removeprefix("@").lower()
    if not _NAME.match(name):
        raise ValueError(
            "Give your Page's user name, like facebook.com/alicebakery: letters, digits and dots."
        )
    return name


def handle_display(handle: str) -> str:
    return f"facebook.com/{handle}"


def profile_read(handle: str) -> PublicProfile:
    if not configured():
        raise profile_error("Facebook Page checks are not configured on this server.", transient=False)
    client = GraphClient(access_token=f"{settings.META_APP_ID}|{settings.META_APP_SECRET}")
    try:
        page = client.get(handle, fields="id,name,username,about,description")
    except ConnectorError as error:
        if error.permanent:
            raise profile_error(
                f"Facebook has no Page facebook.com/{handle} that apps may read (personal profiles are open "
                "to no app). Opt out from your Klout account, or write to this server's operator.",
                transient=False,
            ) from None
        raise profile_error(
            f"Facebook is busy or failing ({error.message}); please try again later.", transient=True
        ) from None
    record = page_record(page)
    if record is None or record.handle.lower() != handle:
        raise profile_error(f"Facebook answered for another Page than facebook.com/{handle}.", transient=True)
    return PublicProfile(
        network="facebook", external_ids=(record.external_id, handle), handle=handle, bio=record.bio
    )
