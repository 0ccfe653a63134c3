from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity, Interaction, Post, Tombstone
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from privacy.services import identity_opt_out
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 5, 1, tzinfo=UTC)
GONE = "666"


def _batch_involving_the_opted_out() -> Batch:
    """Someone else's data in which the opted-out identity appears in every role."""
    return Batch(
        identities=[
            IdentityRecord(network="x", external_id="1", handle="alice"),
            IdentityRecord(network="x", external_id=GONE, handle="gone", followers=10),
        ],
        posts=[
            PostRecord(network="x", external_id="p1", author_id="1", created_at=T0),
            PostRecord(network="x", external_id="p2", author_id=GONE, created_at=T0),
        ],
        interactions=[
            InteractionRecord(
                network="x", kind="like", actor_id=GONE, target_id="1", occurred_at=T0, post_id="p1"
            ),
            InteractionRecord(
                network="x", kind="reply", actor_id="1", target_id=GONE, occurred_at=T0, post_id="p2"
            ),
            InteractionRecord(
                network="x", kind="repost", actor_id="2", target_id="1", occurred_at=T0, post_id="p1"
            ),
        ],
    )


def test_a_tombstoned_identity_is_dropped_wherever_it_appears_in_a_batch():
    identity_opt_out(network="x", external_ids=[GONE])

    result = ingest_batch(batch=_batch_involving_the_opted_out())

    assert not Identity.objects.filter(external_id=GONE).exists()
    assert list(Post.objects.values_list("external_id", flat=True)) == ["p1"]
    assert list(Interaction.objects.values_list("kind", flat=True)) == ["repost"]
    assert (result.identities.dropped, result.posts.dropped, result.interactions.dropped) == (1, 1, 2)


def test_the_same_id_on_another_network_is_not_affected():
    identity_opt_out(network="mastodon", external_ids=["gone@mastodon.social"])

    ingest_batch(batch=_batch_involving_the_opted_out())

    assert Identity.objects.filter(network="x", external_id=GONE).exists()
    assert Tombstone.objects.count() == 1


def test_tombstoning_purges_what_was_stored_and_keeps_only_a_hash():
    ingest_batch(batch=_batch_involving_the_opted_out())
    gone = Identity.objects.get(external_id=GONE)
    ConnectedAccount.objects.create(member=MemberFactory(), identity=gone, network="x", access_token="secret")

    identity_opt_out(network="x", external_ids=[GONE])

    assert not Identity.objects.filter(external_id=GONE).exists()
    assert not Post.objects.filter(external_id="p2").exists()
    assert list(Interaction.objects.values_list("kind", flat=True)) == ["repost"]
    assert ConnectedAccount.objects.count() == 0
    stored = Tombstone.objects.get()
    assert GONE not in stored.digest and len(stored.digest) == 64


def test_tombstoning_twice_keeps_one_tombstone():
    identity_opt_out(network="x", external_ids=[GONE])
    identity_opt_out(network="x", external_ids=[GONE])

    assert Tombstone.objects.count() == 1


# --- one canonical id per account --------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "alice@mastodon.social",
        "@Alice@Mastodon.Social",
        "https://mastodon.social/users/alice",
        "https://mastodon.social/@Alice/",
    ],
)
def test_a_mastodon_opt_out_meets_every_form_of_the_accounts_id(written):
    identity_opt_out(network="mastodon", external_ids=["https://mastodon.social/users/alice"])

    result = ingest_batch(
        batch=Batch(
            identities=[IdentityRecord(network="mastodon", external_id=written, handle="alice")],
            interactions=[
                InteractionRecord(
                    network="mastodon",
                    kind="like",
                    actor_id="bob@mastodon.social",
                    target_id=written,
                    occurred_at=T0,
                )
            ],
        )
    )

    assert (result.identities.dropped, result.interactions.dropped) == (1, 1)
    assert not Identity.objects.filter(handle="alice").exists()


def test_every_form_of_a_mastodon_id_is_stored_as_one_identity():
    forms = ["Alice@Mastodon.social", "https://mastodon.social/users/alice", "https://mastodon.social/@alice"]
    ingest_batch(
        batch=Batch(
            interactions=[
                InteractionRecord(
                    network="mastodon",
                    kind="like",
                    actor_id=form,
                    target_id="bob@example.social",
                    occurred_at=T0,
                )
                for form in forms
            ]
        )
    )
    assert sorted(Identity.objects.values_list("external_id", flat=True)) == [
        "alice@mastodon.social",
        "bob@example.social",
    ]
    assert Interaction.objects.count() == 1


