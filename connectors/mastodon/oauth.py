"""Signing in with Mastodon: this service's app on the member's server, then OAuth 2.0 with PKCE.

1. ``server_app`` registers the app on the server the first time a member of it connects
   (``POST /api/v1/apps``: any server accepts it) and keeps it (``ServerApp``), one per server.
2. ``authorization_start`` makes the URL of the server's consent page with a random ``state``
   (checked on return) and a PKCE challenge, whose verifier stays in the member's session:
   whoever exchanges the code must be who started. Mastodon 4.3 and later check it; older
   servers ignore it and still have the client secret.
3. ``authorization_finish`` exchanges the code for a token (``POST /oauth/token``). Mastodon's
   tokens do not expire and have no refresh token: a revoked one ends the account's sync until
   the member connects again.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from oauthlib.oauth2 import WebApplicationClient

from connectors.errors import ConnectorError
from connectors.mastodon.client import MastodonClient
from connectors.models import ServerApp
from connectors.oauth2 import AuthorizationRequest

NETWORK = "mastodon"
# Reading is all a score needs: the account, its statuses, who reacted, its notifications.
SCOPES = ("read",)
APP_NAME = "Klout"


def server_app(*, host: str, redirect_uri: str) -> ServerApp:
    """This service's app on ``host``, registered there the first time."""
    scopes = " ".join(SCOPES)
    found = ServerApp.objects.filter(
        network=NETWORK, host=host, redirect_uri=redirect_uri, scopes=scopes
    ).first()
    if found is not None:
        return found
    body = MastodonClient(host=host).post_form(
        "/api/v1/apps",
        {
            "client_name": APP_NAME,
            "redirect_uris": redirect_uri,
            "scopes": scopes,
            "website": settings.SITE_URL,
        },
    )
    client_id, client_secret = body.get("client_id"), body.get("client_secret")
    if (
        not isinstance(client_id, str)
        or not 0 < len(client_id) <= 200
        or not isinstance(client_secret, str)
        or len(client_secret) > 1000
    ):
        raise ConnectorError(f"The Mastodon server {host} did not register the app", permanent=False)
    try:
        with transaction.atomic():
            return ServerApp.objects.create(
                network=NETWORK, host=host, redirect_uri=redirect_uri, scopes=scopes,
                client_id=client_id, client_secret=client_secret,
            )  # fmt: skip
    except IntegrityError:
        # Two members of a new server connected at once: the first registration is kept.
        return ServerApp.objects.get(network=NETWORK, host=host, redirect_uri=redirect_uri, scopes=scopes)


def authorization_start(*, host: str, redirect_uri: str) -> AuthorizationRequest:
    app = server_app(host=host, redirect_uri=redirect_uri)
    client = WebApplicationClient(app.client_id)
    verifier = client.create_code_verifier(length=96)
    state = client.state_generator()
    base = MastodonClient(host=host).base
    # Built here rather than by oauthlib, which refuses http: a server the operator fixed
    # (MASTODON_INSTANCE_URL without {instance}) may be on a private network.
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(SCOPES),
            "state": state,
            "code_challenge": client.create_code_challenge(verifier, code_challenge_method="S256"),
            "code_challenge_method": "S256",
        }
    )
    url = f"{base}/oauth/authorize?{query}"
    return AuthorizationRequest(url=url, state=state, code_verifier=verifier)


def authorization_finish(*, host: str, code: str, redirect_uri: str, code_verifier: str) -> str:
    """The access token for the code the server sent back."""
    app = server_app(host=host, redirect_uri=redirect_uri)
    body = MastodonClient(host=host).post_form(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "code_verifier": code_verifier,
            "scope": " ".join(SCOPES),
        },
    )
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise ConnectorError(f"The Mastodon server {host} answered without an access token", permanent=False)
    return token
