"""Every stored record knows where it came from, and an upload describes only its uploader.

The first test replays the attack through the upload page: one member's JSON Lines file
rewrote another member's handle, name, bio and followers and added 50 invented likes to them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from connectors.ingest import ingest_batch
from connectors.models import Identity, Interaction, Post, SyncRun
from connectors.records import (
    FETCHED,
    Batch,
    IdentityRecord,
    InteractionRecord,
    Origin,
    PostRecord,
    Provenance,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _fetched_identity(external_id: str, handle: str, **fields) -> None:
    record = IdentityRecord(network="x", external_id=external_id, handle=handle, **fields)
    ingest_batch(batch=Batch(identities=[record]), provenance=FETCHED)


def _upload_by(member, batch: Batch):
    own = set(Identity.objects.filter(member=member).values_list("network", "external_id"))
    return ingest_batch(batch=batch, provenance=Provenance.upload(member_id=member.pk, own=own))


def test_a_members_upload_cannot_rewrite_or_inflate_another_members_identity(
    client, django_capture_on_commit_callbacks
):
    victim, attacker = MemberFactory(slug="victim", profile_public=True), MemberFactory()
    _fetched_identity("100", "real_victim", name="Victim", bio="my own words", followers=120)
    Identity.objects.filter(external_id="100").update(member=victim)
    _fetched_identity("200", "attacker")
    Identity.objects.filter(external_id="200").update(member=attacker)
    forged_profile = {
        "id": "100",
        "handle": "forged",
        "name": "Forged",
        "bio": "pwned",
        "followers": 9_999_999,
    }
    lines = [{"record": "identity", "network": "x", **forged_profile}]
    lines += [
        {
            "network": "x",
            "kind": "like",
            "actor": {"id": f"sock{n}"},
            "target": {"id": "100"},
            "post_id": "victim-post",
            "occurred_at": "2024-05-01T12:00:00Z",
        }
        for n in range(50)
    ]
    content = "".join(json.dumps(line) + "\n" for line in lines).encode()

    client.force_login(attacker.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("connectors:activity_upload"), {"file": SimpleUploadedFile("forged.jsonl", content)}
        )

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    assert "None of this file's lines are about your own accounts (@attacker on X)" in run.error
    victim_identity = Identity.objects.get(external_id="100")
    assert (victim_identity.handle, victim_identity.name, victim_identity.bio, victim_identity.followers) == (
        "real_victim",
        "Victim",
        "my own words",
        120,
    )
    assert victim_identity.origin == Origin.API
    assert not Interaction.objects.exists()
    assert not Identity.objects.filter(external_id__startswith="sock").exists()
    assert "@real_victim" in client.get("/u/victim/").content.decode()


def test_an_upload_mixing_own_and_others_records_keeps_only_what_is_about_the_uploader():
    member, other = MemberFactory(), MemberFactory()
    _fetched_identity("1", "me")
    _fetched_identity("2", "them", followers=50)
    Identity.objects.filter(external_id="1").update(member=member)
    Identity.objects.filter(external_id="2").update(member=other)

    result = _upload_by(
        member,
        Batch(
            identities=[
                IdentityRecord(network="x", external_id="2", handle="renamed", followers=1),
                IdentityRecord(network="x", external_id="3", handle="stranger", bio="invented"),
            ],
            posts=[
                PostRecord(network="x", external_id="mine", author_id="1", created_at=T0, likes=5),
                PostRecord(network="x", external_id="theirs", author_id="2", created_at=T0, likes=500),
            ],
            interactions=[
                # A fan's like of my post: self-reported, kept.
                InteractionRecord(
                    network="x", kind="like", actor_id="3", target_id="1", occurred_at=T0, post_id="mine"
                ),
                # My reply to them: about me, kept.
                InteractionRecord(network="x", kind="reply", actor_id="1", target_id="2", occurred_at=T0),
                # Someone else's like of someone else: not mine to tell.
                InteractionRecord(network="x", kind="like", actor_id="3", target_id="2", occurred_at=T0),
            ],
        ),
    )

    assert (result.identities.not_own, result.posts.not_own, result.interactions.not_own) == (2, 1, 1)
    them = Identity.objects.get(external_id="2")
    assert (them.handle, them.followers) == ("them", 50)
    # The stranger enters by id only: the upload's say about them is not stored.
    stranger = Identity.objects.get(external_id="3")
    assert (stranger.handle, stranger.bio, stranger.origin) == ("", "", None)
    assert list(Post.objects.values_list("external_id", "origin", "reported_by")) == [
        ("mine", Origin.UPLOAD, member.pk)
    ]
    # The like the member received is self-reported; the reply they gave is their own activity,
    # which counts for no one.
    assert sorted(Interaction.objects.values_list("kind", "origin", "reported_by")) == [
        ("like", Origin.UPLOAD, member.pk),
        ("reply", Origin.UPLOAD_GIVEN, member.pk),
    ]


def test_an_upload_does_not_overwrite_its_uploaders_profile_as_fetched_from_the_api():
    member = MemberFactory()
    _fetched_identity("1", "me", followers=100)
    Identity.objects.filter(external_id="1").update(member=member)

    _upload_by(
        member, Batch(identities=[IdentityRecord(network="x", external_id="1", handle="me", followers=10**6)])
    )

    assert Identity.objects.get(external_id="1").followers == 100


def test_an_upload_may_complete_its_uploaders_profile_that_no_network_gave():
    member = MemberFactory()
    Identity.objects.create(network="x", external_id="1", member=member)

    _upload_by(
        member, Batch(identities=[IdentityRecord(network="x", external_id="1", handle="me", followers=10)])
    )

    me = Identity.objects.get(external_id="1")
    assert (me.handle, me.followers, me.origin) == ("me", 10, Origin.UPLOAD)


def test_the_apis_fetch_of_a_post_replaces_what_an_upload_said_about_it():
    member = MemberFactory()
    _fetched_identity("1", "me")
    Identity.objects.filter(external_id="1").update(member=member)
    _upload_by(
        member,
        Batch(
            posts=[PostRecord(network="x", external_id="p1", author_id="1", created_at=T0, likes=900)],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id=f"fan{n}", target_id="1", occurred_at=T0, post_id="p1"
                )
                for n in range(30)
            ]
            + [
                InteractionRecord(network="x", kind="mention", actor_id="fan0", target_id="1", occurred_at=T0)
            ],
        ),
    )
    assert Interaction.objects.filter(origin=Origin.UPLOAD).count() == 31

    result = ingest_batch(
        batch=Batch(
            posts=[PostRecord(network="x", external_id="p1", author_id="1", created_at=T0, likes=3)],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id="fan0", target_id="1", occurred_at=T0, post_id="p1"
                )
            ],
        ),
        provenance=FETCHED,
    )

    assert result.self_reported_replaced == 30
    post = Post.objects.get(external_id="p1")
    assert (post.likes, post.origin, post.reported_by) == (3, Origin.API, None)
    assert sorted(Interaction.objects.values_list("kind", "origin")) == [
        ("like", Origin.API),
        # Not about that post: the upload's word stands, as self-reported.
        ("mention", Origin.UPLOAD),
    ]


def test_an_upload_adds_no_reaction_of_a_kind_the_network_listed_for_the_post():
    member = _member_with_proven_like_of_p1()

    result = _upload_by(
        member,
        Batch(
            posts=[PostRecord(network="x", external_id="p1", author_id="1", created_at=T0, likes=3000)],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id="x1", target_id="1", occurred_at=T0, post_id="p1"
                ),
                InteractionRecord(
                    network="x", kind="reply", actor_id="x1", target_id="1", occurred_at=T0, post_id="p1"
                ),
            ],
        ),
    )

    # X listed the post's likes: no uploaded like is added to them. It did not list replies.
    assert result.interactions.new == 1
    assert sorted(Interaction.objects.values_list("kind", "origin")) == [
        ("like", Origin.API),
        ("reply", Origin.UPLOAD),
    ]
    assert Post.objects.get(external_id="p1").likes == 3


def test_a_post_merely_seen_by_another_sync_replaces_none_of_its_uploaded_reactions():
    """Someone's timeline showing a member's post must not erase the member's uploaded likes of it."""
    member = MemberFactory()
    _fetched_identity("1", "me")
    Identity.objects.filter(external_id="1").update(member=member)
    likes = [
        InteractionRecord(
            network="x", kind="like", actor_id=f"fan{n}", target_id="1", occurred_at=T0, post_id="p1"
        )
        for n in range(5)
    ]
    _upload_by(
        member,
        Batch(
            posts=[PostRecord(network="x", external_id="p1", author_id="1", created_at=T0)],
            interactions=likes,
        ),
    )

    reply = InteractionRecord(
        network="x", kind="reply", actor_id="2", target_id="1", occurred_at=T0, post_id="p1"
    )
    result = ingest_batch(
        batch=Batch(
            posts=[PostRecord(network="x", external_id="p1", author_id="1", created_at=T0, likes=5)],
            interactions=[reply],
        ),
        provenance=FETCHED,
    )

    assert result.self_reported_replaced == 0
    assert Interaction.objects.filter(kind="like", origin=Origin.UPLOAD).count() == 5


