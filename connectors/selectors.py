"""Reads of the connectors app, with the access check every view goes through."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Member
from accounts.selectors import member_public_condition
from connectors.models import ConnectedAccount, Identity, SyncRun
from connectors.records import Origin
from connectors.run_figures import sync_run_figures


def identities_visible() -> QuerySet[Identity]:
    """The identities that may be shown to others: those of no member (people scored from public
    activity, until they opt out, which deletes them) and those of public members
    (``accounts.selectors.member_public_condition``). A private member's identities show
    nowhere but to the member, except one only their claim links that the network itself shows
    (its profile fetched): a claim may not hide a real person."""
    return Identity.objects.filter(
        Q(member__isnull=True)
        | member_public_condition(path="member__")
        | Q(member_claimed=True, origin__lt=Origin.UPLOAD)
    )


def member_identities(*, member: Member) -> QuerySet[Identity]:
    """The member's identities: what their privacy page lists, their export holds, and their
    opt-out and account deletion purge or release. One definition, so that none of them can
    cover an identity another misses.

    The identities linked to the member, and those they connected even if the link on the
    identity was never set (an account connected before the identity was linked). ``proven``
    is False on those only their own upload linked (a claim: ``Identity.member_claimed``), which
    an opt-out releases rather than purges (``privacy.services``).
    """
    proof = ConnectedAccount.objects.filter(identity=OuterRef("pk"), member=member)
    return (
        Identity.objects.filter(Q(member=member) | Q(connected_accounts__member=member))
        .distinct()
        .annotate(proven=Exists(proof) | Q(member_claimed=False))
        .order_by("network", "handle")
    )


def sync_run_get_for_member(*, member: Member | None, run_id: int) -> SyncRun:
    """A run of the member's own imports; 404 for anyone else's, so ids cannot be probed."""
    run = SyncRun.objects.filter(pk=run_id, member=member).first() if member else None
    if run is None:
        raise Http404("No such import")
    return run


def connected_account_get_for_member(*, member: Member | None, account_id: int) -> ConnectedAccount:
    """One of the member's own connected accounts; 404 for anyone else's: it is not even named."""
    account = (
        ConnectedAccount.objects.select_related("identity").filter(pk=account_id, member=member).first()
        if member
        else None
    )
    if account is None:
        raise Http404("No such account")
    return account


def sync_run_status(*, run: SyncRun) -> dict:
    """What the status page polls: a small JSON document. ``figures`` are those the page shows
    (``connectors.run_figures``); ``stats`` keeps the stored totals as they were."""
    stats = run.stats or {}
    figures = sync_run_figures(run=run)
    return {
        "id": run.pk,
        "source": run.source,
        "status": run.status,
        "progress": run.progress,
        "error": run.error,
        "finished": run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.FAILED),
        "stats": {
            key: stats.get(key) for key in ("read", "imported", "duplicates", "rejected") if key in stats
        },
        "figures": figures.as_dict() if figures else None,
    }


def member_accounts(*, member: Member) -> list[tuple[Identity, ConnectedAccount | None, SyncRun | None]]:
    """The member's identities (``member_identities``), each with the connected account that
    syncs it (None for one that came from an upload) and that account's latest sync: three
    queries whatever the number of accounts."""
    identities = list(member_identities(member=member))
    accounts = {
        account.identity_id: account
        for account in ConnectedAccount.objects.filter(member=member, identity__in=identities)
    }
    latest: dict[int, SyncRun] = {}
    for run in SyncRun.objects.filter(account__in=accounts.values()).order_by("account_id", "-created_at"):
        latest.setdefault(run.account_id, run)
    rows = []
    for identity in identities:
        account = accounts.get(identity.pk)
        rows.append((identity, account, latest.get(account.pk) if account else None))
    return rows
