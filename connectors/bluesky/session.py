"""Signing in with Bluesky: the member's handle and an app password, checked on their own PDS.

Bluesky's OAuth is not offered by every PDS yet; an app password is what every one accepts,
and the member can revoke it from their settings at any time. The sign-in:

1. The handle is confirmed both ways (``profile.profile_read``: the handle resolves to a DID
   whose document names the handle back), so the DID is the handle's for sure.
2. The DID document names the member's PDS (``#atproto_pds``); a DID document is the member's
   to write, so the PDS is called only through the checked, pinned fetch (``public_http``).
3. ``com.atproto.server.createSession`` with the DID and the app password must answer for
   that DID. Every sync signs in again the same way: a revoked app password ends the sync and
   asks the member to reconnect, as a revoked OAuth token does.

Only app passwords are taken (``xxxx-xxxx-xxxx-xxxx``): the account's own password would give
this service the whole account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from connectors.bluesky.client import BlueskyClient
from connectors.bluesky.profile import did_document, profile_read
from connectors.errors import ConnectorError

APP_PASSWORD = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")


@dataclass(frozen=True)
class SignedIn:
    did: str
    handle: str
    pds: str


def app_password_valid(value: str) -> bool:
    return bool(APP_PASSWORD.match(value or ""))


def pds_of(did: str) -> str:
    """The https address of the DID's PDS, from its document."""
    services = did_document(did).get("service")
    for service in services if isinstance(services, list) else []:
        if not isinstance(service, dict) or not str(service.get("id", "")).endswith("#atproto_pds"):
            continue
        endpoint = service.get("serviceEndpoint")
        if isinstance(endpoint, str) and _endpoint_valid(endpoint):
            return endpoint.rstrip("/")
    raise ConnectorError(f"The record of {did} names no Bluesky server (PDS) to sign in on", permanent=True)


def _endpoint_valid(endpoint: str) -> bool:
    """An https server address and nothing else (no path, user, query or fragment), short enough
    to keep; http only where the operator allows private addresses (tests)."""
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018  (raises ValueError for a port that is no port)
    except ValueError:
        return False
    private_allowed = getattr(settings, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES", False)
    schemes = ("https", "http") if private_allowed else ("https",)
    return (
        len(endpoint) <= 253
        and parts.scheme in schemes
        and bool(parts.hostname)
        and not (parts.username or parts.password or parts.query or parts.fragment)
        and not parts.path.strip("/")
    )


@sensitive_variables("app_password")
def session_confirm(*, pds: str, did: str, app_password: str) -> None:
    """Sign in on ``pds`` as ``did``: a ConnectorError (auth) when the app password is refused."""
    session = BlueskyClient(base_url=pds, public_only=True).create_session(
        identifier=did, password=app_password
    )
    if session.get("did") != did:
        raise ConnectorError("The Bluesky server signed in another account", permanent=True, auth=True)


@sensitive_variables("app_password")
def sign_in(*, handle: str, app_password: str) -> SignedIn:
    profile = profile_read(handle)
    did = profile.external_ids[0]
    pds = pds_of(did)
    session_confirm(pds=pds, did=did, app_password=app_password)
    return SignedIn(did=did, handle=profile.handle, pds=pds)
