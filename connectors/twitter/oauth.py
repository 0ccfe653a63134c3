"""OAuth 2.0 Authorization Code with PKCE for X: the protocol only, no database.

1. ``authorization_start`` makes the URL the member is sent to, with a random ``state``
   (checked on return, against cross-site request forgery) and a PKCE code verifier
   (proves that whoever exchanges the code is who started the flow). Both are kept in
   the member's session by the view.
2. ``authorization_finish`` exchanges the code X sends back for tokens.
3. ``token_refresh`` trades the refresh token (``offline.access``) for a new pair when the
   access token (two hours) has expired. X rotates refresh tokens: each is good once,
   so the new one must be stored before anything else can fail.

The protocol itself is ``connectors.oauth2``, which YouTube's sign-in shares.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from connectors import oauth2
from connectors.errors import ConnectorError
from connectors.oauth2 import AuthorizationRequest, Tokens
from connectors.twitter.client import DEFAULT_BASE_URL

__all__ = ["AuthorizationRequest", "Tokens", "authorization_finish", "authorization_start", "token_refresh"]

AUTHORIZE_URL = "https://twitter.com/i/oauth2/authorize"
SCOPES = ("tweet.read", "users.read", "like.read", "follows.read", "offline.access")


def x_oauth_configured() -> bool:
    return bool(getattr(settings, "X_CLIENT_ID", ""))


def _base_url() -> str:
    return (getattr(settings, "X_API_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def _client_id() -> str:
    if not x_oauth_configured():
        raise ConnectorError("X is not configured on this server (X_CLIENT_ID is not set)", permanent=True)
    return settings.X_CLIENT_ID


def authorization_start(*, redirect_uri: str) -> AuthorizationRequest:
    return oauth2.pkce_authorization(
        client_id=_client_id(), authorize_url=AUTHORIZE_URL, redirect_uri=redirect_uri, scopes=SCOPES
    )


def authorization_finish(*, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    return _token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
            "client_id": _client_id(),
        }
    )


def token_refresh(*, refresh_token: str) -> Tokens:
    client_id = _client_id()
    if not refresh_token:
        raise ConnectorError(
            "X access expired and no refresh token was granted", permanent=True, auth=True, status=None
        )
    return _token_request(
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    )


def token_expired(*, expires_at: datetime | None) -> bool:
    return oauth2.token_expired(expires_at=expires_at)


def _token_request(data: dict[str, str]) -> Tokens:
    secret = getattr(settings, "X_CLIENT_SECRET", "") or ""
    # A confidential client (one with a secret) authenticates with HTTP Basic; a public
    # one sends only its id, which is already in the form.
    auth = (settings.X_CLIENT_ID, secret) if secret else None
    return oauth2.token_request(url=f"{_base_url()}/2/oauth2/token", data=data, auth=auth, label="X")
