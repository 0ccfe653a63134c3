"""The outbox between ingest and the score: which identities' data changed.

Ingest writes the identities a batch changed here, in the same transaction as the data
(``changes_record``), with how many days of history an import asks to rebuild; the score's
drain (``scoring.services.score_changes_drain``) claims pending rows and recomputes them. So
connectors never import the scoring app, nothing is lost when the broker is down (the periodic
drain reads what is pending), and no message carries ids: ``changes_nudge`` asks for a drain by
the task's name once the writer's work is committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from connectors.models import IdentityChange
from klout.db.copy import TempLoader
from klout.queue import enqueue_named

# The scoring task that drains the outbox, asked for by name (connectors do not import scoring).
DRAIN_TASK = "scoring.tasks.score_changes_drain"


def changes_record(*, identity_ids: Iterable[int], backfill_days: int = 0) -> int:
    """Add the identities to the outbox, within the caller's transaction; returns how many."""
    ids = sorted({int(pk) for pk in identity_ids})
    if not ids:
        return 0
    table = IdentityChange._meta.db_table
    with connection.cursor() as cursor:
        loader = TempLoader(cursor)
        if loader.postgres:
            # One COPY: an import can change a few hundred thousand identities.
            data = "".join(f"{pk}\t{int(backfill_days)}\n" for pk in ids)
            loader.copy_text(table, ("identity_id", "backfill_days"), data)
        else:
            IdentityChange.objects.bulk_create(
                [IdentityChange(identity_id=pk, backfill_days=backfill_days) for pk in ids], batch_size=5000
            )
    return len(ids)


def changes_nudge() -> None:
    """Ask the score to drain the outbox once the current transaction commits. When the broker
    cannot be reached the rows wait for the periodic drain."""
    transaction.on_commit(lambda: enqueue_named(DRAIN_TASK))
