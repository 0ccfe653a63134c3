"""Reads for the Facebook connector."""

from __future__ import annotations

from django.db.models import QuerySet

from connectors.facebook.parser import NETWORK
from connectors.models import ConnectedAccount


def facebook_accounts_to_sync() -> QuerySet[ConnectedAccount]:
    """Every Facebook account whose member still lets us read it, least recently synced first."""
    return ConnectedAccount.objects.filter(
        network=NETWORK, status=ConnectedAccount.Status.ACTIVE, member__opted_out_at__isnull=True
    ).order_by("last_synced_at", "pk")


def facebook_accounts_of_member(*, member) -> QuerySet[ConnectedAccount]:
    return ConnectedAccount.objects.filter(member=member, network=NETWORK).select_related("identity")
