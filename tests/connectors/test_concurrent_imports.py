"""Two imports at once, on PostgreSQL, where they really run side by side."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection

from connectors.imports import ImportReport, ingest_all
from connectors.models import Identity, Interaction
from connectors.records import Batch, InteractionRecord

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer; PostgreSQL's locks"),
]

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _follow(actor: str, target: str) -> Batch:
    return Batch(interactions=[InteractionRecord("x", "follow", actor, target, T0, "")])


def test_two_imports_naming_new_identities_in_opposite_orders_both_complete():
    # A stores X and then needs Y; B stores Y and then needs X. Each holds the identity it
    # inserted until it commits, so PostgreSQL aborts one; that one is run again.
    plans = {"A": [("a1", "X"), ("a2", "Y")], "B": [("b1", "Y"), ("b2", "X")]}
    reports = {name: ImportReport() for name in plans}
    errors = {}
    starts = {name: 0 for name in plans}

    def run(name: str) -> None:
        def batches():
            starts[name] += 1
            for actor, target in plans[name]:
                yield _follow(actor, target)
                if starts[name] == 1:
                    time.sleep(0.5)  # let the other import store its first batch meanwhile

        try:
            ingest_all(batches, reports[name])
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in plans]
    threads[0].start()
    time.sleep(0.1)
    threads[1].start()
    for thread in threads:
        thread.join()

    assert errors == {}
    assert sorted(starts.values()) == [1, 2]  # one of them ran twice
    assert Interaction.objects.count() == 4
    assert Identity.objects.count() == 6
    assert [reports[name].ingest.interactions.new for name in plans] == [2, 2]


def test_uploads_sent_at_once_take_no_more_places_than_the_quota(settings):
    """The places are counted and taken under the member's lock, before any file is read."""
    from connectors.imports import ImportRefused
    from connectors.models import SyncRun
    from connectors.runs import import_upload_reserve
    from tests.factories import MemberFactory

    settings.IMPORT_MAX_WAITING_PER_MEMBER = 2
    member = MemberFactory()
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def upload() -> None:
        start.wait()
        try:
            import_upload_reserve(member=member, source="jsonl")
            outcomes.append("reserved")
        except ImportRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused"] * 4 + ["reserved"] * 2
    assert SyncRun.objects.filter(member=member, status=SyncRun.Status.RECEIVING).count() == 2
