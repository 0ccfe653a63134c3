"""A perk's outcome: the campaign posts, their reactions, the lift and missing disclosure."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from connectors.ingest import ingest_batch
from connectors.records import Batch, InteractionRecord, PostRecord
from perks import claims
from perks.models import Perk
from perks.outcome import perk_outcome
from tests.factories import brand_owner
from tests.personas import scored_member

pytestmark = pytest.mark.django_db


def _at(day, hour=12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _post(author: str, post_id: str, when: datetime, text: str, fans: int) -> Batch:
    return Batch(
        posts=[PostRecord(network="x", external_id=post_id, author_id=author, created_at=when, text=text)],
        interactions=[
            InteractionRecord(
                network="x", kind="like", actor_id=str(900_000 + n), target_id=author,
                occurred_at=when + timedelta(hours=1), post_id=post_id,
            )
            for n in range(fans)
        ],
    )  # fmt: skip


@pytest.fixture
def campaign():
    today = timezone.localdate()
    owner = brand_owner()
    perk = Perk.objects.create(
        brand=owner.brand, title="Beans", description="d", offer="beans", quantity=5, needs_shipping=False,
        starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=5), campaign_tag="#BrewDay",
        status="published",
    )  # fmt: skip
    member = scored_member(score=60)
    claims.perk_claim(perk=perk, member=member)
    author = member.identities.get().external_id
    # Usual: the posts of the 90 days before, with 2, 4 and 3 likes: a mean of 3.
    ingest_batch(batch=_post(author, "old-1", _at(perk.starts_on - timedelta(days=30)), "hello", 2))
    ingest_batch(batch=_post(author, "old-2", _at(perk.starts_on - timedelta(days=10)), "morning", 4))
    # The campaign: one disclosed post with 9 likes, one without #ad with 3.
    ingest_batch(
        batch=_post(author, "c-1", _at(perk.starts_on + timedelta(days=1)), "Loving #BrewDay #ad", 9)
    )
    ingest_batch(
        batch=_post(author, "c-2", _at(perk.starts_on + timedelta(days=2)), "More #brewday beans", 3)
    )
    # Not campaign posts: another tag that starts alike, and one before the perk began (a usual one).
    ingest_batch(batch=_post(author, "n-1", _at(perk.starts_on + timedelta(days=2)), "#BrewDayOff", 50))
    ingest_batch(batch=_post(author, "n-2", _at(perk.starts_on - timedelta(days=1)), "#BrewDay soon", 3))
    return perk


def test_the_outcome_counts_campaign_posts_their_reactions_and_lift(campaign):
    outcome = perk_outcome(perk=campaign)
    assert [p.text for p in outcome.posts] == ["Loving #BrewDay #ad", "More #brewday beans"]
    assert [p.reactions for p in outcome.posts] == [9, 3]
    assert [p.lift for p in outcome.posts] == [3.0, 1.0]
    assert outcome.reactions == 12 and outcome.lift == 2.0
    # The same nine fans liked both (their ids repeat): twelve reactions from nine people.
    assert outcome.reached == 9
    (influencer,) = outcome.influencers
    assert (influencer.posts, influencer.reactions, influencer.lift) == (2, 12, 2.0)


def test_posts_without_disclosure_are_flagged(campaign):
    outcome = perk_outcome(perk=campaign)
    assert [p.discloses for p in outcome.posts] == [True, False]
    assert outcome.undisclosed == 1 and outcome.influencers[0].undisclosed == 1


def test_the_chart_has_a_point_per_campaign_day(campaign):
    outcome = perk_outcome(perk=campaign)
    days = dict(outcome.by_day)
    assert days[campaign.starts_on + timedelta(days=1)] == 9
    assert days[campaign.starts_on + timedelta(days=2)] == 3
    assert outcome.by_day[0][0] == campaign.starts_on and outcome.by_day[-1][0] == timezone.localdate()


def test_only_influencers_who_hold_a_claim_count(campaign):
    claim = campaign.claims.get()
    claims.claim_cancel(claim=claim, by=campaign.brand.memberships.get().user)
    assert perk_outcome(perk=campaign).posts == []
