from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.ingest import ingest_batch
from connectors.models import Identity, Interaction, Post
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from tests.connectors.factories import IdentityRecordFactory, InteractionRecordFactory, PostRecordFactory

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

    monkeypatch.setattr(ingest, "_store_interactions", explode)

    with pytest.raises(RuntimeError):
        ingest_batch(batch=_sample_batch())

    assert _row_counts() == (0, 0, 0)


def test_identities_on_different_networks_with_the_same_id_are_distinct():
    ingest_batch(
        batch=Batch(
            identities=[
                IdentityRecord(network="x", external_id="42", handle="on_x"),
                IdentityRecord(network="mastodon", external_id="42", handle="on_mastodon"),
            ]
        )
    )

    assert sorted(Identity.objects.values_list("network", "handle")) == [
        ("mastodon", "on_mastodon"),
        ("x", "on_x"),
    ]


def test_an_empty_batch_does_nothing():
    result = ingest_batch(batch=Batch())

    assert result.imported == 0 and _row_counts() == (0, 0, 0)
