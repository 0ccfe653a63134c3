"""The engine on small graphs worked by hand: orderings and exact contributions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.engine import (
    DAY,
    DEFAULT_PARAMS,
    KIND_CODE,
    SIGNALS,
    EdgeList,
    FeatureTable,
    score_identities,
    score_points,
)

NOW = 1_000 * DAY
P = DEFAULT_PARAMS


def features(size: int, *, posts=None, followers=None) -> FeatureTable:
    return FeatureTable(
        network=np.zeros(size, dtype=np.int8),
        followers=np.zeros(size) if followers is None else np.asarray(followers, dtype=np.float64),
        following=np.zeros(size),
        posts=np.zeros(size) if posts is None else np.asarray(posts, dtype=np.float64),
    )


def edges(rows: list[tuple[int, int, str, float]]) -> EdgeList:
    """rows of (actor, target, kind, age in days)."""
    actor, target, kind, age = zip(*rows, strict=True) if rows else ((), (), (), ())
    return EdgeList(
        actor=np.array(actor, dtype=np.int32),
        target=np.array(target, dtype=np.int32),
        kind=np.array([KIND_CODE[k] for k in kind], dtype=np.int8),
        time=NOW - np.array(age, dtype=np.float64) * DAY,
        network=np.zeros(len(rows), dtype=np.int8),
    )


def engagement(result, index: int) -> float:
    return float(sum(result.contributions[name][index] for name in SIGNALS[:5]))


def efficiency_factor(engaged: float, posts: float) -> float:
    rate = (engaged + P.rate_pseudo_posts * P.rate_prior) / (posts + P.rate_pseudo_posts)
    return min(max((rate / P.rate_prior) ** P.rate_exponent, P.efficiency_floor), P.efficiency_ceiling)


def assert_adds_up(result) -> None:
    total = np.sum([result.contributions[name] for name in SIGNALS], axis=0)
    np.testing.assert_allclose(total, result.raw, rtol=1e-12, atol=1e-12)
    points = score_points(raw=result.raw, score=result.score, contributions=result.contributions)
    np.testing.assert_allclose(np.sum(list(points.values()), axis=0), result.score, rtol=1e-9, atol=1e-9)


def test_star_center_gets_every_leaf_like_at_full_weight_and_the_pagerank_inflow():
    leaves = 5
    result = score_identities(
        features=features(leaves + 1),
        edges=edges([(leaf, 0, "like", 0.0) for leaf in range(1, leaves + 1)]),
        now=NOW,
    )
    # Each leaf: one like today = volume 1, strength log(2), voice 1 (nobody reacts to a leaf).
    assert result.contributions["likes"][0] == pytest.approx(leaves * math.log(2))
    assert result.contributions["reposts"][0] == 0
    # PageRank by hand: the leaves keep only the refill r, the center holds d * 5r on top, and
    # r = 1 / (6 + 5d) makes the total 1; the center's inflow is n * d * 5r.
    d = P.damping
    r = 1 / (leaves + 1 + leaves * d)
    assert result.contributions["authority"][0] == pytest.approx((leaves + 1) * d * leaves * r, rel=1e-6)
    e = leaves * math.log(2)
    assert result.contributions["efficiency"][0] == pytest.approx(e * (efficiency_factor(e, 0.0) - 1))
    assert result.raw[1:].max() == 0 and result.score[1:].max() == 0
    assert result.score[0] > 40
    assert list(result.distinct_actors) == [5, 0, 0, 0, 0, 0]
    assert result.received[0, KIND_CODE["like"]] == 5
    assert_adds_up(result)


def test_chain_ranks_by_position_and_voice_grows_with_the_reactors_own_inflow():
    # 3 likes 2, 2 likes 1, 1 likes 0.
    result = score_identities(
        features=features(4),
        edges=edges([(3, 2, "like", 0.0), (2, 1, "like", 0.0), (1, 0, "like", 0.0)]),
        now=NOW,
    )
    assert result.score[0] > result.score[1] > result.score[2] > result.score[3] == 0
    inflow = result.contributions["authority"] / P.authority_weight
    for target, reactor in ((0, 1), (1, 2), (2, 3)):
        voice = 1 + math.log1p(inflow[reactor])
        assert result.contributions["likes"][target] == pytest.approx(math.log(2) * voice)
    assert_adds_up(result)


def test_ring_of_mutual_likers_keeps_only_the_unreciprocated_tenth():
    # 0, 1, 2 like each other 10 times each; 3 receives as many likes from two one-way fans.
    rows = [(a, b, "like", 0.0) for a in range(3) for b in range(3) if a != b for _ in range(10)]
    rows += [(fan, 3, "like", 0.0) for fan in (4, 5) for _ in range(10)]
    result = score_identities(features=features(6), edges=edges(rows), now=NOW)
    inflow = result.contributions["authority"] / P.authority_weight
    kept = 1 - P.reciprocity_discount
    for member in range(3):
        partners = [m for m in range(3) if m != member]
        expected = sum(kept * math.log(11) * (1 + math.log1p(inflow[p])) for p in partners)
        assert result.contributions["likes"][member] == pytest.approx(expected)
    assert result.contributions["likes"][3] == pytest.approx(2 * math.log(11))
    assert engagement(result, 3) > 5 * engagement(result, 0)
    assert result.score[3] > result.score[0]
    assert_adds_up(result)


def test_bot_that_likes_everything_spreads_one_vote_over_all_it_likes():
    targets = 300
    bot, person = targets + 1, targets + 2
    rows = [(bot, t, "like", 0.0) for t in range(1, targets + 1)] + [(person, 1, "like", 0.0)]
    result = score_identities(features=features(targets + 3), edges=edges(rows), now=NOW)
    selectivity = P.selective_targets / targets
    assert result.contributions["likes"][2] == pytest.approx(math.log(2) * selectivity)
    # Target 1 has the bot's like and a person's: the person's alone is worth three bot likes.
    assert result.contributions["likes"][1] - result.contributions["likes"][2] == pytest.approx(math.log(2))
    assert result.score[1] > result.score[2]
    assert_adds_up(result)


def test_same_reactions_from_100_times_fewer_posts_score_higher_by_the_efficiency_factor():
    # 0 posted 10 times, 1 posted 1,000 times; each got one repost from 20 distinct fans.
    rows = [(fan, 0, "repost", 0.0) for fan in range(2, 22)] + [
        (fan, 1, "repost", 0.0) for fan in range(22, 42)
    ]
    result = score_identities(
        features=features(42, posts=[10.0, 1000.0] + [0.0] * 40), edges=edges(rows), now=NOW
    )
    e = 20 * math.log(1 + P.kind_weights["repost"])
    assert engagement(result, 0) == pytest.approx(e) and engagement(result, 1) == pytest.approx(e)
    assert result.contributions["efficiency"][0] == pytest.approx(e * (efficiency_factor(e, 10.0) - 1))
    assert result.contributions["efficiency"][1] == pytest.approx(e * (efficiency_factor(e, 1000.0) - 1))
    assert result.contributions["efficiency"][1] < 0 < result.contributions["efficiency"][0]
    assert result.score[0] > result.score[1]
    assert_adds_up(result)


def test_one_post_with_one_like_is_shrunk_towards_the_prior_rate():
    result = score_identities(
        features=features(2, posts=[1.0, 0.0]), edges=edges([(1, 0, "like", 0.0)]), now=NOW
    )
    e = math.log(2)
    assert efficiency_factor(e, 1.0) < 1.05
    assert result.contributions["efficiency"][0] == pytest.approx(e * (efficiency_factor(e, 1.0) - 1))


def test_self_interactions_count_nothing():
    rows = [(1, 0, "like", 0.0), (2, 0, "reply", 3.0)]
    plain = score_identities(features=features(3), edges=edges(rows), now=NOW)
    selfish = score_identities(
        features=features(3),
        edges=edges(rows + [(0, 0, "repost", 1.0)] * 50 + [(1, 1, "like", 0.0)]),
        now=NOW,
    )
    np.testing.assert_array_equal(plain.raw, selfish.raw)
    assert selfish.received.sum() == plain.received.sum()


def test_reactions_decay_with_a_30_day_half_life_and_leave_the_window_after_90_days():
    rows = [(1, 0, "like", 30.0), (2, 0, "like", 91.0), (3, 0, "like", -1.0)]
    result = score_identities(features=features(4), edges=edges(rows), now=NOW)
    assert result.contributions["likes"][0] == pytest.approx(math.log1p(0.5))
    assert result.distinct_actors[0] == 1


def test_follows_are_audience_not_reactions():
    result = score_identities(
        features=features(3, followers=[999, 0, 0], posts=[3.0, 0, 0]),
        edges=edges([(1, 0, "follow", 0.0), (2, 0, "follow", 0.0)]),
        now=NOW,
    )
    assert engagement(result, 0) == 0
    # v2: the followers above the floor, linearly (power 1), nearly all addressed after 3 posts.
    addressed = 1 - math.exp(-3.0 / P.audience_posts)
    assert result.contributions["audience"][0] == pytest.approx(
        P.audience_weight * (999 - P.audience_floor) * addressed
    )
    assert result.received[0, KIND_CODE["follow"]] == 2


def test_kinds_are_weighted_before_saturation_and_split_by_their_share_of_the_pair():
    result = score_identities(
        features=features(2), edges=edges([(1, 0, "repost", 0.0), (1, 0, "like", 0.0)]), now=NOW
    )
    volume = P.kind_weights["repost"] + P.kind_weights["like"]
    strength = math.log1p(volume)
    assert result.contributions["reposts"][0] == pytest.approx(strength * 3 / 4)
    assert result.contributions["likes"][0] == pytest.approx(strength * 1 / 4)


def test_edges_across_networks_are_rejected():
    table = FeatureTable(
        network=np.array([0, 1], dtype=np.int8),
        followers=np.zeros(2),
        following=np.zeros(2),
        posts=np.zeros(2),
    )
    with pytest.raises(ValueError, match="network"):
        score_identities(features=table, edges=edges([(1, 0, "like", 0.0)]), now=NOW)


def test_an_empty_population_and_an_edgeless_one_score_without_error():
    empty = score_identities(features=features(0), edges=edges([]), now=NOW)
    assert empty.raw.shape == (0,)
    quiet = score_identities(
        features=features(3, followers=[1000, 0, 5], posts=[1, 0, 0]), edges=edges([]), now=NOW
    )
    assert quiet.score[1] == 0 and quiet.score[0] > 0


# --- self-reported reactions ---------------------------------------------------------------------


def _half_self_reported_star():
    """Four fans like the center once each today; the last two only by the center's own upload."""
    rows = [(fan, 0, "like", 0.0) for fan in range(1, 5)]
    graph = edges(rows)
    return EdgeList(
        actor=graph.actor,
        target=graph.target,
        kind=graph.kind,
        time=graph.time,
        network=graph.network,
        self_reported=np.array([False, False, True, True]),
    )


