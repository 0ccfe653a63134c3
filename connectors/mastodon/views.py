"""The "Connect Mastodon" pages: the member's address, their server's consent page, its answer."""

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
from connectors.mastodon import oauth
from connectors.mastodon.client import MastodonClient
from connectors.mastodon.forms import MastodonAddressForm
from connectors.mastodon.selectors import mastodon_accounts_of_member
from connectors.mastodon.services import mastodon_account_connect
from connectors.mastodon.tasks import mastodon_account_sync_task
from klout.queue import enqueue

SESSION_KEY = "mastodon_oauth_pending"


def _callback_url() -> str:
    # The exact URL registered with each server; built from SITE_URL, not the request's Host.
    return settings.SITE_URL + reverse("mastodon:callback")


def _page(request: HttpRequest, form: MastodonAddressForm | None = None, status: int = 200) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "is_member": member is not None,
        "accounts": list(mastodon_accounts_of_member(member=member)) if member else [],
        "form": form or MastodonAddressForm(),
    }
    return render(request, "connectors/mastodon/account.html", context, status=status)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@member_required(
    message="Only influencer accounts can connect Mastodon.",
    redirect_to="mastodon:account",
    level=messages.ERROR,
)
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    form = MastodonAddressForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    user, host = form.cleaned_data["address"].split("@", 1)
    try:
        started = oauth.authorization_start(host=host, redirect_uri=_callback_url())
    except ConnectorError as error:
        form.add_error("address", f"Klout could not register with {host}: {error.message}")
        return _page(request, form, status=400 if error.permanent else 503)
    request.session[SESSION_KEY] = {
        "state": started.state,
        "verifier": started.code_verifier,
        "host": host,
        "address": f"{user}@{host}",
    }
    return redirect(started.url)


@login_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    member = member_for_request(request)
    if request.GET.get("error"):
        messages.info(request, "Mastodon was not connected: the authorisation was cancelled on your server.")
        return redirect("mastodon:account")
    if not pending or not request.GET.get("state") or request.GET["state"] != pending.get("state"):
        messages.error(
            request, "That Mastodon authorisation was not started here or has expired. Please try again."
        )
        return redirect("mastodon:account")
    if member is None or not request.GET.get("code"):
        messages.error(request, "Your Mastodon server did not send an authorisation code. Please try again.")
        return redirect("mastodon:account")
    host = pending["host"]
    try:
        token = oauth.authorization_finish(
            host=host,
            code=request.GET["code"],
            redirect_uri=_callback_url(),
            code_verifier=pending["verifier"],
        )
        me = MastodonClient(host=host, access_token=token).me()
        account = mastodon_account_connect(member=member, host=host, access_token=token, me=me)
    except ConnectorError as error:
        hint = (
            "Please try again." if error.permanent else "It may be busy; please try again in a few minutes."
        )
        messages.error(request, f"Mastodon could not be connected: {error.message}. {hint}")
        return redirect("mastodon:account")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mastodon:account")
    handle = account.identity.handle
    if handle != pending.get("address"):
        messages.info(request, f"You signed in as @{handle}, which is the account now connected.")
    if enqueue(mastodon_account_sync_task, account.pk):
        messages.success(request, f"Connected @{handle}. Its activity is being read now.")
    else:
        messages.success(
            request, f"Connected @{handle}. Its activity will be read with the next hourly sync."
        )
    return redirect("mastodon:account")
