"""The demo population: generated activity written through the ingest path, then scored.

Everything it stores is invented (handles ``demo_<n>``, bios saying so); see demo/population.py
for how the network is generated. The demo member is linked to one generated person, so the
dashboard has a real history to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.utils import timezone

from accounts.models import Member
from accounts.selectors import member_may_be_tracked
from connectors.ingest import ingest_batch
from connectors.models import Identity
from connectors.records import NETWORKS
from demo.population import Population, PopulationSpec, generate, iter_batches
from scoring.cards import discovery_refresh
from scoring.selectors import WINDOW_DAYS
from scoring.services import score_recompute


@dataclass(frozen=True)
class DemoSummary:
    identities: int
    posts: int
    interactions: int
    linked_identities: int
    days_scored: int


# The share of the likes, reposts, replies and quotes the demo knows only as counts.
DEMO_HIDDEN_SHARE = 0.3
# Posts in the dashboard's window (scoring.selectors.WINDOW_DAYS) that make the demo member's
# topics and top moments worth showing: about one every four or five days.
MIN_POSTS = 20


def demo_person_choose(*, population: Population, since: float) -> int:
    """The generated person the demo member is linked to: one with something in every section
    of the dashboard.

    Among people who are on more than one network (the dashboard combines them), and who are
    neither bots, nor customers of bought reactions, nor in an engagement ring (the demo shows
    an ordinary account), and who posted at least ``MIN_POSTS`` times since ``since``: the one
    whose posts of that time drew the most reactions from people. A population too small to
    have such a person gives the best of the next group: one network, then fewer posts, then
    anyone.
    """
    person, size = population.person, population.persons
    recent = population.post_time >= since
    posts = np.bincount(person[population.post_author[recent]], minlength=size)
    genuine = (
        ~population.hidden
        & (population.time >= since)
        & (population.post >= 0)
        & ~population.is_bot[population.actor]
        & (population.actor != population.target)
    )
    reactions = np.bincount(person[population.target[genuine]], minlength=size)
    networks = np.bincount(person, minlength=size)
    unusual = np.bincount(
        person, weights=population.is_bot | population.customer | (population.ring >= 0), minlength=size
    )
    ordinary = unusual == 0
    for group in (
        ordinary & (networks > 1) & (posts >= MIN_POSTS),
        ordinary & (posts >= MIN_POSTS),
        ordinary & (posts > 0),
        np.ones(size, dtype=bool),
    ):
        if group.any():
            # The most reacted-to of the group; on a tie, the first.
            return int(np.flatnonzero(group)[np.argmax(reactions[group])])
    return 0


def demo_population_seed(
    *,
    identities: int = 1_000,
    reactions_per_identity: float = 20.0,
    history_days: int = 90,
    seed: int = 7,
    member: Member | None = None,
    progress=None,
) -> DemoSummary:
    """Generate, ingest and score a demo population; running it again changes nothing.

    1. Generate ``identities`` accounts over the last 180 days, ending now.
    2. Ingest them in batches through ``ingest_batch`` (idempotent upserts).
    3. Link ``member`` to one generated person (``demo_person_choose``): on more than one
       network, posting regularly, among the most reacted-to, so that every section of the
       dashboard has something to show.
    4. Recompute one score per day for the last ``history_days`` days (each day's run is
       idempotent), so the history chart has real points.
    """
    say = progress or (lambda message: None)
    now = timezone.now()
    spec = PopulationSpec(
        identities=identities,
        reactions_per_identity=reactions_per_identity,
        days=180.0,
        seed=seed,
        start=now - timedelta(days=180),
        # As on the networks: many reactions are known only as their post's public count.
        hidden_share=DEMO_HIDDEN_SHARE,
    )
    population = generate(spec=spec)
    say(
        f"generated {population.size} identities, {population.post_author.size} posts, "
        f"{int((~population.hidden).sum())} interactions "
        f"({int(population.hidden.sum())} more known only as counts)"
    )
    # With the replies' and quotes' own posts, so that the tone of feedback has words to read.
    for batch in iter_batches(population=population, batch_size=20_000, reply_posts=True):
        ingest_batch(batch=batch, record_changes=False)
    say("ingested")

    linked = 0
    if member is not None:
        chosen = demo_person_choose(
            population=population, since=(now - timedelta(days=WINDOW_DAYS)).timestamp()
        )
        external_ids = [f"demo-{i}" for i in np.flatnonzero(population.person == chosen)]
        # Only the generated accounts, and only those nobody owns; never a member who opted out.
        if member_may_be_tracked(member=member):
            linked = Identity.objects.filter(
                network__in=NETWORKS, external_id__in=external_ids, member__isnull=True
            ).update(member=member)

    for days_ago in range(history_days, -1, -1):
        score_recompute(now=now - timedelta(days=days_ago))
    say(f"scored {history_days + 1} days")
    # What the daily task does after its recompute: topics, and the cards brands discover by.
    discovery_refresh(day=now.date(), now=now)
    say("topics and discovery cards refreshed")
    return DemoSummary(
        identities=population.size,
        posts=int(population.post_author.size),
        interactions=int((~population.hidden).sum()),
        linked_identities=linked,
        days_scored=history_days + 1,
    )
