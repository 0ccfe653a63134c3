"""The "Connect X" pages: start the OAuth 2.0 (PKCE) dance, take X's answer, show the account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
from connectors.errors import ConnectorError
from connectors.twitter import oauth
from connectors.twitter.client import XClient
from connectors.twitter.selectors import x_accounts_of_member
from connectors.twitter.services import x_account_connect
from connectors.twitter.tasks import x_account_sync_task
from klout.queue import enqueue

SESSION_KEY = "x_oauth_pending"


def _callback_url() -> str:
    # The exact URL registered with X; built from SITE_URL, not the request's Host header.
    return settings.SITE_URL + reverse("x:callback")


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "configured": oauth.x_oauth_configured(),
        "is_member": member is not None,
        "accounts": list(x_accounts_of_member(member=member)) if member else [],
        "callback_url": _callback_url(),
    }
    return render(request, "connectors/twitter/account.html", context)


@member_required(
    message="Only influencer accounts can connect X.", redirect_to="x:account", level=messages.ERROR
)
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    if not oauth.x_oauth_configured():
        messages.error(request, "X is not configured on this server yet; the operator must set X_CLIENT_ID.")
        return redirect("x:account")
    started = oauth.authorization_start(redirect_uri=_callback_url())
    request.session[SESSION_KEY] = {"state": started.state, "verifier": started.code_verifier}
    return redirect(started.url)


@login_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    member = member_for_request(request)
    if request.GET.get("error"):
        messages.info(request, "X was not connected: the authorisation was cancelled on X.")
        return redirect("x:account")
    if not pending or not request.GET.get("state") or request.GET["state"] != pending.get("state"):
        messages.error(request, "That X authorisation was not started here or has expired. Please try again.")
        return redirect("x:account")
    if member is None or not request.GET.get("code"):
        messages.error(request, "X did not send an authorisation code. Please try again.")
        return redirect("x:account")
    try:
        tokens = oauth.authorization_finish(
            code=request.GET["code"], redirect_uri=_callback_url(), code_verifier=pending["verifier"]
        )
        profile = XClient(access_token=tokens.access_token, base_url=settings.X_API_BASE_URL).me()
        account = x_account_connect(member=member, tokens=tokens, profile=profile)
    except ConnectorError as error:
        hint = (
            "Please try again."
            if error.permanent
            else "X is having trouble; please try again in a few minutes."
        )
        messages.error(request, f"X could not be connected: {error.message}. {hint}")
        return redirect("x:account")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("x:account")
    if enqueue(x_account_sync_task, account.pk):
        messages.success(request, f"Connected @{account.identity.handle}. Its activity is being read now.")
    else:
        messages.success(
            request,
            f"Connected @{account.identity.handle}. Its activity will be read with the next hourly sync.",
        )
    return redirect("x:account")
