"""Bluesky accounts' public profiles, for the public opt-out (see ``connectors.profiles``).

The handle resolves to a DID, and that DID's document must name the handle back (both ways, as
the AT Protocol verifies handles); the bio is the DID's profile.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.profiles import HOSTNAME, PublicProfile, get_json, profile_error

_DID = re.compile(r"^did:(plc|web):[A-Za-z0-9._:%-]{1,200}$")


def configured() -> bool:
    return True


def handle_normalize(raw: str) -> str:
    value = (raw or "").strip().lstrip("@")
    if _DID.match(value):
        return value
    if not HOSTNAME.match(value.lower()):
        raise ValueError("Give your Bluesky handle, like alice.bsky.social (or your did:plc:… id).")
    return value.lower()


def handle_display(handle: str) -> str:
    return handle if handle.startswith("did:") else f"@{handle}"


def profile_read(handle: str) -> PublicProfile:
    base = settings.BLUESKY_APPVIEW_URL.rstrip("/")
    shown = handle_display(handle)
    not_found = profile_error(f"No Bluesky account {shown} was found.", transient=False)
    if handle.startswith("did:"):
        did = handle
    else:
        did = _resolve(base, handle, not_found=not_found)
        document = did_document(did)
        names = document.get("alsoKnownAs") if isinstance(document.get("alsoKnownAs"), list) else []
        if f"at://{handle}" not in {str(name).lower() for name in names}:
            raise profile_error(
                f"{shown} could not be confirmed: it points to {did}, whose record does not name it back.",
                transient=False,
            )
    status, body = get_json(f"{base}/xrpc/app.bsky.actor.getProfile?actor={quote(did)}", what="Bluesky")
    if status in (400, 404):
        raise not_found
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("did"), str):
        raise profile_error(
            f"Bluesky answered the profile lookup with an error (HTTP {status}).", transient=True
        )
    if body["did"] != did:
        raise profile_error(f"Bluesky answered for another account than {shown}.", transient=True)
    return PublicProfile(
        network="bluesky",
        external_ids=(did,),
        handle=body.get("handle") or handle,
        bio=body.get("description") or "",
    )


def _resolve(base: str, handle: str, *, not_found: ConnectorError) -> str:
    status, body = get_json(
        f"{base}/xrpc/com.atproto.identity.resolveHandle?handle={quote(handle)}", what="Bluesky"
    )
    if status in (400, 404):
        raise not_found
    did = body.get("did") if isinstance(body, dict) else None
    if status != 200 or not isinstance(did, str) or not _DID.match(did):
        raise profile_error(
            f"Bluesky answered the handle lookup with an error (HTTP {status}).", transient=True
        )
    return did


def did_document(did: str) -> dict:
    """The DID's document: from the PLC directory (did:plc) or the did:web host itself."""
    if did.startswith("did:plc:"):
        url = f"{settings.BLUESKY_PLC_DIRECTORY_URL.rstrip('/')}/{quote(did, safe=':')}"
        what, public_only = "The Bluesky PLC directory", False
    else:
        host = did.removeprefix("did:web:").lower()
        if not HOSTNAME.match(host):
            raise profile_error(f"{did} is not a DID this server can check.", transient=False)
        url, what, public_only = f"https://{host}/.well-known/did.json", f"The server {host}", True
    status, document = get_json(url, what=what, public_only=public_only)
    if status != 200 or not isinstance(document, dict) or document.get("id") != did:
        raise profile_error(f"{what} did not give the record of {did} (HTTP {status}).", transient=True)
    return document