def test_a_self_reported_reaction_counts_at_the_documented_discount():
    result = score_identities(features=features(5), edges=_half_self_reported_star(), now=NOW)
    # A fetched like: volume 1, strength log(1 + 1). A self-reported one: volume 0.25, log(1.25).
    fetched, reported = math.log(2), math.log(1 + P.self_reported_weight)
    assert P.self_reported_weight == 0.25
    assert result.contributions["likes"][0] == pytest.approx(2 * fetched + 2 * reported)
    assert_adds_up(result)


def test_the_result_says_how_much_of_a_score_rests_on_self_reported_reactions():
    result = score_identities(features=features(5), edges=_half_self_reported_star(), now=NOW)
    e = 2 * math.log(2) + 2 * math.log(1.25)
    # The engagement self-reported reactions drew, with the efficiency adjustment they bring.
    # Authority is read from fetched reactions only, so none of it is self-reported.
    assert result.self_reported[0] == pytest.approx(2 * math.log(1.25) * efficiency_factor(e, 0.0))
    assert 0 < result.self_reported[0] < result.raw[0]
    assert result.self_reported[1:].max() == 0
    fetched_only = score_identities(
        features=features(5), edges=edges([(fan, 0, "like", 0.0) for fan in range(1, 5)]), now=NOW
    )
    assert fetched_only.self_reported.max() == 0
    assert fetched_only.raw[0] > result.raw[0]


