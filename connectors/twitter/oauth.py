"""OAuth 2.0 Authorization Code with PKCE for X: the protocol only, no database.

1. ``authorization_start`` makes the URL the member is sent to, with a random ``state``
   (checked on return, against cross-site request forgery) and a PKCE code verifier
   (proves that whoever exchanges the code is who started the flow). Both are kept in
   the member's session by the view.
2. ``authorization_finish`` exchanges the code X sends back for tokens.
3. ``token_refresh`` trades the refresh token (``offline.access``) for a new pair when the
   access token (two hours) has expired. X rotates refresh tokens: each is good once,
   so the new one must be stored before anything else can fail.

Errors are ConnectorErrors: a rejected grant is permanent and about authorisation (the
member must reconnect); a failing or unreachable token endpoint is transient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.utils import timezone
from oauthlib.oauth2 import WebApplicationClient

from connectors.errors import ConnectorError
from connectors.twitter.client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT

AUTHORIZE_URL = "https://twitter.com/i/oauth2/authorize"
SCOPES = ("tweet.read", "users.read", "like.read", "follows.read", "offline.access")
# Refresh a little before the stated expiry, so a token does not die mid-sync.
EXPIRY_MARGIN = timedelta(minutes=5)


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


def x_oauth_configured() -> bool:
    return bool(getattr(settings, "X_CLIENT_ID", ""))


def _base_url() -> str:
    return (getattr(settings, "X_API_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def _client() -> WebApplicationClient:
    if not x_oauth_configured():
        raise ConnectorError("X is not configured on this server (X_CLIENT_ID is not set)", permanent=True)
    return WebApplicationClient(settings.X_CLIENT_ID)


def authorization_start(*, redirect_uri: str) -> AuthorizationRequest:
    client = _client()
    verifier = client.create_code_verifier(length=128)
    challenge = client.create_code_challenge(verifier, code_challenge_method="S256")
    state = client.state_generator()
    url = client.prepare_request_uri(
        AUTHORIZE_URL,
        redirect_uri=redirect_uri,
        scope=list(SCOPES),
        state=state,
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    return AuthorizationRequest(url=url, state=state, code_verifier=verifier)


def authorization_finish(*, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    _client()
    return _token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
            "client_id": settings.X_CLIENT_ID,
        }
    )


def token_refresh(*, refresh_token: str) -> Tokens:
    _client()
    if not refresh_token:
        raise ConnectorError(
            "X access expired and no refresh token was granted", permanent=True, auth=True, status=None
        )
    return _token_request(
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": settings.X_CLIENT_ID}
    )


def token_expired(*, expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at - EXPIRY_MARGIN <= timezone.now()


def _token_request(data: dict[str, str]) -> Tokens:
    secret = getattr(settings, "X_CLIENT_SECRET", "") or ""
    # A confidential client (one with a secret) authenticates with HTTP Basic; a public
    # one sends only its id, which is already in the form.
    auth = (settings.X_CLIENT_ID, secret) if secret else None
    url = f"{_base_url()}/2/oauth2/token"
    try:
        response = requests.post(url, data=data, auth=auth, timeout=DEFAULT_TIMEOUT)
    except requests.Timeout as exc:
        raise ConnectorError("X's token endpoint did not answer in time", permanent=False) from exc
    except requests.RequestException as exc:
        raise ConnectorError(f"X's token endpoint could not be reached: {exc}", permanent=False) from exc
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
            f"X's token endpoint failed with {response.status_code}",
            permanent=False,
            status=response.status_code,
        )
    if not response.ok:
        detail = (
            body.get("error_description") or body.get("error") if isinstance(body, dict) else response.reason
        )
        raise ConnectorError(
            f"X refused the authorisation ({detail})", permanent=True, auth=True, status=response.status_code
        )
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise ConnectorError("X's token endpoint answered without an access token", permanent=False)
    expires_in = body.get("expires_in")
    return Tokens(
        access_token=access,
        refresh_token=body.get("refresh_token") or "",
        expires_at=timezone.now() + timedelta(seconds=expires_in)
        if isinstance(expires_in, int | float)
        else None,
        scopes=body.get("scope") or "",
    )
