"""The ids of identities a stream of batches has already stored or found."""

from __future__ import annotations

import threading
from collections.abc import Iterable


class KnownIdentities:
    """The ids of identities an ``ingest_batches`` call has already stored or found.

    Valid for one transaction only: the tombstone lock it holds keeps every purge out until it
    ends, so an id learned here still names a stored identity at its end. (Deleting an identity
    by other means, such as the admin, was never guarded against: see ``_with_known_ids``.)
    Bounded, so that memory stays flat however many identities a file names: when full it is
    emptied between batches and fills again with those the next batches name. Written by the
    storing thread only; the preparing thread only looks ids up.
    """

    LIMIT = 500_000

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {}
        self.size = 0
        self.generation = 0  # how many times it was emptied
        # Transaction state the batches of a stream share: the tombstone lock and work_mem
        # are set, and whether any tombstone exists (None: not asked yet).
        self.locked = False
        self.any_tombstone: bool | None = None
        self.batches_learned = 0
        self._learning = threading.Condition()

    def batch_learned(self) -> None:
        """The storing thread has learned the ids of one more batch."""
        with self._learning:
            self.batches_learned += 1
            self._learning.notify_all()

    def wait_for(self, batches: int, stop: threading.Event) -> bool:
        """Wait until the ids of the first ``batches`` batches are learned; False if stopped."""
        with self._learning:
            while self.batches_learned < batches:
                if stop.is_set():
                    return False
                self._learning.wait(timeout=0.1)
        return True

    def prune(self) -> None:
        """Empty it if full. A new dict, not a cleared one: a batch being prepared in the
        other thread may still be reading the old one, whose ids stay valid."""
        if self.size > self.LIMIT:
            self.ids = {}
            self.size = 0
            self.generation += 1

    def unknown(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        ids = self.ids
        return {key for key in keys if key[1] not in ids.get(key[0], ())}

    def learn(self, found: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        """Add the ids a batch yielded; returns every id known, theirs included."""
        for network, by_id in found.items():
            mine = self.ids.setdefault(network, {})
            before = len(mine)
            mine.update(by_id)
            self.size += len(mine) - before
        return self.ids
