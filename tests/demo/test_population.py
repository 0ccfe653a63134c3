"""The synthetic demo population: seeded, heavy-tailed, labelled demo, and ingestible."""

from __future__ import annotations

import numpy as np
import pytest

from connectors.records import INTERACTION_KINDS, NETWORKS
from demo.population import PopulationSpec, activity_columns, engine_inputs, generate, iter_batches
from scoring.engine import DAY, KIND_CODE
from scoring.engine.evaluation import evaluate_split


@pytest.fixture(scope="module")
def population():
    return generate(spec=PopulationSpec(identities=4_000, seed=12))


def test_same_seed_gives_the_same_population(population):
    again = generate(spec=PopulationSpec(identities=4_000, seed=12))
    for column in ("followers", "actor", "target", "kind", "time", "post_time"):
        np.testing.assert_array_equal(getattr(again, column), getattr(population, column))
    other = generate(spec=PopulationSpec(identities=4_000, seed=13))
    assert not np.array_equal(other.followers, population.followers)


def test_followers_and_activity_are_heavy_tailed(population):
    humans = ~population.is_bot
    median, p99 = np.percentile(population.followers[humans], [50, 99])
    assert p99 > 20 * max(median, 1)
    received = np.bincount(population.target, minlength=population.size)
    assert received.max() > 50 * max(np.median(received), 1)


def test_times_lie_in_the_period_and_volume_follows_the_spec(population):
    start = population.start
    assert population.time.min() >= start and population.time.max() < start + 180 * DAY
    assert np.all(np.diff(population.time) >= 0)
    genuine = ~population.is_bot[population.actor] & (population.ring[population.actor] < 0)
    assert 15 * population.size < genuine.sum() < 40 * population.size
    bigger = generate(spec=PopulationSpec(identities=4_000, reactions_per_identity=75.0, seed=12))
    assert bigger.actor.size > 2 * population.actor.size


def test_bots_like_far_more_targets_and_rings_engage_each_other(population):
    bots = np.flatnonzero(population.is_bot)
    likes = population.kind == KIND_CODE["like"]
    per_actor = np.bincount(population.actor[likes], minlength=population.size)
    assert np.median(per_actor[bots]) > 20 * np.median(per_actor[~population.is_bot])
    in_ring = population.ring[population.actor] >= 0
    same_ring = in_ring & (population.ring[population.actor] == population.ring[population.target])
    assert same_ring.sum() > 0.8 * in_ring.sum()


def test_networks_stay_apart_and_some_persons_span_two(population):
    assert np.all(population.network[population.actor] == population.network[population.target])
    counts = np.bincount(population.person, minlength=population.persons)
    assert counts.max() == 2 and (counts == 2).sum() > 0.02 * population.persons


def test_records_are_labelled_demo_and_match_the_columns(population):
    small = generate(spec=PopulationSpec(identities=300, seed=1))
    batches = list(iter_batches(population=small, batch_size=1_000))
    identities = [r for b in batches for r in b.identities]
    posts = [r for b in batches for r in b.posts]
    interactions = [r for b in batches for r in b.interactions]
    assert len(identities) == small.size and len(posts) == small.post_author.size
    assert len(interactions) == small.actor.size
    assert all(r.handle.startswith("demo_") and "demo" in r.bio for r in identities)
    assert {r.network for r in identities} <= set(NETWORKS)
    assert {r.kind for r in interactions} <= set(INTERACTION_KINDS)
    first = interactions[0]
    assert first.actor_id == f"demo-{small.actor[0]}" and first.occurred_at.timestamp() == pytest.approx(
        small.time[0], abs=1e-5
    )
    assert all(len(b) <= 1_000 for b in batches)


def test_engine_inputs_only_see_the_past(population):
    now = population.day(45)
    features, edges = engine_inputs(population=population, now=now)
    assert edges.time.max() <= now and len(edges) < population.actor.size
    assert features.posts.sum() > 0


def test_score_beats_follower_count_and_plain_pagerank_on_a_generated_population(population):
    report = evaluate_split(
        activity=activity_columns(population=population),
        split=population.day(90),
        outcome_end=population.day(180),
    )
    for spearman in (report.spearman, report.spearman_posting):
        assert spearman["score (v2)"] > spearman["plain PageRank"]
        assert spearman["score (v2)"] > spearman["follower count"]
    assert report.top_overlap["score (v2)"] > report.top_overlap["follower count"]
    assert 30 < report.percentiles["median"] < 50


def test_when_half_the_reactions_are_only_counted_v2_beats_v1():
    hidden = generate(spec=PopulationSpec(identities=8_000, seed=12, hidden_share=0.5))
    countable = np.isin(hidden.kind, [KIND_CODE[k] for k in ("like", "repost", "reply", "quote")])
    assert 0.4 < hidden.hidden.sum() / (countable & (hidden.post >= 0)).sum() < 0.6
    report = evaluate_split(
        activity=activity_columns(population=hidden), split=hidden.day(90), outcome_end=hidden.day(180)
    )
    assert report.counted_before > 0.3 * report.scoring_edges
    assert report.spearman["score (v2)"] > report.spearman["score (v1.1)"]
    assert report.spearman_posting["score (v2)"] > report.spearman_posting["score (v1.1)"]


def test_hiding_reactors_leaves_the_rest_of_the_population_as_it_was(population):
    hidden = generate(spec=PopulationSpec(identities=4_000, seed=12, hidden_share=0.5))
    for column in ("followers", "actor", "target", "kind", "time", "post"):
        np.testing.assert_array_equal(getattr(hidden, column), getattr(population, column))
    assert not population.hidden.any() and hidden.hidden.any()
    # Only reactions to posts that a network counts: never a mention or a follow.
    assert np.all(
        np.isin(hidden.kind[hidden.hidden], [KIND_CODE[k] for k in ("like", "repost", "reply", "quote")])
    )
    assert np.all(hidden.post[hidden.hidden] >= 0)
