"""What every import shares: the report, the staging file, storing all or nothing with retries.

An import parses its whole file first, into a staging file (``Stage``), reporting progress and
refusing a malformed file before a row is written; then ``ingest_all`` stores the staged
batches in one transaction, run again from the stage when PostgreSQL aborted it to break a
deadlock. The formats' own imports live with their sources: ``jsonl/imports.py``,
``twitter/imports.py``.
"""

from __future__ import annotations

import logging
import pickle  # noqa: S403  (only our own staging files, written and read by this process)
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from django.db import OperationalError, transaction

from connectors.changes import changes_nudge
from connectors.ingest import IngestResult, ingest_batches
from connectors.jsonl.parser import LineRejection
from connectors.models import Identity
from connectors.records import NETWORK_NAMES, OPERATOR_IMPORT, Batch, Provenance

if TYPE_CHECKING:
    from connectors.archives import ArchiveStats

logger = logging.getLogger(__name__)

# Rejected lines kept in a report; beyond this only their number is.
MAX_REPORTED_REJECTIONS = 1000


class ImportRefused(Exception):
    """The whole file was refused; nothing of it was stored. The message is for the person."""


@dataclass
class ImportReport:
    read: int = 0
    rejected_lines: list[LineRejection] = field(default_factory=list)
    rejected: int = 0
    ingest: IngestResult = field(default_factory=IngestResult)
    archive: ArchiveStats | None = None

    def reject(self, rejections: list[LineRejection]) -> None:
        self.rejected += len(rejections)
        room = MAX_REPORTED_REJECTIONS - len(self.rejected_lines)
        if room > 0:
            self.rejected_lines.extend(rejections[:room])

    def stats(self) -> dict:
        """The summary stored on a SyncRun (JSON)."""
        result = self.ingest
        stats = {
            "read": self.read,
            "imported": result.imported,
            "duplicates": result.duplicates,
            "rejected": self.rejected + result.rejected,
            "dropped_opted_out": result.dropped,
            "not_own": result.not_own,
            "identities": asdict(result.identities),
            "posts": asdict(result.posts),
            "interactions": asdict(result.interactions),
            "bare_identities_created": result.bare_identities_created,
            "rejected_lines": [asdict(r) for r in self.rejected_lines[:100]],
        }
        if self.archive:
            stats["archive"] = {
                "account_id": self.archive.account_id,
                "handle": self.archive.handle,
                "tweets": self.archive.tweets,
                "followers": self.archive.followers,
                "following": self.archive.following,
                "likes_skipped": self.archive.likes_skipped,
            }
        return stats


Progress = Callable[[float], None]

# Days of score history reconstructed from an imported archive.
HISTORY_BACKFILL_DAYS = 90


# PostgreSQL's codes for a transaction it aborted so that others could go on: deadlock
# detected, serialization failure. Run again, such a transaction usually succeeds.
_RETRYABLE = frozenset({"40P01", "40001"})
IMPORT_ATTEMPTS = 3


def ingest_all(
    batches: Callable[[], Iterator[Batch]],
    report: ImportReport,
    *,
    provenance: Provenance = OPERATOR_IMPORT,
    backfill_days: int = 0,
    retry: bool = True,
) -> None:
    """Store every batch in one transaction: a failure in the last leaves none of them.

    Each call of ``batches`` starts the batches over; they are read in a second thread (see
    ``ingest_batches``), so they must not touch the database. Once stored, what changed is in
    the score's outbox, with ``backfill_days`` of history to rebuild, and a drain is asked for
    after the commit.

    Two imports that name the same new identities in opposite orders deadlock: each holds
    the identities it inserted until it commits. PostgreSQL aborts one of them, which is then
    run again from the start (with ``retry``), up to ``IMPORT_ATTEMPTS`` times in all.
    """
    for attempt in range(1, IMPORT_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                result = ingest_batches(batches=batches(), provenance=provenance, backfill_days=backfill_days)
                changes_nudge()
        except OperationalError as exc:
            sqlstate = getattr(exc.__cause__, "sqlstate", None)
            if not retry or attempt == IMPORT_ATTEMPTS or sqlstate not in _RETRYABLE:
                raise
            logger.warning(
                "import aborted by PostgreSQL (%s), attempt %s; running it again", sqlstate, attempt
            )
            # Apart, so that the two do not meet again at once.
            time.sleep(random.uniform(0.1, 0.5) * attempt)  # noqa: S311  (timing, not security)
        else:
            report.ingest.add(result)
            return


class Stage:
    """Parsed batches spilled to a temporary file, so parsing finishes before storing starts.

    This is what makes an import all-or-nothing without holding a transaction open during
    the slow parse, and lets the parse report progress that the status page can see.
    """

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
        self.count = 0

    def add(self, batch: Batch) -> None:
        pickle.dump(batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[Batch]:
        self.file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self.file)  # noqa: S301

    def close(self) -> None:
        self.file.close()


NOT_YOURS_MESSAGE = (
    "None of this file's lines are about your own accounts ({accounts}). An activity file can "
    "only describe your own accounts: their posts, the reactions they received and the ones they "
    "gave. Nothing was imported."
)
NO_ACCOUNT_MESSAGE = (
    "An activity file can only describe your own accounts, and none is linked to you yet. "
    "Connect an account or import your archive first; then upload this file again."
)


def accounts_named(keys: set[tuple[str, str]]) -> str:
    handles = dict(
        ((network, external_id), handle)
        for network, external_id, handle in Identity.objects.filter(
            network__in={n for n, _ in keys}, external_id__in={e for _, e in keys}
        ).values_list("network", "external_id", "handle")
    )
    names = [
        f"@{handles[key]} on {NETWORK_NAMES.get(key[0], key[0])}"
        if handles.get(key)
        else f"{key[0]} {key[1]}"
        for key in sorted(keys)
    ]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
