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
from connectors.selectors import connected_account_get_for_member, member_accounts


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


@dataclass(frozen=True)
class YourAccount:
    """One of the member's accounts on the connect page, and where Klout got it from."""

    identity: object
    account: ConnectedAccount | None
    origin: str
    self_reported: bool
    reconnect_url: str | None = None


def _origin(identity, account: ConnectedAccount | None) -> tuple[str, bool]:
    if account is not None and account.status != "disconnected":
        return "Connected: Klout reads it from the network", False
    if account is not None:
        return "Disconnected: what was read before still counts", False
    if not identity.proven:
        return "From a file you uploaded (self-reported)", True
    if identity.external_id.startswith("demo-"):
        return "Demo data: a generated account linked to this demo login", False
    return "Linked to your account", False


def your_accounts(*, member) -> list[YourAccount]:
    """Every account the member's score counts, connected or uploaded: the dashboard's and the
    privacy page's list (``member_identities``), with the connection that reads each."""
    reconnect = _reconnect_pages()
    rows = []
    for identity, account, _latest in member_accounts(member=member):
        origin, self_reported = _origin(identity, account)
        rows.append(
            YourAccount(
                identity=identity,
                account=account,
                origin=origin,
                self_reported=self_reported,
                reconnect_url=reconnect.get(identity.network),
            )
        )
    return rows


def _reconnect_pages() -> dict[str, str | None]:
    return {s.network: _url(s.sign_in.page) for s in registry.sources() if s.sign_in and s.network}


@member_required(message="Only influencer accounts connect networks to be scored.")
def connect_index(request):
    member = member_for_request(request)
    # Someone who opted out is offered nothing that would be refused: nothing is collected again.
    opted_out = member.opted_out_at is not None
    runs = SyncRun.objects.filter(member=member).order_by("-created_at")[:10]
    return render(
        request,
        "connectors/connect.html",
        {
            "member": member,
            "opted_out": opted_out,
            "sources": [] if opted_out else cards(),
            "accounts": your_accounts(member=member),
            "runs": runs,
        },
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