def test_a_mastodon_account_number_is_refused_because_an_opt_out_could_not_meet_it():
    result = ingest_batch(
        batch=Batch(
            identities=[IdentityRecord(network="mastodon", external_id="109302", handle="someone")],
            interactions=[
                InteractionRecord(
                    network="mastodon",
                    kind="like",
                    actor_id="109302",
                    target_id="bob@example.social",
                    occurred_at=T0,
                )
            ],
        )
    )
    assert (result.identities.rejected, result.interactions.rejected) == (1, 1)
    assert "Mastodon account number" in result.rejections[0].reason
    assert "alice@mastodon.social" in result.rejections[0].reason
    assert not Identity.objects.exists()


def test_a_bluesky_handle_in_place_of_a_did_is_refused():
    result = ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="bluesky", external_id="alice.bsky.social")])
    )
    assert result.identities.rejected == 1
    assert "give the account's DID" in result.rejections[0].reason


@pytest.mark.parametrize(
    "written",
    [
        "acct:victim@mastodon.social",
        "victim@mastodon.social.",
        "https://mastodon.social/@victim/with_replies",
        "https://mastodon.social/web/@victim",
        "https://mastodon.social//@victim",
        "https://other.example/@victim@mastodon.social",
        "https://mastodon.social/users/victim/",
    ],
)
def test_no_spelling_of_an_opted_out_mastodon_address_brings_it_back(written):
    identity_opt_out(network="mastodon", external_ids=["victim@mastodon.social"])
    result = ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="mastodon", external_id=written, handle="back again")])
    )
    assert result.identities.dropped == 1
    assert not Identity.objects.exists()


@pytest.mark.parametrize(
    ("network", "written"),
    [
        ("mastodon", " victim@mastodon.social"),
        ("mastodon", "https://mastodon.social/notes/1"),
        ("mastodon", "a@b"),
        ("x", "@simonw"),
        ("x", "12497 "),
        ("bluesky", "@alice.bsky.social"),
    ],
)
def test_ids_that_could_escape_a_tombstone_are_refused(network, written):
    result = ingest_batch(batch=Batch(identities=[IdentityRecord(network=network, external_id=written)]))
    assert result.identities.rejected == 1
    assert not Identity.objects.exists()


def test_an_x_id_with_leading_zeros_is_the_same_account():
    identity_opt_out(network="x", external_ids=["12497"])
    result = ingest_batch(
        batch=Batch(
            interactions=[
                InteractionRecord(network="x", kind="like", actor_id="0012497", target_id="1", occurred_at=T0)
            ]
        )
    )
    assert result.interactions.dropped == 1


def test_ids_stored_before_canonical_forms_are_rewritten_so_that_opt_outs_meet_them():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("connectors.migrations.0010_canonical_external_ids")
    # As an earlier version stored them: the actor URI, an address in capitals, and the same
    # account twice (its two rows are merged, with their interactions).
    uri = Identity.objects.create(network="mastodon", external_id="https://mastodon.social/users/alice")
    Identity.objects.create(network="mastodon", external_id="@Bob@Mastodon.Social")
    fan = Identity.objects.create(network="mastodon", external_id="fan@example.social")
    canonical = Identity.objects.create(network="mastodon", external_id="alice@mastodon.social")
    for target in (uri, canonical):
        Interaction.objects.create(network="mastodon", kind="like", actor=fan, target=target, occurred_at=T0)
    Interaction.objects.create(
        network="mastodon", kind="mention", actor=fan, target=uri, occurred_at=T0, post_external_id="p"
    )
    number = Identity.objects.create(network="mastodon", external_id="109302")
    zeros = Identity.objects.create(network="x", external_id="0042")

    migration.canonicalize(apps, None)

    assert sorted(Identity.objects.values_list("network", "external_id")) == [
        ("mastodon", "109302"),  # no usable form: left as it is
        ("mastodon", "alice@mastodon.social"),
        ("mastodon", "bob@mastodon.social"),
        ("mastodon", "fan@example.social"),
        ("x", "42"),
    ]
    assert sorted(Interaction.objects.filter(target=canonical).values_list("kind", flat=True)) == [
        "like",
        "mention",
    ]
    assert Identity.objects.get(pk=number.pk) and Identity.objects.get(pk=zeros.pk).external_id == "42"
    identity_opt_out(network="mastodon", external_ids=["https://mastodon.social/users/alice"])
    assert not Identity.objects.filter(external_id="alice@mastodon.social").exists()


