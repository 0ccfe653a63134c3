"""The score's side of the outbox (``connectors.changes``): re-score what ingest changed.

A drain claims a slice of pending rows (``claim`` set to its own token in one conditional
UPDATE, so two drains never take the same row; PostgreSQL skips rows another drain is
claiming instead of waiting for it), re-scores those identities for today, rebuilds the history
asked for, refreshes the topics and discovery cards of what it re-scored, and deletes the rows.
When scoring fails the rows are released for the next drain. A drain that died holding rows
leaves a claim older than ``STALE_CLAIM``; those rows are taken again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from connectors.models import Identity, IdentityChange
from scoring.cards import discovery_refresh
from scoring.services import score_history_backfill, score_recompute_incremental

logger = logging.getLogger(__name__)

# Identities re-scored together; a larger slice shares one neighbourhood read among more.
DRAIN_SLICE = 20_000
# Longer than the task time limit: a claim this old belongs to a drain that stopped.
STALE_CLAIM = timedelta(hours=2)


@dataclass
class DrainResult:
    identities: int = 0
    slices: int = 0
    backfilled: int = 0


def _claim(token: str, *, limit: int) -> int:
    """Take up to ``limit`` pending (or abandoned) rows for ``token``; returns how many."""
    stale = timezone.now() - STALE_CLAIM
    takeable = Q(claim="") | Q(claimed_at__lt=stale)
    with transaction.atomic():
        rows = IdentityChange.objects.filter(takeable).order_by("id")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("id", flat=True)[:limit])
        if not ids:
            return 0
        # Conditional: on SQLite nothing was locked, and a row another drain took meanwhile
        # no longer matches.
        return IdentityChange.objects.filter(takeable, id__in=ids).update(
            claim=token, claimed_at=timezone.now()
        )


def _rescored(identity_ids: list[int]) -> set[int]:
    """What an incremental run re-scores: the changed identities and every other identity of the
    members among them (``scoring.services.score_recompute_incremental``)."""
    members = Identity.objects.filter(pk__in=identity_ids, member__isnull=False).values("member_id")
    siblings = Identity.objects.filter(member_id__in=members).values_list("pk", flat=True)
    return set(identity_ids) | set(siblings)


def score_changes_drain(*, slice_size: int = DRAIN_SLICE) -> DrainResult:
    """Re-score every identity waiting in the outbox, a slice at a time."""
    result = DrainResult()
    while True:
        token = uuid.uuid4().hex
        if not _claim(token, limit=slice_size):
            return result
        claimed = IdentityChange.objects.filter(claim=token)
        wanted = dict(
            claimed.values("identity_id")
            .annotate(days=Max("backfill_days"))
            .values_list("identity_id", "days")
        )
        try:
            score_recompute_incremental(identity_ids=wanted)
            backfill: dict[int, list[int]] = {}
            for identity_id, days in wanted.items():
                if days:
                    backfill.setdefault(days, []).append(identity_id)
            for days, ids in backfill.items():
                score_history_backfill(identity_ids=ids, days=days)
                result.backfilled += len(ids)
            discovery_refresh(identity_ids=_rescored(list(wanted)))
        except Exception:
            # Kept for the next drain; the task's retry (or the periodic drain) gets to them.
            IdentityChange.objects.filter(claim=token).update(claim="", claimed_at=None)
            raise
        claimed.delete()
        result.identities += len(wanted)
        result.slices += 1
