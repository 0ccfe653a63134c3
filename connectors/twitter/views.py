"""The "Connect X" pages: start the OAuth 2.0 (PKCE) dance, take X's answer, show the account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
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
)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "configured": oauth.x_oauth_configured(),
        "is_member": member is not None,
        "accounts": list(x_accounts_of_member(member=member)) if member else [],
        "callback_url": SIGN_IN.callback_url(),
    }
    return render(request, "connectors/twitter/account.html", context)


@member_required(
    message="Only influencer accounts can connect X.", redirect_to="x:account", level=messages.ERROR
)
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.start(request)


@login_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.finish(request)