def _migration(name: str):
    import importlib

    return importlib.import_module(f"connectors.migrations.{name}")


def test_an_old_id_whose_canonical_form_opted_out_is_purged_when_rewritten():
    from django.apps import apps

    # Alice opted out as alice@example.social, while an old row of hers was stored under her actor URI.
    identity_opt_out(network="mastodon", external_ids=["alice@example.social"])
    old = Identity.objects.create(
        network="mastodon", external_id="https://example.social/users/alice", handle="alice"
    )
    fan = Identity.objects.create(network="mastodon", external_id="fan@example.social")
    Interaction.objects.create(network="mastodon", kind="like", actor=fan, target=old, occurred_at=T0)

    _migration("0010_canonical_external_ids").canonicalize(apps, None)

    assert not Identity.objects.filter(handle="alice").exists()
    assert not Interaction.objects.exists()


def test_merging_two_forms_of_one_account_keeps_the_more_trusted_copy_and_the_profile():
    from django.apps import apps

    from connectors.records import Origin

    uri = Identity.objects.create(
        network="mastodon",
        external_id="https://example.social/users/alice",
        handle="alice",
        origin=Origin.API,
    )
    canonical = Identity.objects.create(network="mastodon", external_id="alice@example.social")
    fan = Identity.objects.create(network="mastodon", external_id="fan@example.social")
    Interaction.objects.create(
        network="mastodon", kind="like", actor=fan, target=uri, occurred_at=T0, origin=Origin.API
    )
    Interaction.objects.create(
        network="mastodon", kind="like", actor=fan, target=canonical, occurred_at=T0, origin=Origin.UPLOAD
    )

    _migration("0010_canonical_external_ids").canonicalize(apps, None)

    merged = Identity.objects.get(external_id="alice@example.social")
    assert (merged.handle, merged.origin) == ("alice", Origin.API)
    assert list(Interaction.objects.values_list("target_id", "origin")) == [(merged.pk, Origin.API)]


def test_links_made_before_claims_were_recorded_count_as_claims_unless_proven():
    from django.apps import apps

    member, proven_member = MemberFactory(), MemberFactory()
    claimed = Identity.objects.create(network="x", external_id="1", member=member)
    proven = Identity.objects.create(network="x", external_id="2", member=proven_member)
    ConnectedAccount.objects.create(member=proven_member, identity=proven, network="x")

    _migration("0009_identity_member_claimed").links_without_proof_are_claims(apps, None)

    claimed.refresh_from_db()
    proven.refresh_from_db()
    assert (claimed.member_claimed, proven.member_claimed) == (True, False)


@pytest.mark.parametrize(
    ("network", "written", "stored_as"),
    [
        ("bluesky", "at://did:plc:abc/app.bsky.feed.post/1", "did:plc:abc"),
        ("bluesky", "https://bsky.app/profile/did:plc:abc", "did:plc:abc"),
        ("mastodon", "https://exämple.social/@alice", "alice@xn--exmple-cua.social"),
        ("mastodon", "alice@exämple.social", "alice@xn--exmple-cua.social"),
    ],
)
def test_more_spellings_of_one_account_are_stored_as_one(network, written, stored_as):
    ingest_batch(batch=Batch(identities=[IdentityRecord(network=network, external_id=written)]))
    assert list(Identity.objects.values_list("external_id", flat=True)) == [stored_as]


@pytest.mark.parametrize(
    ("network", "written"),
    [("x", "１００"), ("youtube", "@channel"), ("bluesky", "https://bsky.app/profile/alice.bsky.social")],
)
def test_more_ids_that_could_escape_a_tombstone_are_refused(network, written):
    result = ingest_batch(batch=Batch(identities=[IdentityRecord(network=network, external_id=written)]))
    assert result.identities.rejected == 1
