"""The "Connect a Facebook Page" pages: Facebook Login (OAuth 2.0 with PKCE), show the Page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
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
)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "configured": oauth.facebook_oauth_configured(),
        "is_member": member is not None,
        "accounts": list(facebook_accounts_of_member(member=member)) if member else [],
        "callback_url": SIGN_IN.callback_url(),
    }
    return render(request, "connectors/facebook/account.html", context)


@member_required(
    message="Only influencer accounts can connect Facebook.",
    redirect_to="facebook:account",
    level=messages.ERROR,
)
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.start(request)


@login_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.finish(request)
