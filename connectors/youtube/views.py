"""The "Connect YouTube" pages: sign in with Google (OAuth 2.0 with PKCE), show the channel."""

from __future__ import annotations

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.oauth_views import OAuthSignIn
from connectors.youtube import oauth
from connectors.youtube.client import DEFAULT_BASE_URL, YouTubeClient
from connectors.youtube.quota import DailyQuota
from connectors.youtube.selectors import youtube_accounts_of_member
from connectors.youtube.services import youtube_account_connect
from connectors.youtube.tasks import youtube_account_sync_task


def _connect(*, member, tokens):
    if not oauth.scopes_granted(tokens):
        raise ConnectorError(
            "the permission to see your YouTube account was left unticked on Google's page", permanent=True
        )
    client = YouTubeClient(
        access_token=tokens.access_token,
        base_url=getattr(settings, "YOUTUBE_API_BASE_URL", "") or DEFAULT_BASE_URL,
        spend=DailyQuota.for_run().spend,
    )
    return youtube_account_connect(member=member, tokens=tokens, channels=client.my_channel())


SIGN_IN = OAuthSignIn(
    label="YouTube",
    provider="Google",
    oauth=oauth,
    configured=oauth.youtube_oauth_configured,
    account_page="youtube:account",
    callback="youtube:callback",
    session_key="youtube_oauth_pending",
    connect=_connect,
    sync_task=youtube_account_sync_task,
    not_configured=(
        "YouTube is not configured on this server yet; the operator must set GOOGLE_CLIENT_ID and "
        "GOOGLE_CLIENT_SECRET."
    ),
    template="connectors/youtube/account.html",
    accounts_of_member=youtube_accounts_of_member,
)


account_page, connect_start, connect_callback = SIGN_IN.views()
