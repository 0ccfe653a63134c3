"""``ingest_batches``: a stream of batches in one transaction, prepared one ahead in a thread,
with the ids of identities already met remembered between batches."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from connectors import ingest
from connectors.ingest import ingest_batch, ingest_batches
from connectors.models import Identity, Interaction
from connectors.records import Batch, IdentityRecord, InteractionRecord
from privacy.purge import tombstones_write

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _batches() -> list[Batch]:
    """Four batches over six identities; later batches name earlier identities again, one
    interaction is repeated across batches, and one post id needs escaping in COPY text."""

    def like(actor: str, target: str, n: int, post: str = "") -> InteractionRecord:
        return InteractionRecord(
            network="x",
            kind="like" if post else "follow",
            actor_id=actor,
            target_id=target,
            occurred_at=T0 + timedelta(minutes=n),
            post_id=post,
        )

    return [
        Batch(interactions=[like("a", "t1", 1, "p1"), like("b", "t1", 2, "p1"), like("c", "t2", 3)]),
        Batch(
            identities=[IdentityRecord(network="x", external_id="a", handle="alice", followers=10)],
            interactions=[like("a", "t2", 4, "p2"), like("b", "t1", 2, "p1"), like("d", "t1", 5, "p\t3")],
        ),
        Batch(interactions=[like("c", "t1", 6, "p1"), like("a", "t1", 7, "p4")]),
        Batch(interactions=[like("d", "t2", 8, "back\\slash"), like("b", "t2", 9)]),
    ]


def _rows() -> tuple[set, set]:
    identities = set(Identity.objects.values_list("network", "external_id", "handle", "followers"))
    by_pk = dict(Identity.objects.values_list("pk", "external_id"))
    interactions = {
        (by_pk[a], by_pk[t], kind, post, at)
        for a, t, kind, post, at in Interaction.objects.values_list(
            "actor_id", "target_id", "kind", "post_external_id", "occurred_at"
        )
    }
    return identities, interactions


def test_a_stream_stores_the_same_rows_as_its_batches_one_by_one():
    for batch in _batches():
        ingest_batch(batch=batch)
    expected = _rows()
    Interaction.objects.all().delete()
    Identity.objects.all().delete()

    total = ingest_batches(batches=iter(_batches()))

    assert _rows() == expected
    assert len(expected[1]) == 9
    assert total.interactions.new == 9
    assert total.interactions.duplicate == 1
    # Alice is first met bare, then her identity record fills her in.
    assert (total.bare_identities_created, total.identities.updated) == (6, 1)
    assert total.changed_identity_ids == set(Identity.objects.values_list("pk", flat=True))


def test_a_stream_stored_twice_adds_nothing_the_second_time():
    ingest_batches(batches=iter(_batches()))
    first = _rows()
    again = ingest_batches(batches=iter(_batches()))
    assert _rows() == first
    assert again.interactions.new == 0
    assert again.interactions.duplicate == 10
    assert again.changed_identity_ids == set()


def test_remembered_ids_survive_the_memory_bound(monkeypatch):
    # With room for almost nothing, the cache is emptied before nearly every batch, including
    # while the next batch is being prepared with the ids it held.
    monkeypatch.setattr(ingest.known.KnownIdentities, "LIMIT", 1)
    ingest_batches(batches=iter(_batches()))
    identities, interactions = _rows()
    assert len(interactions) == 9
    assert len(identities) == 6


def test_an_identity_tombstoned_before_the_stream_is_dropped_in_every_batch():
    tombstones_write(keys=[("x", "b")])
    total = ingest_batches(batches=iter(_batches()))
    assert not Identity.objects.filter(external_id="b").exists()
    assert total.interactions.dropped == 3
    assert Interaction.objects.count() == 7


def test_an_error_while_reading_the_stream_stores_none_of_it():
    def batches():
        yield from _batches()[:3]
        raise ValueError("line 7 is broken")

    with pytest.raises(ValueError, match="line 7"):
        ingest_batches(batches=batches())
    assert Interaction.objects.count() == 0
    assert Identity.objects.count() == 0


def test_the_stream_is_read_in_another_thread_one_batch_ahead():
    threads = []

    def batches():
        for batch in _batches():
            threads.append(threading.current_thread())
            yield batch

    stored = []
    ingest_batches(batches=batches(), on_stored=lambda result: stored.append(len(threads)))
    assert threading.current_thread() not in threads
    # When a batch is stored, the reader has already taken the next one (or all there are).
    assert stored[0] >= 2
    assert len(stored) == 4


def test_times_are_stored_to_the_microsecond_however_far_and_whatever_their_offset():
    from datetime import timezone

    times = [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2012, 11, 6, 21, 7, 27, 123457, tzinfo=timezone(timedelta(hours=1))),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ]

    def batch(kind: str, suffix: str = "") -> Batch:
        return Batch(
            interactions=[
                InteractionRecord(
                    network="x", kind=kind, actor_id=f"a{n}{suffix}", target_id="t", occurred_at=at
                )
                for n, at in enumerate(times)
            ]
        )

    # The first batch's text is made while it is stored; the second's, whose identities
    # are all known by then, is made ahead in the preparing thread.
    ingest_batches(batches=iter([batch("follow"), batch("mention")]))
    ingest_batch(batch=batch("follow", "-single"))
    for kind, count in (("follow", 2), ("mention", 1)):
        stored = sorted(Interaction.objects.filter(kind=kind).values_list("occurred_at", flat=True))
        assert stored == sorted(times * count)


def test_of_one_interaction_given_twice_in_a_batch_the_earliest_is_kept():
    def act(actor: str, minutes: int, kind: str = "follow") -> InteractionRecord:
        return InteractionRecord(
            network="x", kind=kind, actor_id=actor, target_id="t", occurred_at=T0 + timedelta(minutes=minutes)
        )

    # In the second batch "b" and "t" are known (its lines are made ahead) and "n" is new
    # (its lines are made while the batch is stored); the later time comes first in each pair.
    first = Batch(interactions=[act("a", 0), act("b", 1)])
    second = Batch(interactions=[act("b", 9, "mention"), act("b", 5, "mention"), act("n", 7), act("n", 3)])
    ingest_batches(batches=iter([first, second]))
    ingest_batch(batch=Batch(interactions=[act("c", 8), act("c", 2)]))

    stored = {
        (actor, kind): at - T0
        for actor, kind, at in Interaction.objects.values_list("actor__external_id", "kind", "occurred_at")
    }
    minutes = timedelta(minutes=1)
    assert stored == {
        ("a", "follow"): 0 * minutes,
        ("b", "follow"): 1 * minutes,
        ("b", "mention"): 5 * minutes,
        ("n", "follow"): 3 * minutes,
        ("c", "follow"): 2 * minutes,
    }


def test_the_switch_interval_is_shortened_while_storing_and_put_back_after():
    import sys

    seen = []
    before = sys.getswitchinterval()

    def batches():
        for batch in _batches():
            seen.append(sys.getswitchinterval())
            yield batch

    with pytest.raises(ValueError):
        ingest_batches(batches=batches(), on_stored=lambda result: _raise_after(seen))
    ingest_batches(batches=batches())
    assert seen and max(seen) <= 0.0005
    assert sys.getswitchinterval() == before


def _raise_after(seen: list) -> None:
    if len(seen) >= 2:
        raise ValueError("stop")


def test_a_time_with_no_utc_time_is_rejected_not_a_crash():
    """Year 1 at +14:00 (or 9999 at -14:00): anyone can write it in a record; it has no UTC time."""
    from datetime import timezone

    edges = [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-14))),
    ]
    batch = Batch(
        interactions=[
            InteractionRecord(network=network, kind="mention", actor_id=actor, target_id="t", occurred_at=at)
            for network, actor in (("x", "1"), ("bluesky", "did:plc:abc"))
            for at in edges
        ]
    )
    result = ingest_batch(batch=batch)
    assert result.interactions.rejected == 4 and not Interaction.objects.exists()
