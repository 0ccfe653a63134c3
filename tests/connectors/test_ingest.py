from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.ingest import ingest_batch
from connectors.models import Identity, Interaction, Post
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from tests.factories import IdentityRecordFactory, InteractionRecordFactory, PostRecordFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _row_counts() -> tuple[int, int, int]:
    return Identity.objects.count(), Post.objects.count(), Interaction.objects.count()


def _sample_batch() -> Batch:
    return Batch(
        identities=[
            IdentityRecord(
                network="x", external_id="1", handle="alice", followers=120, following=30, posts=400
            ),
            IdentityRecord(network="x", external_id="2", handle="bob", followers=5),
        ],
        posts=[
            PostRecord(network="x", external_id="900", author_id="1", created_at=T0, text="hello", likes=3),
            PostRecord(
                network="x", external_id="901", author_id="2", created_at=T0, kind="reply", parent_id="900"
            ),
        ],
        interactions=[
            InteractionRecord(
                network="x", kind="like", actor_id="2", target_id="1", occurred_at=T0, post_id="900"
            ),
            InteractionRecord(
                network="x", kind="reply", actor_id="2", target_id="1", occurred_at=T0, post_id="900"
            ),
            InteractionRecord(network="x", kind="follow", actor_id="3", target_id="1", occurred_at=T0),
            InteractionRecord(
                network="x", kind="like", actor_id="4", target_id="1", occurred_at=T0, post_id="77"
            ),
        ],
    )


def test_ingest_stores_identities_posts_and_interactions():
    result = ingest_batch(batch=_sample_batch())

    assert _row_counts() == (4, 2, 4)
    assert (result.identities.new, result.bare_identities_created) == (2, 2)
    assert (result.posts.new, result.interactions.new) == (2, 4)
    alice = Identity.objects.get(network="x", external_id="1")
    assert (alice.handle, alice.followers, alice.following, alice.posts_count) == ("alice", 120, 30, 400)
    like = Interaction.objects.get(kind="like", actor__external_id="2")
    assert like.post.external_id == "900" and like.target == alice
    # A post we have not seen is kept by its id, without a link.
    unknown = Interaction.objects.get(actor__external_id="4")
    assert unknown.post is None and unknown.post_external_id == "77"
    follow = Interaction.objects.get(kind="follow")
    assert follow.post is None and follow.post_external_id == ""
    assert result.changed_identity_ids == set(Identity.objects.values_list("id", flat=True))


def test_ingesting_the_same_batch_twice_adds_nothing():
    ingest_batch(batch=_sample_batch())
    before = _row_counts()

    again = ingest_batch(batch=_sample_batch())

    assert _row_counts() == before
    assert again.imported == 0
    assert (again.identities.duplicate, again.posts.duplicate, again.interactions.duplicate) == (2, 2, 4)
    assert again.changed_identity_ids == set()


def test_counts_move_to_the_latest_values_and_unknown_values_keep_the_old_ones():
    ingest_batch(batch=_sample_batch())
    later = Batch(
        identities=[IdentityRecord(network="x", external_id="1", followers=150)],
        posts=[PostRecord(network="x", external_id="900", author_id="1", created_at=T0, likes=10)],
    )

    result = ingest_batch(batch=later)

    alice = Identity.objects.get(network="x", external_id="1")
    assert (alice.handle, alice.followers, alice.following) == ("alice", 150, 30)
    post = Post.objects.get(external_id="900")
    assert (post.text, post.likes) == ("hello", 10)
    assert (result.identities.updated, result.posts.updated) == (1, 1)
    assert result.changed_identity_ids == {alice.id}


def test_follow_observed_again_later_is_not_counted_twice():
    first = InteractionRecordFactory(kind="follow", actor_id="8", target_id="1", post_id="", occurred_at=T0)
    again = InteractionRecordFactory(
        kind="follow", actor_id="8", target_id="1", post_id="", occurred_at=datetime(2024, 6, 1, tzinfo=UTC)
    )

    ingest_batch(batch=Batch(interactions=[first]))
    result = ingest_batch(batch=Batch(interactions=[again]))

    assert Interaction.objects.filter(kind="follow").count() == 1
    assert result.interactions.duplicate == 1