def _member_with_proven_like_of_p1():
    member = MemberFactory()
    _fetched_identity("1", "me")
    Identity.objects.filter(external_id="1").update(member=member)
    ingest_batch(
        batch=Batch(
            posts=[PostRecord(network="x", external_id="p1", author_id="1", created_at=T0, likes=3)],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id="fan", target_id="1", occurred_at=T0, post_id="p1"
                )
            ],
        ),
        provenance=FETCHED,
    )
    return member


def test_an_interaction_fetched_after_it_was_uploaded_becomes_the_apis():
    member = MemberFactory()
    _fetched_identity("1", "me")
    Identity.objects.filter(external_id="1").update(member=member)
    like = InteractionRecord(
        network="x", kind="like", actor_id="9", target_id="1", occurred_at=T0, post_id="p9"
    )
    _upload_by(member, Batch(interactions=[like]))

    result = ingest_batch(batch=Batch(interactions=[like]), provenance=FETCHED)

    # The network listed the likes of p9: its list replaces the uploaded one.
    assert (result.interactions.new, result.self_reported_replaced) == (1, 1)
    assert list(Interaction.objects.values_list("origin", "reported_by")) == [(Origin.API, None)]
    # And an upload saying it again changes nothing.
    again = _upload_by(member, Batch(interactions=[like]))
    assert (again.interactions.new, again.interactions.updated, again.interactions.duplicate) == (0, 0, 1)
    assert list(Interaction.objects.values_list("origin", flat=True)) == [Origin.API]


