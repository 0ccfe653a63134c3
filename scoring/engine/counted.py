"""Counted reactions: what the networks count on a post without saying who reacted.

A post's public counts (likes, reposts, replies, quotes, views) include the reactions stored as
edges with their reactor, which the graph already weighs with the reactor's voice: only the rest
is counted here, so nothing counts twice. Per post and kind:

1. unknown = max(0, count - stored reactions of that kind to the post);
2. capped at what the post's audience and its known reactors make plausible,
   ``floor + per_follower * followers + per_known * reactions stored for the post`` (views have
   their own per-follower allowance): a post whose counts are far above that is mostly bought,
   and the excess is reported, not counted;
3. saturated, ``s * log(1 + unknown / s)``: close to the count for an ordinary post, slowly
   growing for a viral one;
4. decayed by the post's age like a reaction, ``0.5 ** (age / half-life)``, inside the window.

The sums per identity are the feature table's ``counted`` columns; the engine weighs them
(``Params.counted_weight_array``: no voice, a discount on each kind's weight).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.engine.model import COUNTED_KINDS, DAY, KINDS, Params

VIEW = COUNTED_KINDS.index("view")
# The kinds a post's public counts hold, and per ``model.KINDS`` code its column in COUNTED_KINDS
# (-1 for the others: a follow is of no post, and a mention links the mentioning post, not one
# the mentioned account wrote).
PER_POST_KINDS = ("repost", "reply", "quote", "like")
COUNTED_COLUMN = np.array([COUNTED_KINDS.index(kind) if kind in PER_POST_KINDS else -1 for kind in KINDS])


def reactions_per_post(*, post: np.ndarray, kind: np.ndarray, posts: int) -> np.ndarray:
    """(posts, len(COUNTED_KINDS)): how many of the given reactions go to each post, by kind.

    ``post`` is each reaction's post row (negative: none, or a post not in the table) and
    ``kind`` its ``model.KINDS`` code.
    """
    column = COUNTED_COLUMN[np.asarray(kind)]
    post = np.asarray(post)
    chosen = (post >= 0) & (column >= 0)
    flat = post[chosen].astype(np.int64) * len(COUNTED_KINDS) + column[chosen]
    return (
        np.bincount(flat, minlength=posts * len(COUNTED_KINDS))
        .reshape(posts, len(COUNTED_KINDS))
        .astype(np.float64)
    )


@dataclass(frozen=True, slots=True)
class CountedColumns:
    counted: np.ndarray  # (n, len(COUNTED_KINDS)) capped, saturated, decayed
    self_reported: np.ndarray  # (n,) the weighted part of ``counted`` from self-reported posts
    capped: np.ndarray  # (n,) reactions left out by the cap, undecayed, views not included
    unknown: np.ndarray  # (n, len(COUNTED_KINDS)) counted reactions before cap and decay


def counted_reactions(
    *,
    owner: np.ndarray,
    time: np.ndarray,
    counts: np.ndarray,
    known: np.ndarray,
    followers: np.ndarray,
    size: int,
    now: float,
    params: Params,
    self_reported: np.ndarray | None = None,
    vouched: np.ndarray | None = None,
) -> CountedColumns:
    """Per identity, the counted reactions to its posts (see the module's steps).

    owner: per post, its author's row. time: per post, Unix seconds. counts: (posts,
    len(COUNTED_KINDS)) public counts, NaN where the network reported none. known: (posts,
    len(COUNTED_KINDS)) reactions stored as edges for the post, per kind (views: 0).
    followers: per identity (for the cap: an upload's typed count already limited).
    self_reported: per post, it came from a member's upload (its counts count at
    ``Params.self_reported_weight``). vouched: per post, the stored reactions that raise its cap,
    those not self-reported (default: all of ``known``): an uploaded like must not make room for
    twenty-five counted ones.
    """
    kinds = len(COUNTED_KINDS)
    counted = np.zeros((size, kinds))
    unknown_sum = np.zeros((size, kinds))
    reported_part = np.zeros(size)
    capped = np.zeros(size)
    owner = np.asarray(owner, dtype=np.int64)
    age_days = (now - np.asarray(time, dtype=np.float64)) / DAY
    inside = (age_days >= 0) & (age_days <= params.window_days)
    result = CountedColumns(counted=counted, self_reported=reported_part, capped=capped, unknown=unknown_sum)
    if not inside.any():
        return result
    owner = owner[inside]
    decay = np.exp2(-age_days[inside] / params.half_life_days)
    del age_days
    counts = np.asarray(counts, dtype=np.float64)[inside]
    known = np.asarray(known, dtype=np.float64)[inside]
    audience = np.asarray(followers, dtype=np.float64)[owner]
    # What a post's audience and its known reactors make plausible, before the per-kind allowance.
    vouched = known.sum(axis=1) if vouched is None else np.asarray(vouched, dtype=np.float64)[inside]
    base = params.counted_cap_floor + params.counted_cap_per_known * vouched
    reported = None if self_reported is None else np.asarray(self_reported, dtype=bool)[inside]
    weights = params.counted_weight_array()
    s = params.counted_saturation
    # One kind at a time: a full run has millions of posts, and a matrix per step would not fit.
    for k in range(kinds):
        unknown = np.maximum(np.nan_to_num(counts[:, k], nan=0.0) - known[:, k], 0.0)
        per_follower = params.views_cap_per_follower if k == VIEW else params.counted_cap_per_follower
        kept = np.minimum(unknown, base + per_follower * audience)
        if k != VIEW:
            capped += np.bincount(owner, weights=unknown - kept, minlength=size)
        value = s * np.log1p(kept / s) * decay
        if reported is not None and reported.any():
            value[reported] *= params.self_reported_weight
            reported_part += weights[k] * np.bincount(
                owner[reported], weights=value[reported], minlength=size
            )
        counted[:, k] = np.bincount(owner, weights=value, minlength=size)
        unknown_sum[:, k] = np.bincount(owner, weights=unknown, minlength=size)
    return result
