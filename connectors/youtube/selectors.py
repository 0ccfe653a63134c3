"""Reads for the YouTube connector."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from connectors.models import ConnectedAccount
from connectors.youtube.parser import NETWORK

# Every channel's sync spends the server's one daily quota: read each every few hours, not hourly.
DEFAULT_SYNC_HOURS = 3


def youtube_accounts_to_sync() -> QuerySet[ConnectedAccount]:
    """Every YouTube channel whose member still lets us read it and that was not read lately,
    least recently synced first."""
    hours = float(getattr(settings, "YOUTUBE_SYNC_HOURS", DEFAULT_SYNC_HOURS))
    # A little under the interval, so that a sync that ran late does not skip a round.
    due = timezone.now() - timedelta(hours=hours) + timedelta(minutes=10)
    return ConnectedAccount.objects.filter(
        Q(last_synced_at__isnull=True) | Q(last_synced_at__lte=due),
        network=NETWORK,
        status=ConnectedAccount.Status.ACTIVE,
        member__opted_out_at__isnull=True,
    ).order_by("last_synced_at", "pk")


def youtube_accounts_of_member(*, member) -> QuerySet[ConnectedAccount]:
    return ConnectedAccount.objects.filter(member=member, network=NETWORK).select_related("identity")
