"""The "Connect Bluesky" pages: the handle and an app password, checked on the member's PDS."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
from connectors.bluesky.client import BlueskyClient
from connectors.bluesky.forms import BlueskySignInForm
from connectors.bluesky.selectors import bluesky_accounts_of_member
from connectors.bluesky.services import bluesky_account_connect
from connectors.bluesky.session import sign_in
from connectors.bluesky.tasks import bluesky_account_sync_task
from connectors.errors import ConnectorError
from klout.queue import enqueue


def _page(request: HttpRequest, form: BlueskySignInForm | None = None, status: int = 200) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "is_member": member is not None,
        "accounts": list(bluesky_accounts_of_member(member=member)) if member else [],
        "form": form or BlueskySignInForm(),
    }
    return render(request, "connectors/bluesky/account.html", context, status=status)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@sensitive_post_parameters("app_password")
@member_required(
    message="Only influencer accounts can connect Bluesky.",
    redirect_to="bluesky:account",
    level=messages.ERROR,
)
@require_POST
def connect(request: HttpRequest) -> HttpResponse:
    form = BlueskySignInForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    password = form.cleaned_data["app_password"]
    try:
        signed_in = sign_in(handle=form.cleaned_data["handle"], app_password=password)
        profile = BlueskyClient().profile(actor=signed_in.did)
        account = bluesky_account_connect(
            member=member_for_request(request), signed_in=signed_in, app_password=password, profile=profile
        )
    except ConnectorError as error:
        if error.auth:
            form.add_error("app_password", "Bluesky did not accept that app password for this account.")
        else:
            form.add_error(None, f"Bluesky could not be connected: {error.message}")
        return _page(request, form, status=400 if error.permanent else 503)
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))
        return _page(request, form, status=400)
    handle = account.identity.handle or account.identity.external_id
    if enqueue(bluesky_account_sync_task, account.pk):
        messages.success(request, f"Connected @{handle}. Its activity is being read now.")
    else:
        messages.success(
            request, f"Connected @{handle}. Its activity will be read with the next hourly sync."
        )
    return redirect("bluesky:account")
