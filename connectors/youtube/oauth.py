"""Signing in with Google for YouTube: OAuth 2.0 with PKCE (``connectors.oauth2``), no database.

- The consent page asks for ``youtube.readonly`` only, with ``access_type=offline`` and
  ``prompt=consent`` so that Google hands out a refresh token (it does so only when asked, and
  only at a consent).
- Google's access tokens last an hour; ``token_refresh`` trades the refresh token for a new
  one. Google does not rotate refresh tokens: the one granted stays good until the member
  revokes it (then the refresh is refused, and the member must connect again).
- Google's web clients are confidential: the exchange and the refresh send the client secret.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from connectors import oauth2
from connectors.errors import ConnectorError
from connectors.oauth2 import AuthorizationRequest, Tokens

AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address, not a secret)
SCOPES = ("https://www.googleapis.com/auth/youtube.readonly",)


def youtube_oauth_configured() -> bool:
    return bool(getattr(settings, "GOOGLE_CLIENT_ID", "") and getattr(settings, "GOOGLE_CLIENT_SECRET", ""))


def _client() -> tuple[str, str]:
    if not youtube_oauth_configured():
        raise ConnectorError(
            "YouTube is not configured on this server "
            "(GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set)",
            permanent=True,
        )
    return settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET


def _token_url() -> str:
    return getattr(settings, "GOOGLE_TOKEN_URL", "") or DEFAULT_TOKEN_URL


def authorization_start(*, redirect_uri: str) -> AuthorizationRequest:
    client_id, _ = _client()
    return oauth2.pkce_authorization(
        client_id=client_id,
        authorize_url=AUTHORIZE_URL,
        redirect_uri=redirect_uri,
        scopes=SCOPES,
        access_type="offline",
        prompt="consent",
        include_granted_scopes="true",
    )


def authorization_finish(*, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    client_id, secret = _client()
    return oauth2.token_request(
        url=_token_url(),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
            "client_id": client_id,
            "client_secret": secret,
        },
        label="Google",
    )


def token_refresh(*, refresh_token: str) -> Tokens:
    client_id, secret = _client()
    if not refresh_token:
        raise ConnectorError(
            "YouTube access expired and Google granted no refresh token", permanent=True, auth=True
        )
    return oauth2.token_request(
        url=_token_url(),
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": secret,
        },
        label="Google",
    )


def token_expired(*, expires_at: datetime | None) -> bool:
    return oauth2.token_expired(expires_at=expires_at)


def scopes_granted(tokens: Tokens) -> bool:
    """Whether the member left the one scope the sync needs ticked on Google's consent page."""
    return all(scope in tokens.scopes.split() for scope in SCOPES)