def test_an_audience_count_from_an_upload_rests_on_self_reported_data():
    table = features(2, posts=[5.0, 5.0], followers=[1000.0, 1000.0])
    table = FeatureTable(
        network=table.network,
        followers=table.followers,
        following=table.following,
        posts=table.posts,
        audience_self_reported=np.array([True, False]),
    )
    result = score_identities(features=table, edges=edges([]), now=NOW)
    # v2: a count only the upload gives counts at a quarter (1,000 is within its limit).
    assert result.raw[0] == pytest.approx(P.self_reported_audience_weight * result.raw[1])
    assert result.self_reported[0] == pytest.approx(result.contributions["audience"][0])
    assert result.self_reported[1] == 0


def test_a_claimed_identity_brings_its_person_only_self_reported_points():
    from scoring.engine import combine_networks

    result = score_identities(
        features=features(6),
        edges=edges([(fan, 0, "like", 0.0) for fan in range(2, 6)] + [(2, 1, "like", 0.0)]),
        now=NOW,
    )
    network = np.zeros(6, dtype=np.int8)
    person = np.array([1, 1, 0, 0, 0, 0])
    people = combine_networks(
        result=result,
        network=network,
        person=person,
        persons=2,
        claimed=np.array([True, False, False, False, False, False]),
    )
    # Identity 0 is the person's by their word only; identity 1 is proven.
    owed = people.network_raw[1].sum() * result.raw[0] ** 2 / (result.raw[0] ** 2 + result.raw[1] ** 2)
    assert people.self_reported[1] == pytest.approx(owed)
    assert people.self_reported[1] < people.raw[1]


