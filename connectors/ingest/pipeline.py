"""The entry points: one batch, or a stream of them in one transaction with the next prepared ahead."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from connectors.changes import changes_record
from connectors.ingest.known import KnownIdentities
from connectors.ingest.prepare import Prepared, make_ready, prepare, referenced
from connectors.ingest.results import IngestResult
from connectors.ingest.store import store
from connectors.records import OPERATOR_IMPORT, Batch, Provenance


def ingest_batch(
    *,
    batch: Batch,
    provenance: Provenance = OPERATOR_IMPORT,
    backfill_days: int = 0,
    record_changes: bool = True,
) -> IngestResult:
    """Store one batch of parsed records, all or nothing, idempotently. See the module docstring.

    ``provenance`` says who vouches for the batch: ``records.FETCHED`` for what a connector
    read from a network's API, ``Provenance.upload(...)`` for a member's upload, and the
    default, ``records.OPERATOR_IMPORT``, for the operator's own imports.

    The identities the batch changed go to the score's outbox in the same transaction
    (``connectors.changes``), with ``backfill_days`` of history to rebuild; the caller asks
    for a drain (``changes_nudge``) once its work is done. Only a loader that recomputes every
    score itself (the demo data) passes ``record_changes=False``.
    """
    with transaction.atomic():
        result = store(prepare(batch, provenance), KnownIdentities(), provenance)
        if record_changes:
            changes_record(identity_ids=result.changed_identity_ids, backfill_days=backfill_days)
    return result


def ingest_batches(
    *,
    batches: Iterable[Batch],
    provenance: Provenance = OPERATOR_IMPORT,
    on_stored: Callable[[IngestResult], None] | None = None,
    backfill_days: int = 0,
    record_changes: bool = True,
) -> IngestResult:
    """Store a stream of batches in one transaction, all or nothing; returns their sum.

    What a whole file's import calls. Faster than ``ingest_batch`` on each, in two ways:
    - the ids of the identities stored or found are remembered for the later batches
      (``KnownIdentities``), which then send only the identities they name for the first
      time, and check only those against tombstones;
    - each batch is prepared in a second thread while the one before is being stored, so
      that this Python work overlaps PostgreSQL's (which releases the GIL): checking the
      records, and making the COPY text of every interaction between known identities.
      That text waits for the ids the batch before learns, early in its storing; while
      its interactions are inserted, the text is made. The batches are pulled from
      ``batches`` in that thread too, so parsing overlaps as well; neither may touch the
      database. At most three batches are alive at once.
    ``on_stored`` is called with each batch's result once it is stored. What changed goes to
    the score's outbox as in ``ingest_batch``.
    """
    total = IngestResult()
    known = KnownIdentities()
    postgres = connection.vendor == "postgresql"

    def prepare_in_turn(batch: Batch, index: int, stop: threading.Event) -> Prepared:
        prepared = prepare(batch, provenance)
        # Once the batch before has learned its ids, nothing is learned until this batch's
        # own identity step: what is known now is what its storing will know.
        if known.wait_for(index, stop):
            if postgres:
                make_ready(prepared, known)
            referred = referenced(prepared.posts, prepared.interactions)
            prepared.fresh = (known.generation, known.unknown(referred))
        return prepared

    with transaction.atomic(), _switch_interval.shortened():
        for prepared in _prepared_ahead(batches, prepare_in_turn):
            result = store(prepared, known, provenance)
            total.add(result)
            if on_stored is not None:
                on_stored(result)
        if record_changes:
            changes_record(identity_ids=total.changed_identity_ids, backfill_days=backfill_days)
    return total


class _SwitchInterval:
    """Has CPython hand the GIL between threads every 0.5 ms instead of every 5 ms while
    any stream is being stored, then puts the setting back.

    When PostgreSQL answers, the storing thread needs the GIL back, but the preparing thread
    is busy in Python and gives it up only at the next switch: at the default 5 ms, a dozen
    statements a batch left the database idle for about a tenth of the time. The setting is
    the process's, hence the count of streams using it.
    """

    INTERVAL = 0.0005

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = sys.getswitchinterval()

    @contextmanager
    def shortened(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.INTERVAL))
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    sys.setswitchinterval(self._saved)


_switch_interval = _SwitchInterval()


def _prepared_ahead(
    batches: Iterable[Batch], prepare: Callable[[Batch, int, threading.Event], Prepared]
) -> Iterator[Prepared]:
    """``prepare`` of each batch (with its index, and an event set when the consumer stops),
    run in a thread one batch ahead of the consumer.

    An exception in the thread (a file found malformed, say) is raised here, in the
    consumer; when the consumer stops early, the thread stops after its current batch.
    """
    done = object()
    box: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for index, batch in enumerate(batches):
                if not put(prepare(batch, index, stop)):
                    return
        except BaseException as exc:  # noqa: BLE001  (handed to the consumer, which raises it)
            put(exc)
            return
        put(done)

    thread = threading.Thread(target=produce, name="ingest-prepare", daemon=True)
    thread.start()
    try:
        while (item := box.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
