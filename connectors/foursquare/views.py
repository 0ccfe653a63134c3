"""The "Connect Foursquare" pages: sign in with Foursquare (OAuth 2.0), show the account."""

from __future__ import annotations

from django.conf import settings

from connectors.foursquare import oauth
from connectors.foursquare.client import DEFAULT_BASE_URL, FoursquareClient
from connectors.foursquare.selectors import foursquare_accounts_of_member
from connectors.foursquare.services import foursquare_account_connect
from connectors.foursquare.tasks import foursquare_account_sync_task
from connectors.oauth_views import OAuthSignIn


def _connect(*, member, tokens):
    base = getattr(settings, "FOURSQUARE_API_BASE_URL", "") or DEFAULT_BASE_URL
    me = FoursquareClient(access_token=tokens.access_token, base_url=base).me()
    return foursquare_account_connect(member=member, tokens=tokens, me=me)


SIGN_IN = OAuthSignIn(
    label="Foursquare",
    provider="Foursquare",
    oauth=oauth,
    configured=oauth.foursquare_oauth_configured,
    account_page="foursquare:account",
    callback="foursquare:callback",
    session_key="foursquare_oauth_pending",
    connect=_connect,
    sync_task=foursquare_account_sync_task,
    not_configured=(
        "Foursquare is not configured on this server yet; the operator must set FOURSQUARE_CLIENT_ID and "
        "FOURSQUARE_CLIENT_SECRET."
    ),
    template="connectors/foursquare/account.html",
    accounts_of_member=foursquare_accounts_of_member,
)


account_page, connect_start, connect_callback = SIGN_IN.views()