def test_repeated_records_inside_one_batch_are_merged():
    batch = Batch(
        identities=[
            IdentityRecord(network="x", external_id="1", handle="alice", followers=1),
            IdentityRecord(network="x", external_id="1", followers=2, bio="later"),
        ],
        posts=[PostRecordFactory(external_id="5", likes=1), PostRecordFactory(external_id="5", likes=4)],
        interactions=[InteractionRecordFactory(actor_id="9"), InteractionRecordFactory(actor_id="9")],
    )

    result = ingest_batch(batch=batch)

    alice = Identity.objects.get(external_id="1")
    assert (alice.handle, alice.followers, alice.bio) == ("alice", 2, "later")
    assert Post.objects.get(external_id="5").likes == 4
    assert Interaction.objects.count() == 1
    assert (result.identities.duplicate, result.posts.duplicate, result.interactions.duplicate) == (1, 1, 1)


def test_invalid_records_are_rejected_with_reasons_and_the_rest_stored():
    batch = Batch(
        identities=[IdentityRecordFactory(network="myspace"), IdentityRecordFactory(external_id="")],
        posts=[PostRecordFactory(created_at=datetime(2024, 1, 1)), PostRecordFactory(kind="tweet")],  # noqa: DTZ001
        interactions=[InteractionRecordFactory(kind="poke"), InteractionRecordFactory()],
    )

    result = ingest_batch(batch=batch)

    reasons = {(r.record_type, r.index): r.reason for r in result.rejections}
    assert reasons == {
        ("identity", 0): "unknown network 'myspace'",
        ("identity", 1): "id must be a non-empty string",
        ("post", 0): "created_at has no time zone",
        ("post", 1): "unknown post kind 'tweet'",
        ("interaction", 0): "unknown interaction kind 'poke'",
    }
    assert result.rejected == 5
    assert Interaction.objects.count() == 1


def test_negative_counts_are_rejected():
    result = ingest_batch(batch=Batch(identities=[IdentityRecordFactory(followers=-1)]))

    assert result.rejections[0].reason == "followers is out of range"
    assert Identity.objects.count() == 0


def test_a_failing_batch_leaves_nothing_behind(monkeypatch):
    from connectors import ingest

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest.store, "_store_interactions", explode)

    with pytest.raises(RuntimeError):
        ingest_batch(batch=_sample_batch())

    assert _row_counts() == (0, 0, 0)


def test_identities_on_different_networks_with_the_same_id_are_distinct():
    ingest_batch(
        batch=Batch(
            identities=[
                IdentityRecord(network="x", external_id="42", handle="on_x"),
                IdentityRecord(network="youtube", external_id="42", handle="on_youtube"),
            ]
        )
    )

    assert sorted(Identity.objects.values_list("network", "handle")) == [
        ("x", "on_x"),
        ("youtube", "on_youtube"),
    ]


def test_an_empty_batch_does_nothing():
    result = ingest_batch(batch=Batch())

    assert result.imported == 0 and _row_counts() == (0, 0, 0)


def test_ids_with_tabs_newlines_and_backslashes_are_stored_as_given():
    # The bulk loader sends rows as COPY text; these characters must not shift or split a row.
    odd = ["a\tb", "line\nbreak", "back\\slash", "cr\rhere", "\\N"]
    interactions = [
        InteractionRecord(network="x", kind="like", actor_id=a, target_id="t\t1", occurred_at=T0, post_id=a)
        for a in odd
    ]

    result = ingest_batch(batch=Batch(interactions=interactions))

    assert result.interactions.new == len(odd) and result.bare_identities_created == len(odd) + 1
    stored = set(
        Interaction.objects.values_list("actor__external_id", "target__external_id", "post_external_id")
    )
    assert stored == {(a, "t\t1", a) for a in odd}


