"""A member opts out of tracking: tombstones, a purge of every row about them, no collection again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import Member
from accounts.selectors import member_may_be_tracked
from connectors.ingest import ingest_batch
from connectors.models import (
    ConnectedAccount,
    Identity,
    Interaction,
    Post,
    SyncRun,
    Tombstone,
    tombstone_digest,
)
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from privacy.models import PrivacyEvent
from privacy.services import member_opt_out
from scoring.models import IdentityScore, MemberScore
from tests.factories import MemberFactory
from tests.personas import ADA, BOB, CAROL, WHEN, world_build

pytestmark = pytest.mark.django_db(transaction=True)


def test_opt_out_writes_a_tombstone_for_every_identity_of_the_member():
    world = world_build()
    member_opt_out(member=world.member)
    assert Tombstone.objects.filter(digest=tombstone_digest(network="x", external_id=ADA)).exists()
    assert not Tombstone.objects.filter(digest=tombstone_digest(network="x", external_id=BOB)).exists()


def test_opt_out_deletes_the_identity_its_posts_and_interactions_in_both_directions():
    world = world_build()
    member_opt_out(member=world.member)
    assert not Identity.objects.filter(external_id=ADA).exists()
    assert not Post.objects.filter(external_id__in=["ada-1", "ada-2"]).exists()
    # Given (ada's reply and like) and received (bob's like and mention): all gone.
    assert not Interaction.objects.filter(actor_id=world.ada.pk).exists()
    assert not Interaction.objects.filter(target_id=world.ada.pk).exists()
    # Other people's data stays: their posts, and carol's like of bob's post.
    assert set(Post.objects.values_list("external_id", flat=True)) == {"bob-1", "carol-1"}
    assert list(Interaction.objects.values_list("actor__external_id", "target__external_id")) == [
        (CAROL, BOB)
    ]


def test_opt_out_deletes_scores_connected_accounts_tokens_and_sync_runs_with_their_uploads():
    world = world_build()
    assert default_storage.exists(world.upload_path)
    member_opt_out(member=world.member)
    assert not IdentityScore.objects.filter(identity_id=world.ada.pk).exists()
    assert IdentityScore.objects.filter(identity=world.bob).exists()
    assert not MemberScore.objects.filter(member=world.member).exists()
    assert not ConnectedAccount.objects.exists()
    assert not SyncRun.objects.exists()
    assert not default_storage.exists(world.upload_path)


def test_opt_out_marks_the_member_private_and_untrackable():
    world = world_build()
    Member.objects.filter(pk=world.member.pk).update(profile_public=True)
    assert member_may_be_tracked(member=world.member)
    member_opt_out(member=world.member)
    member = Member.objects.get(pk=world.member.pk)
    assert member.opted_out_at is not None
    assert member.profile_public is False
    # The stale object loaded before the opt-out does not fool the check.
    assert member_may_be_tracked(member=world.member) is False


def test_opt_out_writes_one_audit_row_with_counts_and_no_personal_data():
    world = world_build()
    member_opt_out(member=world.member)
    event = PrivacyEvent.objects.get()
    assert event.kind == PrivacyEvent.Kind.MEMBER_OPT_OUT
    assert event.counts["identities"] == 1
    assert event.counts["posts"] == 2
    assert event.counts["interactions"] == 4
    assert event.counts["tombstones"] == 1
    stored = f"{event.subject_digest} {event.counts}"
    for personal in ("ada", world.member.slug, world.member.user.email, ADA):
        assert personal not in stored


def test_opt_out_is_all_or_nothing(monkeypatch):
    world = world_build()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("privacy.services.privacy_event_record", broken)
    with pytest.raises(RuntimeError):
        member_opt_out(member=world.member)
    assert Identity.objects.filter(external_id=ADA).exists()
    assert Interaction.objects.filter(actor_id=world.ada.pk).exists()
    assert not Tombstone.objects.exists()
    assert Member.objects.get(pk=world.member.pk).opted_out_at is None
    assert default_storage.exists(world.upload_path)


def test_opting_out_twice_is_harmless():
    world = world_build()
    member_opt_out(member=world.member)
    first = Member.objects.get(pk=world.member.pk).opted_out_at
    counts = member_opt_out(member=world.member)
    assert counts.identities == 0
    assert Member.objects.get(pk=world.member.pk).opted_out_at == first


def test_reimporting_the_members_own_data_stores_nothing_of_them():
    world = world_build()
    member_opt_out(member=world.member)
    result = ingest_batch(
        batch=Batch(
            identities=[IdentityRecord(network="x", external_id=ADA, handle="ada")],
            posts=[PostRecord(network="x", external_id="ada-1", author_id=ADA, created_at=WHEN)],
        )
    )
    assert result.identities.dropped == 1 and result.posts.dropped == 1
    assert not Identity.objects.filter(external_id=ADA).exists()
    assert not Post.objects.filter(external_id="ada-1").exists()


def test_opted_out_identity_arriving_inside_another_identitys_sync_is_dropped():
    """bob's sync reports who liked his post: ada's like must not come back, bob's data must."""
    world = world_build()
    member_opt_out(member=world.member)
    bobs_sync = Batch(
        identities=[
            IdentityRecord(network="x", external_id=BOB, handle="bob"),
            IdentityRecord(network="x", external_id=ADA, handle="ada"),  # in includes.users
        ],
        posts=[PostRecord(network="x", external_id="bob-2", author_id=BOB, created_at=WHEN, text="new")],
        interactions=[
            InteractionRecord(
                network="x", kind="like", actor_id=ADA, target_id=BOB, occurred_at=WHEN, post_id="bob-2"
            ),
            InteractionRecord(network="x", kind="mention", actor_id=BOB, target_id=ADA, occurred_at=WHEN),
            InteractionRecord(
                network="x", kind="repost", actor_id=CAROL, target_id=BOB, occurred_at=WHEN, post_id="bob-2"
            ),
        ],
    )
    result = ingest_batch(batch=bobs_sync)
    assert result.interactions.dropped == 2
    assert not Identity.objects.filter(external_id=ADA).exists()
    assert Post.objects.filter(external_id="bob-2").exists()
    kinds = set(Interaction.objects.filter(target=world.bob).values_list("kind", "actor__external_id"))
    assert ("repost", CAROL) in kinds
    assert not any(actor == ADA for _, actor in kinds)


