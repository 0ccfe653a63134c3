"""The "Connect Instagram" pages: Facebook Login (OAuth 2.0 with PKCE), show the account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
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
)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "configured": oauth.instagram_oauth_configured(),
        "is_member": member is not None,
        "accounts": list(instagram_accounts_of_member(member=member)) if member else [],
        "callback_url": SIGN_IN.callback_url(),
    }
    return render(request, "connectors/instagram/account.html", context)


@member_required(
    message="Only influencer accounts can connect Instagram.",
    redirect_to="instagram:account",
    level=messages.ERROR,
)
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.start(request)


@login_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.finish(request)
