"""The lock that keeps score writes and privacy purges from crossing.

Score snapshots point at identities without a database constraint (see
``scoring.models.IdentityScore``), so nothing in the database stops a recompute from writing a
snapshot of an identity that a purge is deleting. Both take this lock first thing in their
transaction: a purge then either finishes before the scores are written (and the writer drops
the rows of identities that are gone) or starts after they are committed (and deletes them).
Taking it first thing also keeps the two from waiting on each other's row locks.
"""

from __future__ import annotations

from django.db import connection

# Any constant works; it only has to be the same for every process. ("klout" in ASCII.)
_SCORES_LOCK_KEY = 0x6B6C6F7574


def scores_write_lock() -> None:
    """Hold the scores lock until the current transaction ends (PostgreSQL; SQLite has one writer)."""
    if not connection.in_atomic_block:
        raise RuntimeError("scores_write_lock must be taken inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCORES_LOCK_KEY])