def test_opt_out_leaves_other_members_untouched():
    world = world_build()
    other = MemberFactory()
    Identity.objects.filter(pk=world.bob.pk).update(member=other)
    member_opt_out(member=world.member)
    assert Identity.objects.filter(pk=world.bob.pk, member=other).exists()
    assert member_may_be_tracked(member=other)


# --- the page ----------------------------------------------------------------------------------


def test_opt_out_page_needs_the_confirmation_box_and_changes_nothing_without_it(client):
    world = world_build()
    client.force_login(world.member.user)
    page = client.get(reverse("privacy:opt_out"))
    assert page.status_code == 200
    assert b"@ada" in page.content
    response = client.post(reverse("privacy:opt_out"), {})
    assert response.status_code == 200
    assert "Tick the box to confirm that you want to opt out." in response.content.decode()
    assert Identity.objects.filter(external_id=ADA).exists()
    assert Member.objects.get(pk=world.member.pk).opted_out_at is None


def test_confirmed_opt_out_from_the_page_purges_and_shows_the_opted_out_state(client):
    world = world_build()
    client.force_login(world.member.user)
    response = client.post(reverse("privacy:opt_out"), {"confirm": "on"}, follow=True)
    assert response.status_code == 200
    assert "You are opted out." in response.content.decode()
    assert "You opted out on" in response.content.decode()
    assert b"@ada" not in response.content
    assert not Identity.objects.filter(external_id=ADA).exists()


def test_an_account_without_an_influencer_profile_has_nothing_to_opt_out(client):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("privacy:opt_out"), {"confirm": "on"}, follow=True)
    assert "there is nothing to opt out of" in response.content.decode()
    assert not PrivacyEvent.objects.exists()


def test_opt_out_when_the_member_never_connected_anything_still_blocks_future_tracking():
    member = MemberFactory()
    counts = member_opt_out(member=member)
    assert counts.identities == 0
    assert member_may_be_tracked(member=member) is False


def test_when_the_opt_out_happened_is_kept():
    world = world_build()
    before = datetime.now(tz=UTC)
    member_opt_out(member=world.member)
    assert Member.objects.get(pk=world.member.pk).opted_out_at >= before