def test_changed_identity_ids_are_exactly_those_touched_by_new_rows():
    first = ingest_batch(batch=_sample_batch())
    ids = dict(Identity.objects.values_list("external_id", "id"))
    assert first.changed_identity_ids == set(ids.values())

    again = ingest_batch(
        batch=Batch(
            interactions=[
                # already stored: changes nothing
                InteractionRecord(network="x", kind="follow", actor_id="3", target_id="1", occurred_at=T0),
                # new, between known identities
                InteractionRecord(network="x", kind="mention", actor_id="3", target_id="2", occurred_at=T0),
                # new, with a new actor
                InteractionRecord(network="x", kind="like", actor_id="5", target_id="4", occurred_at=T0),
            ]
        )
    )

    five = Identity.objects.get(external_id="5").id
    assert again.changed_identity_ids == {ids["3"], ids["2"], five, ids["4"]}
    assert (again.interactions.new, again.interactions.duplicate, again.bare_identities_created) == (2, 1, 1)


def test_same_ids_on_two_networks_in_one_batch_are_kept_apart():
    result = ingest_batch(
        batch=Batch(
            interactions=[
                InteractionRecord(network=n, kind="follow", actor_id="1", target_id="2", occurred_at=T0)
                for n in ("x", "bluesky", "x")
            ]
        )
    )

    assert (result.interactions.new, result.interactions.duplicate) == (2, 1)
    pairs = Interaction.objects.values_list("network", "actor__network", "target__network")
    assert sorted(pairs) == [("bluesky", "bluesky", "bluesky"), ("x", "x", "x")]


def test_interaction_checks_give_the_same_reasons_for_every_kind_of_bad_value():
    from zoneinfo import ZoneInfo

    class Handle(str):
        pass

    good = {"network": "x", "kind": "like", "actor_id": "1", "target_id": "2", "occurred_at": T0}
    cases = [
        ({"actor_id": ""}, "actor id must be a non-empty string"),
        ({"actor_id": 1}, "actor id must be a non-empty string"),
        ({"target_id": "9" * 129}, "target id is longer than 128 characters"),
        ({"target_id": "a\x00"}, "target id contains a NUL character"),
        ({"occurred_at": datetime(2024, 1, 1)}, "occurred_at has no time zone"),  # noqa: DTZ001
        ({"occurred_at": "2024-01-01"}, "occurred_at must be a datetime"),
        ({"post_id": None}, "post id must be a string of at most 128 characters"),
        ({"post_id": "p\x00"}, "post id must be a string of at most 128 characters"),
        ({"network": "myspace"}, "unknown network 'myspace'"),
        ({"kind": ["like"]}, "unknown interaction kind ['like']"),
        # accepted: a str subclass, and a time zone other than a fixed offset
        ({"actor_id": Handle("7")}, None),
        ({"occurred_at": datetime(2024, 1, 1, tzinfo=ZoneInfo("Europe/Paris"))}, None),
    ]
    batch = Batch(
        interactions=[
            InteractionRecord(**{**good, "actor_id": str(i), **c}) for i, (c, _) in enumerate(cases)
        ]
    )

    result = ingest_batch(batch=batch)

    reasons = {r.index: r.reason for r in result.rejections}
    assert reasons == {i: reason for i, (_, reason) in enumerate(cases) if reason}
    assert result.interactions.new == 2


def test_an_interaction_whose_identity_vanished_after_the_upsert_is_dropped_not_fatal(monkeypatch):
    from connectors import ingest

    upsert = ingest.store._store_identities

    def upsert_then_lose_one(*args, **kwargs):
        # As if a purge deleted identity "3" between the upsert and the id lookup.
        ids = upsert(*args, **kwargs)
        ids["x"].pop("3", None)
        return ids

    monkeypatch.setattr(ingest.store, "_store_identities", upsert_then_lose_one)

    result = ingest_batch(batch=_sample_batch())

    assert (result.interactions.new, result.interactions.dropped) == (3, 1)
    assert not Interaction.objects.filter(actor__external_id="3").exists()
