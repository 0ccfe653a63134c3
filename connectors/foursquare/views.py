"""The "Connect Foursquare" pages: sign in with Foursquare (OAuth 2.0), show the account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
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
)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "configured": oauth.foursquare_oauth_configured(),
        "is_member": member is not None,
        "accounts": list(foursquare_accounts_of_member(member=member)) if member else [],
        "callback_url": SIGN_IN.callback_url(),
    }
    return render(request, "connectors/foursquare/account.html", context)


@member_required(
    message="Only influencer accounts can connect Foursquare.",
    redirect_to="foursquare:account",
    level=messages.ERROR,
)
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.start(request)


@login_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    return SIGN_IN.finish(request)
