"""OAuth 2.0 Authorization Code with PKCE, as the networks that sign members in with it speak it.

The protocol only, no database: a network's ``oauth.py`` names its endpoints, client and
scopes, and keeps what is its own (X rotates refresh tokens; Google gives one only when asked
for offline access).

1. ``pkce_authorization`` makes the URL the member is sent to, with a random ``state``
   (checked on return, against cross-site request forgery) and a PKCE code verifier (proves
   that whoever exchanges the code is who started the flow). The view keeps both in the
   member's session.
2. ``token_request`` posts to the token endpoint (the code's exchange, or a refresh) and reads
   the answer. A rejected grant is permanent and about authorisation (the member must connect
   again); a failing or unreachable endpoint is transient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.utils import timezone
from oauthlib.oauth2 import WebApplicationClient

from connectors.errors import ConnectorError

# Refresh a little before the stated expiry, so a token does not die mid-sync.
EXPIRY_MARGIN = timedelta(minutes=5)
# (connect, read) seconds.
TOKEN_TIMEOUT: tuple[float, float] = (5.0, 30.0)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: datetime | None
    scopes: str


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    code_verifier: str


def pkce_authorization(
    *, client_id: str, authorize_url: str, redirect_uri: str, scopes: tuple[str, ...], **extra: str
) -> AuthorizationRequest:
    """The consent page's URL, with ``extra`` parameters the network asks for."""
    client = WebApplicationClient(client_id)
    verifier = client.create_code_verifier(length=128)
    challenge = client.create_code_challenge(verifier, code_challenge_method="S256")
    state = client.state_generator()
    url = client.prepare_request_uri(
        authorize_url,
        redirect_uri=redirect_uri,
        scope=list(scopes),
        state=state,
        code_challenge=challenge,
        code_challenge_method="S256",
        **extra,
    )
    return AuthorizationRequest(url=url, state=state, code_verifier=verifier)


def token_expired(*, expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at - EXPIRY_MARGIN <= timezone.now()


def token_request(
    *, url: str, data: dict[str, str], label: str, auth: tuple[str, str] | None = None
) -> Tokens:
    """Post ``data`` to the token endpoint at ``url``; ``label`` names the network in errors."""
    try:
        response = requests.post(url, data=data, auth=auth, timeout=TOKEN_TIMEOUT)
    except requests.Timeout as exc:
        raise ConnectorError(f"{label}'s token endpoint did not answer in time", permanent=False) from exc
    except requests.RequestException as exc:
        raise ConnectorError(
            f"{label}'s token endpoint could not be reached: {exc}", permanent=False
        ) from exc
    try:
        body = response.json()
    except requests.JSONDecodeError:
        body = None
    if (
        response.status_code >= 500
        or response.status_code == 429
        or (response.ok and not isinstance(body, dict))
    ):
        raise ConnectorError(
            f"{label}'s token endpoint failed with {response.status_code}",
            permanent=False,
            status=response.status_code,
        )
    if not response.ok:
        detail = (
            body.get("error_description") or body.get("error") if isinstance(body, dict) else response.reason
        )
        raise ConnectorError(
            f"{label} refused the authorisation ({detail})",
            permanent=True,
            auth=True,
            status=response.status_code,
        )
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise ConnectorError(f"{label}'s token endpoint answered without an access token", permanent=False)
    expires_in = body.get("expires_in")
    scope = body.get("scope") or ""
    return Tokens(
        access_token=access,
        refresh_token=body.get("refresh_token") or "",
        expires_at=timezone.now() + timedelta(seconds=expires_in)
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool)
        else None,
        # Space-separated by the standard; some servers send a list.
        scopes=" ".join(scope) if isinstance(scope, list) else str(scope),
    )
