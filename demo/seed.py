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
from demo.population import PopulationSpec, generate, iter_batches
from scoring.cards import discovery_refresh
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
    3. Link ``member`` to one generated person with more than one network, among the
       better-reacted-to, so their dashboard combines networks.
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
    for batch in iter_batches(population=population, batch_size=20_000):
        ingest_batch(batch=batch, record_changes=False)
    say("ingested")

    linked = 0
    if member is not None:
        persons, counts = np.unique(population.person, return_counts=True)
        multi = persons[counts > 1]
        if multi.size:
            appeal = np.array([population.appeal[population.person == p].max() for p in multi])
            chosen = multi[np.argsort(appeal)[int(0.8 * (appeal.size - 1))]]
        else:
            chosen = int(np.argmax(population.appeal))
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
