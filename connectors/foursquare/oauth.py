"""Signing in with Foursquare: OAuth 2.0 (``connectors.oauth2``), no database.

Foursquare's tokens do not expire and come with no refresh token: a token the member revokes
ends the sync until they connect again. Foursquare's consent page does not use PKCE (it ignores
the challenge); the client secret, sent only from this server, and ``state`` protect the flow.
"""

from __future__ import annotations

from django.conf import settings

from connectors import oauth2
from connectors.errors import ConnectorError
from connectors.oauth2 import AuthorizationRequest, Tokens

AUTHORIZE_URL = "https://foursquare.com/oauth2/authenticate"
DEFAULT_TOKEN_URL = "https://foursquare.com/oauth2/access_token"  # noqa: S105 (an address, not a secret)


def foursquare_oauth_configured() -> bool:
    return bool(
        getattr(settings, "FOURSQUARE_CLIENT_ID", "") and getattr(settings, "FOURSQUARE_CLIENT_SECRET", "")
    )


def _client() -> tuple[str, str]:
    if not foursquare_oauth_configured():
        raise ConnectorError(
            "Foursquare is not configured on this server "
            "(FOURSQUARE_CLIENT_ID and FOURSQUARE_CLIENT_SECRET are not set)",
            permanent=True,
        )
    return settings.FOURSQUARE_CLIENT_ID, settings.FOURSQUARE_CLIENT_SECRET


def authorization_start(*, redirect_uri: str) -> AuthorizationRequest:
    client_id, _ = _client()
    return oauth2.pkce_authorization(
        client_id=client_id, authorize_url=AUTHORIZE_URL, redirect_uri=redirect_uri, scopes=()
    )


def authorization_finish(*, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    client_id, secret = _client()
    return oauth2.token_request(
        url=getattr(settings, "FOURSQUARE_TOKEN_URL", "") or DEFAULT_TOKEN_URL,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": secret,
        },
        label="Foursquare",
    )
