"""Rings and bot likers added to a generated population buy far less than genuine reactions."""

from __future__ import annotations

import numpy as np
import pytest

from demo.population import PopulationSpec, engine_inputs, generate
from scoring.engine import DAY, KIND_CODE, EdgeList, score_identities

MEMBERS = 10
PER_PAIR = 20  # each ring member likes each other member 20 times over two months
VOLUME = MEMBERS * (MEMBERS - 1) * PER_PAIR


@pytest.fixture(scope="module")
def world():
    population = generate(spec=PopulationSpec(identities=5_000, seed=3))
    now = population.day(90)
    features, edges = engine_inputs(population=population, now=now)
    base = score_identities(features=features, edges=edges, now=now)
    rng = np.random.default_rng(0)
    ordinary = ~population.is_bot & (population.ring < 0) & ~population.customer & (population.network == 0)
    candidates = np.flatnonzero(ordinary & (features.posts > 2))
    members = rng.choice(candidates, MEMBERS, replace=False)
    return population, features, edges, base, members, now, rng


def _raise(world, actor: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    _, features, edges, base, members, now, rng = world
    m = actor.size
    extended = EdgeList(
        actor=np.concatenate([edges.actor, actor]).astype(np.int32),
        target=np.concatenate([edges.target, target]).astype(np.int32),
        kind=np.concatenate([edges.kind, np.full(m, KIND_CODE["like"], dtype=np.int8)]),
        time=np.concatenate([edges.time, now - rng.random(m) * 60 * DAY]),
        network=np.concatenate([edges.network, np.zeros(m, dtype=np.int8)]),
    )
    after = score_identities(features=features, edges=extended, now=now)
    return (
        float((after.score[members] - base.score[members]).mean()),
        float((after.raw[members] - base.raw[members]).mean()),
    )


def _genuine(world) -> tuple[float, float]:
    population, _, _, _, members, _, rng = world
    ordinary = np.flatnonzero(~population.is_bot & (population.ring < 0) & (population.network == 0))
    fans = rng.choice(np.setdiff1d(ordinary, members), VOLUME)
    return _raise(world, fans, np.repeat(members, VOLUME // MEMBERS))


def test_an_engagement_ring_raises_its_members_far_less_than_the_same_genuine_volume(world):
    members = world[4]
    actor = np.repeat(members, (MEMBERS - 1) * PER_PAIR)
    target = np.concatenate([np.repeat(members[members != m], PER_PAIR) for m in members])
    assert actor.size == VOLUME
    ring_points, ring_raw = _raise(world, actor, target)
    genuine_points, genuine_raw = _genuine(world)
    assert genuine_points > 10
    assert ring_points < 0.4 * genuine_points
    assert ring_raw < 0.1 * genuine_raw


def test_bot_likers_raise_their_customers_far_less_than_the_same_genuine_volume(world):
    population, members, rng = world[0], world[4], world[6]
    bots = np.flatnonzero(population.is_bot & (population.network == 0))
    assert bots.size >= 5
    bot_points, bot_raw = _raise(world, rng.choice(bots, VOLUME), np.repeat(members, VOLUME // MEMBERS))
    genuine_points, genuine_raw = _genuine(world)
    assert bot_points < 0.4 * genuine_points
    assert bot_raw < 0.1 * genuine_raw
