"""The "Connect YouTube" pages: sign in with Google (OAuth 2.0 with PKCE), show the channel."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
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
)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "configured": oauth.youtube_oauth_configured(),
        "is_member": member is not None,
        "accounts": list(youtube_accounts_of_member(member=member)) if member else [],
        "callback_url": SIGN_IN.callback_url(),
    }
    return render(request, "connectors/youtube/account.html", context)


@member_required(
    message="Only influencer accounts can connect YouTube.",
    redirect_to="youtube:account",
    level=messages.ERROR,
)
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.start(request)


@login_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.finish(request)