def test_an_upload_by_a_member_with_no_account_is_refused_before_it_is_read(
    client, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    client.force_login(member.user)
    line = {
        "network": "x",
        "kind": "like",
        "actor": {"id": "1"},
        "target": {"id": "2"},
        "occurred_at": "2024-01-01T00:00:00Z",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("connectors:activity_upload"),
            {"file": SimpleUploadedFile("a.jsonl", (json.dumps(line) + "\n").encode())},
        )
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED and "none is linked to you yet" in run.error
    assert not Identity.objects.exists()


# --- a post belongs to its author --------------------------------------------------------------


def _member_with(external_id: str, handle: str):
    member = MemberFactory()
    _fetched_identity(external_id, handle)
    Identity.objects.filter(external_id=external_id).update(member=member)
    return member


def test_an_upload_cannot_rewrite_another_members_post_by_its_id():
    attacker, victim = _member_with("1", "attacker"), _member_with("2", "victim")
    _upload_by(
        victim,
        Batch(posts=[PostRecord(network="x", external_id="900", author_id="2", created_at=T0, text="mine")]),
    )

    result = _upload_by(
        attacker,
        Batch(
            posts=[
                PostRecord(
                    network="x", external_id="900", author_id="1", created_at=T0, text="defaced", likes=10**9
                )
            ]
        ),
    )

    post = Post.objects.get(external_id="900")
    assert (post.author.handle, post.text, post.likes, post.reported_by_id) == (
        "victim",
        "mine",
        None,
        victim.pk,
    )
    assert result.posts.updated == 0


def test_the_apis_fetch_gives_a_squatted_post_id_back_to_its_real_author():
    from privacy.services import member_opt_out

    attacker, _victim = _member_with("1", "attacker"), _member_with("2", "victim")
    tweet = "1790000000000000001"
    _upload_by(
        attacker,
        Batch(posts=[PostRecord(network="x", external_id=tweet, author_id="1", created_at=T0, text="squat")]),
    )
    ingest_batch(
        batch=Batch(
            posts=[
                PostRecord(
                    network="x", external_id=tweet, author_id="2", created_at=T0, text="real", likes=30
                )
            ],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id=f"fan{n}", target_id="2", occurred_at=T0, post_id=tweet
                )
                for n in range(30)
            ],
        ),
        provenance=FETCHED,
    )
    post = Post.objects.get(external_id=tweet)
    assert (post.author.handle, post.text, post.origin, post.reported_by) == (
        "victim",
        "real",
        Origin.API,
        None,
    )
    assert Interaction.objects.filter(post=post).count() == 30

    member_opt_out(member=attacker)

    assert Post.objects.filter(external_id=tweet).exists()
    assert Interaction.objects.filter(target__external_id="2").count() == 30


