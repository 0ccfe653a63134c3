"""The "Connect a Facebook Page" pages: Facebook Login (OAuth 2.0 with PKCE), show the Page."""

from __future__ import annotations

from connectors.facebook import oauth
from connectors.facebook.client import FacebookClient
from connectors.facebook.selectors import facebook_accounts_of_member
from connectors.facebook.services import facebook_page_connect
from connectors.facebook.tasks import facebook_account_sync_task
from connectors.oauth_views import OAuthSignIn


def _connect(*, member, tokens):
    pages = FacebookClient(access_token=tokens.access_token).pages()
    return facebook_page_connect(member=member, pages=pages, scopes=tokens.scopes)


SIGN_IN = OAuthSignIn(
    label="Facebook",
    provider="Facebook",
    oauth=oauth,
    configured=oauth.facebook_oauth_configured,
    account_page="facebook:account",
    callback="facebook:callback",
    session_key="facebook_oauth_pending",
    connect=_connect,
    sync_task=facebook_account_sync_task,
    not_configured=(
        "Facebook is not configured on this server yet; the operator must set META_APP_ID and "
        "META_APP_SECRET."
    ),
    template="connectors/facebook/account.html",
    accounts_of_member=facebook_accounts_of_member,
)


account_page, connect_start, connect_callback = SIGN_IN.views()
