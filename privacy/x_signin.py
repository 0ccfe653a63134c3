"""Opt-out for anyone on X by signing in with X: the sign-in itself proves control.

Reuses the connector's OAuth 2.0 (PKCE) protocol code; the tokens are used once, to ask
X who signed in, and are not stored. The operator registers the callback
SITE_URL + /privacy/opt-out/x/callback/ in the X app next to the Connect X one.
"""

from __future__ import annotations

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.twitter import oauth
from connectors.twitter.client import XClient
from privacy.purge import PurgeCounts
from privacy.services import identity_opt_out


def x_signin_configured() -> bool:
    return oauth.x_oauth_configured()


def x_signin_start(*, redirect_uri: str) -> oauth.AuthorizationRequest:
    return oauth.authorization_start(redirect_uri=redirect_uri)


def x_signin_opt_out(*, code: str, redirect_uri: str, code_verifier: str) -> tuple[str, PurgeCounts]:
    """Finish the sign-in and opt the account that signed in out; returns its @username.

    Raises ConnectorError (its message is for the person) when X refuses or fails.
    """
    tokens = oauth.authorization_finish(code=code, redirect_uri=redirect_uri, code_verifier=code_verifier)
    profile = XClient(access_token=tokens.access_token, base_url=settings.X_API_BASE_URL).me()
    data = profile.get("data") if isinstance(profile, dict) else None
    if not isinstance(data, dict) or not data.get("id"):
        raise ConnectorError("X did not say which account signed in", permanent=False)
    counts = identity_opt_out(network="x", external_ids=[str(data["id"])])
    return str(data.get("username") or data["id"]), counts