def test_invented_reactions_naming_another_members_post_do_not_count_for_that_post():
    from datetime import timedelta

    from django.utils import timezone

    from scoring.selectors import member_top_moments

    attacker, victim = _member_with("1", "attacker"), _member_with("2", "victim")
    now = timezone.now()
    _upload_by(
        victim, Batch(posts=[PostRecord(network="x", external_id="bpost", author_id="2", created_at=now)])
    )
    _upload_by(
        attacker,
        Batch(
            interactions=[
                InteractionRecord(
                    network="x",
                    kind="like",
                    actor_id=f"sock{n}",
                    target_id="1",
                    occurred_at=now,
                    post_id="bpost",
                )
                for n in range(40)
            ]
        ),
    )
    assert member_top_moments(member=victim, since=now - timedelta(days=30)) == []
    assert not Interaction.objects.filter(post__external_id="bpost").exists()


def test_an_operators_correction_of_a_posts_author_unlinks_what_the_squatter_attached():
    attacker, _victim = _member_with("1", "attacker"), _member_with("2", "victim")
    _upload_by(
        attacker,
        Batch(
            posts=[PostRecord(network="x", external_id="p", author_id="1", created_at=T0)],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id=f"sock{n}", target_id="1", occurred_at=T0, post_id="p"
                )
                for n in range(30)
            ],
        ),
    )
    assert Interaction.objects.filter(post__external_id="p").count() == 30

    ingest_batch(batch=Batch(posts=[PostRecord(network="x", external_id="p", author_id="2", created_at=T0)]))

    assert Post.objects.get(external_id="p").author.handle == "victim"
    assert not Interaction.objects.filter(post__external_id="p").exists()


def test_what_only_an_upload_said_goes_when_the_network_describes_the_same_post_and_profile():
    member = MemberFactory()
    _fetched_identity("300", "mine")
    Identity.objects.filter(external_id="300").update(member=member)
    at = datetime(2024, 5, 1, tzinfo=UTC)
    _upload_by(
        member,
        Batch(
            identities=[IdentityRecord(network="x", external_id="300", handle="mine", listed=9_999)],
            posts=[
                PostRecord(
                    network="x", external_id="p9", author_id="300", created_at=at, views=10**9, quotes=5_000
                )
            ],
        ),
    )
    post = Post.objects.get(external_id="p9")
    assert (post.views, post.quotes, post.origin) == (10**9, 5_000, Origin.UPLOAD)
    # The network's answer has likes and no views or quotes: the upload's numbers do not stay
    # on under the network's origin, where they would count as fetched.
    fetched = PostRecord(network="x", external_id="p9", author_id="300", created_at=at, likes=3)
    ingest_batch(batch=Batch(posts=[fetched]), provenance=FETCHED)
    post.refresh_from_db()
    assert (post.likes, post.views, post.quotes, post.origin) == (3, None, None, Origin.API)
    _fetched_identity("300", "mine", followers=12)
    mine = Identity.objects.get(external_id="300")
    assert (mine.followers, mine.listed, mine.origin) == (12, None, Origin.API)
