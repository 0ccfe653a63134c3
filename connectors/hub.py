"""The "Connect networks" page: every source a member can add, and the state of each."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from connectors import services
from connectors.models import ConnectedAccount, SyncRun


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    description: str
    url: str | None  # where to connect or upload; None when this server cannot offer it
    unavailable_reason: str = ""


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def sources() -> list[Source]:
    x_ready = bool(settings.X_CLIENT_ID)
    return [
        Source(
            key="x",
            name="X (Twitter)",
            description="Sign in with X; your posts, mentions, likes, reposts and quotes are read hourly.",
            url=_url("x:account"),
            unavailable_reason="" if x_ready else "The operator of this server has not set up X sign-in yet.",
        ),
        Source(
            key="x_archive",
            name="X archive",
            description="Upload the zip from X's \u201cDownload an archive of your data\u201d.",
            url=_url("connectors:archive_upload"),
        ),
        Source(
            key="jsonl",
            name="Activity file (JSON Lines)",
            description="Any network's activity in Klout's documented import format.",
            url=_url("connectors:activity_upload"),
        ),
    ]


@login_required
def connect_index(request):
    member = getattr(request.user, "member", None)
    if member is None:
        messages.info(request, "Only influencer accounts connect networks to be scored.")
        return redirect("home")
    accounts = ConnectedAccount.objects.filter(member=member).select_related("identity").order_by("network")
    runs = SyncRun.objects.filter(member=member).order_by("-created_at")[:10]
    return render(
        request,
        "connectors/connect.html",
        {"sources": sources(), "accounts": accounts, "runs": runs},
    )


def _own_account(request, account_id: int) -> ConnectedAccount:
    """The signed-in member's account, or 404: someone else's account is not even named."""
    member = getattr(request.user, "member", None)
    accounts = ConnectedAccount.objects.select_related("identity")
    return get_object_or_404(accounts, pk=account_id, member=member)


@login_required
@require_POST
def account_disconnect(request, account_id: int):
    account = _own_account(request, account_id)
    delete_data = request.POST.get("data") == "delete"
    handle = account.identity.handle or account.identity.external_id
    services.account_disconnect(account=account, delete_data=delete_data)
    if delete_data:
        messages.success(request, f"@{handle} is disconnected and everything read from it is deleted.")
    else:
        messages.success(request, f"@{handle} is disconnected; what was read from it is kept in your score.")
    return redirect("connect:index")


@login_required
@require_POST
def account_sync_now(request, account_id: int):
    account = _own_account(request, account_id)
    try:
        services.account_sync_now(account=account)
    except services.SyncRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "A sync is on its way; your score follows when it is done.")
    return redirect("connect:index")
