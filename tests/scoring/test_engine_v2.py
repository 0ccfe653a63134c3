"""Model v2's new signals, worked by hand: counted reactions, lists, audience and the start of the scale."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.engine import (
    COUNTED_KINDS,
    DAY,
    DEFAULT_PARAMS,
    KIND_CODE,
    PARAMS_V1,
    EdgeList,
    FeatureTable,
    counted_reactions,
    score_identities,
)

P = DEFAULT_PARAMS
NOW = 1_000 * DAY
LIKE = COUNTED_KINDS.index("like")
REPOST = COUNTED_KINDS.index("repost")
VIEW = COUNTED_KINDS.index("view")


def post_counts(rows: list[dict[str, float]]) -> np.ndarray:
    """One row per post: {kind: count}, NaN where the network reported none."""
    table = np.full((len(rows), len(COUNTED_KINDS)), np.nan)
    for i, row in enumerate(rows):
        for kind, value in row.items():
            table[i, COUNTED_KINDS.index(kind)] = value
    return table


def counted(counts, known=None, *, followers=(1_000.0,), ages=None, owners=None, reported=None):
    posts = len(counts)
    known_table = np.zeros((posts, len(COUNTED_KINDS)))
    for i, row in enumerate(known or []):
        for kind, value in row.items():
            known_table[i, COUNTED_KINDS.index(kind)] = value
    return counted_reactions(
        owner=np.zeros(posts, dtype=np.int64) if owners is None else np.asarray(owners),
        time=NOW - np.asarray(ages if ages is not None else [0.0] * posts) * DAY,
        counts=post_counts(counts),
        known=known_table,
        followers=np.asarray(followers, dtype=np.float64),
        size=len(followers),
        now=NOW,
        params=P,
        self_reported=None if reported is None else np.asarray(reported),
    )


def saturated(count: float) -> float:
    return P.counted_saturation * math.log1p(count / P.counted_saturation)


def test_a_count_is_what_the_network_counted_less_the_reactions_stored_for_the_post():
    # 10 likes counted, 4 of them stored with their reactor: 6 unknown likes, never 10 + 4.
    result = counted([{"like": 10, "repost": 2}], [{"like": 4, "repost": 2}])
    assert result.unknown[0, LIKE] == 6 and result.unknown[0, REPOST] == 0
    assert result.counted[0, LIKE] == pytest.approx(saturated(6))  # 100 * ln(1.06) = 5.827
    assert result.counted[0, LIKE] == pytest.approx(5.82689, abs=1e-5)
    # More stored reactions than counted (a count read before the last reactions): nothing.
    assert counted([{"like": 3}], [{"like": 5}]).counted[0, LIKE] == 0


def test_counts_decay_with_the_post_and_saturate_per_post():
    month_old = counted([{"like": 6}], ages=[30.0])
    assert month_old.counted[0, LIKE] == pytest.approx(saturated(6) / 2)
    # Outside the window (or in the future) a post counts nothing.
    assert counted([{"like": 6}], ages=[91.0]).counted.sum() == 0
    assert counted([{"like": 6}], ages=[-1.0]).counted.sum() == 0
    # Two posts of 500 likes count more than one of 1,000: one viral post does not make a career.
    one = counted([{"like": 1_000}]).counted[0, LIKE]
    two = counted([{"like": 500}, {"like": 500}]).counted[0, LIKE]
    assert one == pytest.approx(saturated(1_000)) and two == pytest.approx(2 * saturated(500)) and two > one


def test_a_count_beyond_what_the_audience_and_known_reactors_make_plausible_is_capped():
    # 100 followers, no stored reactor: at most 50 + 1 * 100 likes are believed; views at 100 per follower.
    result = counted([{"like": 100_000, "view": 1_000_000}], followers=(100.0,))
    assert result.unknown[0, LIKE] == 100_000
    assert result.counted[0, LIKE] == pytest.approx(saturated(150))
    assert result.capped[0] == 100_000 - 150  # views are not reactions: not in the report
    assert result.counted[0, VIEW] == pytest.approx(saturated(50 + 100 * 100))
    # Known reactors make a larger count plausible: 10 stored reposts allow 250 more likes.
    backed = counted([{"like": 100_000, "repost": 10}], [{"repost": 10}], followers=(100.0,))
    assert backed.counted[0, LIKE] == pytest.approx(saturated(150 + 25 * 10))


def features(size, *, followers=None, posts=None, listed=None, counted=None, counted_reported=None):
    return FeatureTable(
        network=np.zeros(size, dtype=np.int8),
        followers=np.zeros(size) if followers is None else np.asarray(followers, dtype=np.float64),
        following=np.zeros(size),
        posts=np.zeros(size) if posts is None else np.asarray(posts, dtype=np.float64),
        listed=None if listed is None else np.asarray(listed, dtype=np.float64),
        counted=counted,
        counted_self_reported=counted_reported,
    )


def likes(pairs: list[tuple[int, int]]) -> EdgeList:
    actor, target = zip(*pairs, strict=True) if pairs else ((), ())
    return EdgeList(
        actor=np.array(actor, dtype=np.int32),
        target=np.array(target, dtype=np.int32),
        kind=np.full(len(pairs), KIND_CODE["like"], dtype=np.int8),
        time=np.full(len(pairs), NOW - DAY),
        network=np.zeros(len(pairs), dtype=np.int8),
    )


def test_counted_reactions_weigh_their_kind_at_a_discount_without_a_voice_and_feed_efficiency():
    table = np.zeros((1, len(COUNTED_KINDS)))
    table[0, LIKE], table[0, REPOST], table[0, VIEW] = 10.0, 4.0, 1_000.0
    result = score_identities(features=features(1, posts=[5.0], counted=table), edges=likes([]), now=NOW)
    assert result.contributions["counted_likes"][0] == pytest.approx(0.5 * 1.0 * 10)
    assert result.contributions["counted_reposts"][0] == pytest.approx(0.5 * 3.0 * 4)
    assert result.contributions["counted_views"][0] == pytest.approx(0.5 * 0.02 * 1_000)
    reacted = 5 + 6 + 10
    rate = (reacted + 10 * 0.5) / (5 + 10)
    assert result.contributions["efficiency"][0] == pytest.approx(reacted * ((rate / 0.5) ** 0.25 - 1))
    # v1 did not see them at all.
    v1 = score_identities(
        features=features(1, posts=[5.0], counted=table), edges=likes([]), now=NOW, params=PARAMS_V1
    )
    assert v1.contributions["counted_likes"][0] == 0 and v1.raw[0] == pytest.approx(0)


def test_self_reported_counts_are_said_to_be_so():
    table = np.zeros((1, len(COUNTED_KINDS)))
    table[0, LIKE] = 10.0
    reported = np.array([0.5 * 10.0])  # the whole count came from an upload (at its discount already)
    result = score_identities(
        features=features(1, posts=[5.0], counted=table, counted_reported=reported), edges=likes([]), now=NOW
    )
    assert result.self_reported[0] == pytest.approx(result.raw[0])


def test_lists_are_a_signal_of_their_own():
    result = score_identities(
        features=features(2, posts=[3.0, 3.0], listed=[200, 0]), edges=likes([]), now=NOW
    )
    addressed = 1 - math.exp(-3.0 / P.audience_posts)
    assert result.contributions["listed"][0] == pytest.approx(P.listed_weight * 200 * addressed)
    assert result.contributions["listed"][1] == 0


def test_each_tenfold_of_followers_adds_at_least_three_points_to_an_active_account():
    # Five accounts with the same engagement (10 posts, 10 distinct people liking each once) and
    # 1,000 to 10,000,000 followers; the 50 likers are quiet accounts of 20 followers.
    audiences = [1e3, 1e4, 1e5, 1e6, 1e7]
    size = len(audiences) + 10 * len(audiences)
    pairs = [(len(audiences) + 10 * a + k, a) for a in range(len(audiences)) for k in range(10)]
    result = score_identities(
        features=features(
            size, followers=[*audiences, *[20.0] * (size - 5)], posts=[10.0] * 5 + [0.0] * (size - 5)
        ),
        edges=likes(pairs),
        now=NOW,
    )
    scores = result.score[:5]
    assert np.all(np.diff(scores) >= 3.0), scores
    # And between two quiet accounts (no reactions at all), even more.
    quiet = score_identities(
        features=features(5, followers=audiences, posts=[10.0] * 5), edges=likes([]), now=NOW
    )
    assert np.all(np.diff(quiet.score) >= 3.0), quiet.score


def test_the_start_of_the_scale_an_account_nobody_reacts_to_starts_low():
    followers = [2, 50, 99, 500]
    result = score_identities(
        features=features(4, followers=followers, posts=[3.0] * 4), edges=likes([]), now=NOW
    )
    assert result.score[0] == 0 and result.score[1] == 0  # the first 80 followers count nothing
    assert 0 < result.score[2] < 15
    # v1 gave the account of 2 followers and 3 posts about 31.
    v1 = score_identities(
        features=features(4, followers=followers, posts=[3.0] * 4), edges=likes([]), now=NOW, params=PARAMS_V1
    )
    assert 28 < v1.score[0] < 36


def test_audience_counts_for_an_account_that_posted_a_little_not_in_proportion_to_its_posts():
    result = score_identities(
        features=features(4, followers=[10_000] * 4, posts=[0.0, 2.0, 10.0, 100.0]), edges=likes([]), now=NOW
    )
    audience = result.contributions["audience"]
    assert audience[0] == 0  # silent in the window: no one is addressed
    assert audience[1] > 0.98 * audience[3] and audience[2] == pytest.approx(audience[3])


def test_an_audience_only_an_upload_gives_is_capped_and_discounted():
    # Two accounts that each say they have 10,000,000 followers and 500 lists: one as read from
    # the network, one typed into an uploaded file.
    table = FeatureTable(
        network=np.zeros(2, dtype=np.int8),
        followers=np.array([1e7, 1e7]),
        following=np.zeros(2),
        posts=np.array([3.0, 3.0]),
        listed=np.array([500.0, 500.0]),
        audience_self_reported=np.array([False, True]),
    )
    result = score_identities(features=table, edges=likes([]), now=NOW)
    addressed = 1 - math.exp(-3.0 / P.audience_posts)
    assert result.contributions["audience"][0] == pytest.approx(P.audience_weight * (1e7 - 80) * addressed)
    assert result.contributions["audience"][1] == pytest.approx(
        0.25 * P.audience_weight * (1_000 - 80) * addressed
    )
    assert result.contributions["listed"][1] == pytest.approx(0.25 * P.listed_weight * 10 * addressed)
    assert result.self_reported[1] == pytest.approx(result.raw[1]) and result.self_reported[0] == 0
    assert result.score[1] < 40 < 80 < result.score[0]


def test_only_reactions_the_network_vouches_for_make_room_for_counts():
    # 10 stored likes, all uploaded by the member: they are subtracted (nothing counts twice) but
    # do not raise the cap, or each invented like would make room for 25 counted ones.
    result = counted([{"like": 10_000}], [{"like": 10}], followers=(0.0,))
    assert result.counted[0, LIKE] == pytest.approx(saturated(50 + 25 * 10))
    vouched_for_none = counted_reactions(
        owner=np.zeros(1, dtype=np.int64),
        time=np.array([NOW]),
        counts=post_counts([{"like": 10_000}]),
        known=np.array([[0, 0, 0, 10, 0, 0]], dtype=np.float64),
        followers=np.zeros(1),
        size=1,
        now=NOW,
        params=P,
        vouched=np.zeros(1),
    )
    assert vouched_for_none.counted[0, LIKE] == pytest.approx(saturated(50))


def test_a_mention_is_not_a_reaction_to_the_post_it_is_linked_to():
    from scoring.engine import KIND_CODE
    from scoring.engine.counted import reactions_per_post

    table = reactions_per_post(
        post=np.array([0, 0, 0]),
        kind=np.array([KIND_CODE["mention"], KIND_CODE["like"], KIND_CODE["follow"]]),
        posts=1,
    )
    assert table[0].tolist() == [0, 0, 0, 1, 0, 0]
