"""Scores say how much of them rests on self-reported data, and brands see whether they are verified."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity
from connectors.records import FETCHED, Batch, IdentityRecord, InteractionRecord, PostRecord, Provenance
from scoring.models import IdentityScore, MemberScore
from scoring.services import score_recompute
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)


def _fans_like(star: str, fans: range, *, post: str) -> Batch:
    at = NOW - timedelta(days=2)
    return Batch(
        posts=[PostRecord(network="x", external_id=post, author_id=star, created_at=at)],
        interactions=[
            InteractionRecord(
                network="x", kind="like", actor_id=f"fan{n}", target_id=star, occurred_at=at, post_id=post
            )
            for n in fans
        ],
    )


def _member_with_proven_account():
    member = MemberFactory(profile_public=True)
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="x", external_id="1", handle="me")]),
        provenance=FETCHED,
    )
    identity = Identity.objects.get(external_id="1")
    Identity.objects.filter(pk=identity.pk).update(member=member)
    ConnectedAccount.objects.create(member=member, identity=identity, network="x")
    return member


def test_an_uploaded_reaction_counts_less_and_its_points_are_told():
    member = _member_with_proven_account()
    ingest_batch(batch=_fans_like("1", range(0, 6), post="fetched"), provenance=FETCHED)
    score_recompute(now=NOW)
    fetched_only = MemberScore.objects.get(member=member)
    assert fetched_only.self_reported == 0 and fetched_only.verified

    own = {("x", "1")}
    ingest_batch(
        batch=_fans_like("1", range(6, 12), post="uploaded"),
        provenance=Provenance.upload(member_id=member.pk, own=own),
    )
    score_recompute(now=NOW + timedelta(days=1))
    mixed = MemberScore.objects.get(member=member, day=(NOW + timedelta(days=1)).date())
    identity = IdentityScore.objects.get(identity__external_id="1", day=mixed.day)
    assert 0 < identity.self_reported < identity.unsmoothed
    assert mixed.self_reported == pytest.approx(identity.self_reported, abs=0.05)
    # Six more fans, each counting a quarter of one the network reports.
    assert mixed.unsmoothed > fetched_only.unsmoothed
    gain = mixed.unsmoothed - fetched_only.unsmoothed
    ingest_batch(batch=_fans_like("1", range(6, 12), post="uploaded-then-fetched"), provenance=FETCHED)
    score_recompute(now=NOW + timedelta(days=2))
    fetched_twelve = MemberScore.objects.get(member=member, day=(NOW + timedelta(days=2)).date())
    assert fetched_twelve.unsmoothed - fetched_only.unsmoothed > gain
    assert not mixed.verified and mixed.self_reported_share > 0.05


def test_the_dashboard_the_public_profile_and_the_api_say_how_much_is_self_reported(client):
    member = _member_with_proven_account()
    ingest_batch(
        batch=_fans_like("1", range(10), post="uploaded"),
        provenance=Provenance.upload(member_id=member.pk, own={("x", "1")}),
    )
    score_recompute(now=NOW)
    snapshot = MemberScore.objects.get(member=member)
    assert not snapshot.verified

    client.force_login(member.user)
    dashboard = client.get(reverse("scoring:dashboard")).content.decode()
    assert "Partly self-reported" in dashboard and "connect the account" in dashboard
    public = client.get(f"/u/{member.slug}/").content.decode()
    assert "Partly self-reported" in public and "its owner's uploaded files" in public
    body = client.get("/api/v1/me/score/").json()
    assert body["verified"] is False and body["self_reported_points"] == pytest.approx(snapshot.self_reported)
    identity = client.get("/api/v1/identities/x/me/score/").json()
    assert identity["verified"] is False and identity["self_reported_points"] > 0


def test_a_score_resting_on_fetched_data_is_shown_verified(client):
    member = _member_with_proven_account()
    ingest_batch(batch=_fans_like("1", range(10), post="fetched"), provenance=FETCHED)
    score_recompute(now=NOW)
    client.force_login(member.user)
    assert "Verified" in client.get(f"/u/{member.slug}/").content.decode()
    assert client.get("/api/v1/me/score/").json()["verified"] is True


def test_an_account_linked_only_by_an_upload_makes_the_whole_score_self_reported():
    """An edited archive can name someone else's account: until the member signs in with it,
    what that account brings rests on their word."""
    member = MemberFactory()
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="x", external_id="1", handle="famous")]),
        provenance=FETCHED,
    )
    ingest_batch(batch=_fans_like("1", range(20), post="fetched"), provenance=FETCHED)
    # As an uploaded archive links it: the member's claim.
    Identity.objects.filter(external_id="1").update(member=member, member_claimed=True)
    score_recompute(now=NOW)
    claimed = MemberScore.objects.get(member=member)
    assert claimed.unsmoothed > 0
    assert claimed.self_reported == pytest.approx(claimed.unsmoothed, abs=0.05)
    assert not claimed.verified
    # The identity's own score is what the network shows: it is not self-reported.
    assert IdentityScore.objects.get(identity__external_id="1").self_reported == 0

    # Signing in with X proves it (connectors.twitter.services.x_account_connect does both).
    Identity.objects.filter(external_id="1").update(member_claimed=False)
    ConnectedAccount.objects.create(
        member=member, identity=Identity.objects.get(external_id="1"), network="x"
    )
    score_recompute(now=NOW + timedelta(days=1))
    assert MemberScore.objects.get(member=member, day=(NOW + timedelta(days=1)).date()).verified


def test_invented_fans_of_one_member_lend_no_weight_to_the_members_they_react_to():
    """U uploads 300 invented accounts liking U; U's real like of B must not carry them to B."""
    uploader = _member_with_proven_account()
    beneficiary = MemberFactory(profile_public=True)
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="x", external_id="2", handle="b")]), provenance=FETCHED
    )
    b = Identity.objects.get(external_id="2")
    Identity.objects.filter(pk=b.pk).update(member=beneficiary)
    ConnectedAccount.objects.create(member=beneficiary, identity=b, network="x")
    at = NOW - timedelta(days=2)
    ingest_batch(
        batch=Batch(
            posts=[PostRecord(network="x", external_id="bpost", author_id="2", created_at=at)],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id=actor, target_id="2", occurred_at=at, post_id="bpost"
                )
                for actor in ["1", *(f"fan{n}" for n in range(5))]
            ],
        ),
        provenance=FETCHED,
    )
    # The accounts the upload will invent exist already (bare), so both days score the same
    # graph but for the uploaded likes: PageRank's scale depends on how many accounts there are.
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="x", external_id=f"fan{n}") for n in range(100, 400)]),
        provenance=FETCHED,
    )
    score_recompute(now=NOW)
    before = MemberScore.objects.get(member=beneficiary)

    ingest_batch(
        batch=_fans_like("1", range(100, 400), post="upost"),
        provenance=Provenance.upload(member_id=uploader.pk, own={("x", "1")}),
    )
    day = NOW + timedelta(days=1)
    score_recompute(now=day)

    after = MemberScore.objects.get(member=beneficiary, day=day.date())
    # A day older, the same: what a day of decay takes (about 0.06 points here), no more.
    assert after.unsmoothed == pytest.approx(before.unsmoothed, abs=0.1)
    assert after.unsmoothed <= before.unsmoothed
    assert after.verified and after.self_reported == 0
    assert not MemberScore.objects.get(member=uploader, day=day.date()).verified


