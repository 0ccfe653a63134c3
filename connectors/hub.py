"""The "Connect networks" page: every source a member can add, and the state of each."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from connectors import services
from connectors.models import ConnectedAccount, SyncRun
from connectors.selectors import connected_account_get_for_user


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


@login_required
@require_POST
def account_sync_now(request, account_id: int):
    account = connected_account_get_for_user(user=request.user, account_id=account_id)
    try:
        services.account_sync_now(account=account)
    except services.SyncRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "A sync is on its way; your score follows when it is done.")
    return redirect("connect:index")