def test_self_reported_reactions_give_no_standing_to_pass_on():
    """Invented accounts "liking" 1 must not lend 1 a voice that its real like of 2 passes on."""
    fetched = [(1, 2, "like", 0.0)] + [(fan, 1, "like", 0.0) for fan in range(3, 6)]
    socks = [(sock, 1, "like", 0.0) for sock in range(6, 306)]
    rows = fetched + socks
    graph = edges(rows)
    with_socks = EdgeList(
        actor=graph.actor,
        target=graph.target,
        kind=graph.kind,
        time=graph.time,
        network=graph.network,
        self_reported=np.array([False] * len(fetched) + [True] * len(socks)),
    )
    honest = score_identities(features=features(306), edges=edges(fetched), now=NOW)
    laundered = score_identities(features=features(306), edges=with_socks, now=NOW)
    # 2's score is what the network shows, socks or not; 1's authority too.
    assert laundered.raw[2] == pytest.approx(honest.raw[2])
    assert laundered.contributions["authority"][1] == pytest.approx(honest.contributions["authority"][1])
    # 1 still gets the socks' likes, discounted and marked as resting on its own upload.
    assert laundered.contributions["likes"][1] > honest.contributions["likes"][1]
    assert laundered.self_reported[1] > 0 and laundered.self_reported[2] == 0