def test_reactions_a_stranger_uploads_about_giving_them_count_for_no_one():
    """Claimed throwaway accounts "liking" Bob must neither lift Bob's score nor take his mark away."""
    bob = _member_with_proven_account()
    ingest_batch(batch=_fans_like("1", range(10), post="fetched"), provenance=FETCHED)
    mallory = MemberFactory()
    # Mallory's throwaway accounts exist on both days (PageRank's scale counts accounts).
    for n in range(3):
        Identity.objects.create(network="x", external_id=f"throwaway{n}", member=mallory, member_claimed=True)
    score_recompute(now=NOW)
    before = MemberScore.objects.get(member=bob)

    at = NOW - timedelta(days=1)
    given = [
        InteractionRecord(network="x", kind=kind, actor_id=f"throwaway{n}", target_id="1", occurred_at=at)
        for n in range(3)
        for kind in ("like", "reply", "repost", "mention")
    ]
    own = {("x", f"throwaway{n}") for n in range(3)}
    ingest_batch(batch=Batch(interactions=given), provenance=Provenance.upload(member_id=mallory.pk, own=own))
    day = NOW + timedelta(days=1)
    score_recompute(now=day)

    after = MemberScore.objects.get(member=bob, day=day.date())
    assert after.verified and after.self_reported == 0
    assert after.unsmoothed <= before.unsmoothed
