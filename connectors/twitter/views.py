"""The "Connect X" pages: start the OAuth 2.0 (PKCE) dance, take X's answer, show the account."""

from __future__ import annotations

from django.conf import settings

from connectors.oauth_views import OAuthSignIn
from connectors.twitter import oauth
from connectors.twitter.client import XClient
from connectors.twitter.selectors import x_accounts_of_member
from connectors.twitter.services import x_account_connect
from connectors.twitter.tasks import x_account_sync_task


def _connect(*, member, tokens):
    profile = XClient(access_token=tokens.access_token, base_url=settings.X_API_BASE_URL).me()
    return x_account_connect(member=member, tokens=tokens, profile=profile)


SIGN_IN = OAuthSignIn(
    label="X",
    provider="X",
    oauth=oauth,
    configured=oauth.x_oauth_configured,
    account_page="x:account",
    callback="x:callback",
    session_key="x_oauth_pending",
    connect=_connect,
    sync_task=x_account_sync_task,
    not_configured="X is not configured on this server yet; the operator must set X_CLIENT_ID.",
    template="connectors/twitter/account.html",
    accounts_of_member=x_accounts_of_member,
)


account_page, connect_start, connect_callback = SIGN_IN.views()
