"""The "Connect Instagram" pages: Facebook Login (OAuth 2.0 with PKCE), show the account."""

from __future__ import annotations

from connectors.instagram import oauth
from connectors.instagram.client import InstagramClient
from connectors.instagram.selectors import instagram_accounts_of_member
from connectors.instagram.services import instagram_account_connect
from connectors.instagram.tasks import instagram_account_sync_task
from connectors.oauth_views import OAuthSignIn


def _connect(*, member, tokens):
    accounts = InstagramClient(access_token=tokens.access_token).accounts()
    return instagram_account_connect(member=member, tokens=tokens, accounts=accounts)


SIGN_IN = OAuthSignIn(
    label="Instagram",
    provider="Facebook",
    oauth=oauth,
    configured=oauth.instagram_oauth_configured,
    account_page="instagram:account",
    callback="instagram:callback",
    session_key="instagram_oauth_pending",
    connect=_connect,
    sync_task=instagram_account_sync_task,
    not_configured=(
        "Instagram is not configured on this server yet; the operator must set META_APP_ID and "
        "META_APP_SECRET."
    ),
    template="connectors/instagram/account.html",
    accounts_of_member=instagram_accounts_of_member,
)


account_page, connect_start, connect_callback = SIGN_IN.views()
