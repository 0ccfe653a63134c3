"""The "Connect networks" page: every source a member can add, and the state of each."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
from connectors import registry, services
from connectors.models import ConnectedAccount, SyncRun
from connectors.selectors import connected_account_get_for_member


@dataclass(frozen=True)
class Card:
    """One way to add activity, on the connect page: a network to sign in with, or a file to upload."""

    key: str
    name: str
    description: str
    url: str | None  # where to connect or upload; None when this server cannot offer it
    button: str
    unavailable_reason: str = ""


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def cards() -> list[Card]:
    """Every source of the registry that a member can add, in its order."""
    found: list[Card] = []
    for source in registry.sources():
        if source.notice and not source.sign_in:
            found.append(
                Card(
                    key=source.network or source.key,
                    name=source.name,
                    description=source.notice,
                    url=None,
                    button="",
                )
            )
        if source.sign_in:
            ready = registry.dotted(source.sign_in.configured)()
            found.append(
                Card(
                    key=source.network or source.key,
                    name=source.name,
                    description=source.description,
                    url=_url(source.sign_in.page),
                    button=source.sign_in.button,
                    unavailable_reason="" if ready else source.sign_in.unconfigured_reason,
                )
            )
        for file_format in source.formats:
            found.append(
                Card(
                    key=file_format.run_source,
                    name=file_format.name,
                    description=file_format.description,
                    url=_url(f"connectors:{file_format.url_name}"),
                    button="Upload",
                )
            )
    return found


def _reconnect_pages() -> dict[str, str | None]:
    return {s.network: _url(s.sign_in.page) for s in registry.sources() if s.sign_in and s.network}


@member_required(message="Only influencer accounts connect networks to be scored.")
def connect_index(request):
    member = member_for_request(request)
    accounts = list(
        ConnectedAccount.objects.filter(member=member).select_related("identity").order_by("network")
    )
    reconnect = _reconnect_pages()
    for account in accounts:
        account.reconnect_url = reconnect.get(account.network)
    runs = SyncRun.objects.filter(member=member).order_by("-created_at")[:10]
    return render(
        request,
        "connectors/connect.html",
        {"sources": cards(), "accounts": accounts, "runs": runs},
    )


@login_required
@require_POST
def account_sync_now(request, account_id: int):
    account = connected_account_get_for_member(member=member_for_request(request), account_id=account_id)
    try:
        services.account_sync_now(account=account)
    except services.SyncRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "A sync is on its way; your score follows when it is done.")
    return redirect("connect:index")
