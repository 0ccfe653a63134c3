"""Reads for the Instagram connector."""

from __future__ import annotations

from django.db.models import QuerySet

from connectors.instagram.parser import NETWORK
from connectors.models import ConnectedAccount


def instagram_accounts_to_sync() -> QuerySet[ConnectedAccount]:
    """Every Instagram account whose member still lets us read it, least recently synced first."""
    return ConnectedAccount.objects.filter(
        network=NETWORK, status=ConnectedAccount.Status.ACTIVE, member__opted_out_at__isnull=True
    ).order_by("last_synced_at", "pk")


def instagram_accounts_of_member(*, member) -> QuerySet[ConnectedAccount]:
    return ConnectedAccount.objects.filter(member=member, network=NETWORK).select_related("identity")
