"""One engine run: features and edges in, raw influence, 0-100 scores and contributions out.

The steps (docs/scoring.md describes the method in words):

1. Window and decay: keep reactions inside the window, drop self-interactions and follows,
   weight each by its kind and by 0.5 ** (age / half-life), and a self-reported one (from a
   member's upload) by ``self_reported_weight``.
2. Pairs: sum per (reactor, target) pair, once in total and once per kind.
3. Saturation and discounts: log(1 + volume) per pair; remove most of the reciprocated part.
4. Graph: weighted PageRank over the discounted pairs gives every identity an inflow
   (authority); a reactor's voice grows with the log of its own inflow and shrinks when it
   reacts to far more targets than a person can follow closely.
5. Signals: engagement per kind (saturated pairs x reactor voice), counted reactions per kind
   (the networks' counts without a known reactor, at a discount), authority, lists, efficiency
   (engagement per post, shrunk to a prior) and audience (followers), which add up to the raw
   influence; the fixed map turns raw into the score.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from scoring.engine.graph import discount_reciprocal, pagerank, pair_matrix, saturate
from scoring.engine.inputs import EdgeList, FeatureTable
from scoring.engine.model import (
    COUNTED_KIND,
    COUNTED_KINDS,
    COUNTED_SIGNALS,
    DAY,
    DEFAULT_PARAMS,
    ENGAGEMENT_KIND,
    ENGAGEMENT_SIGNALS,
    KIND_CODE,
    KINDS,
    SIGNALS,
    Params,
)
from scoring.engine.scale import raw_to_score


@dataclass(frozen=True, slots=True)
class EngineResult:
    """Per identity (row i = feature row i).

    raw:             raw influence; equals the sum of ``contributions`` over signals.
    score:           the 0-100 score, ``raw_to_score(raw)``.
    contributions:   signal name -> raw-influence contribution (``efficiency`` may be negative:
                     it is the adjustment for posting much more, or less, than one's reactions).
    received:        (n, len(KINDS)) reactions received inside the window, undecayed, by kind.
    distinct_actors: distinct reactors inside the window.
    authority_rank:  n * PageRank: 1 is the average identity of its network.
    inflow:          the authority inflow (what a reactor's voice grows with).
    targets:         distinct identities each identity reacted to inside the window.
    self_reported:   the part of ``raw`` that rests on self-reported data: of the engagement (with
                     its efficiency adjustment) and the authority, the share that self-reported
                     reactions drew; of the counted reactions, those of uploaded posts; and the
                     audience and lists when the profile's counts came from an upload.
    counted_capped:  counted reactions the plausibility cap left out (0 when none).
    timings:         seconds per stage.
    """

    model_version: str
    raw: np.ndarray
    score: np.ndarray
    contributions: dict[str, np.ndarray]
    received: np.ndarray
    distinct_actors: np.ndarray
    authority_rank: np.ndarray
    pagerank_iterations: int
    inflow: np.ndarray
    targets: np.ndarray
    self_reported: np.ndarray
    counted_capped: np.ndarray
    timings: dict[str, float] = field(default_factory=dict)


def _fetched_part(
    kept: sp.csr_matrix, reported: sp.csr_matrix | None, volume: sp.csr_matrix
) -> sp.csr_matrix:
    """The pairs' discounted strength without the share of it that self-reported reactions make.

    What PageRank passes on. A self-reported reaction tells something about its target only: it
    must not raise the target's standing, or the voice with which the target then reacts to
    others, or invented accounts "liking" a member would lend the member weight that their own
    reactions pass to someone else, unseen. What is removed leaks out of the graph, as the
    reciprocity discount does.
    """
    if reported is None:
        return kept
    inverse_volume = sp.csr_matrix((1.0 / volume.data, volume.indices, volume.indptr), shape=volume.shape)
    return (kept - kept.multiply(reported.multiply(inverse_volume))).tocsr()


@dataclass(frozen=True, slots=True)
class FrozenGraph:
    """The graph-wide quantities of the last full run, for a local recompute.

    Row i describes feature row i. PageRank and a reactor's selectivity depend on the whole
    graph; an incremental run keeps them as the last full run left them and recomputes
    everything else from the edges around the identities whose data changed. The next full
    run brings them up to date.
    """

    inflow: np.ndarray
    authority_rank: np.ndarray
    targets: np.ndarray


def score_identities(
    *,
    features: FeatureTable,
    edges: EdgeList,
    now: float,
    params: Params = DEFAULT_PARAMS,
    frozen: FrozenGraph | None = None,
) -> EngineResult:
    timings: dict[str, float] = {}
    started = clock.perf_counter()

    def lap(stage: str) -> None:
        nonlocal started
        now_ = clock.perf_counter()
        timings[stage] = now_ - started
        started = now_

    features.validate()
    edges.validate(features=features)
    size = len(features)
    lap("validate")

    # 1. Window and decay.
    kind_weight = np.asarray(params.kind_weight_array(), dtype=np.float64)
    age_days = (now - edges.time) / DAY
    inside = (age_days >= 0) & (age_days <= params.window_days) & (edges.actor != edges.target)
    received = np.bincount(
        edges.target[inside].astype(np.int64) * len(KINDS) + edges.kind[inside],
        minlength=size * len(KINDS),
    ).reshape(size, len(KINDS))
    inside &= kind_weight[edges.kind] > 0
    actor = edges.actor[inside]
    target = edges.target[inside]
    kind = edges.kind[inside]
    value = kind_weight[kind] * np.exp2(-age_days[inside] / params.half_life_days)
    reported = None
    if edges.self_reported is not None and edges.self_reported.any():
        reported = edges.self_reported[inside]
        value[reported] *= params.self_reported_weight
    del age_days, inside
    lap("window")

    # 2. Pairs, in total and per engagement kind (the split the explanation needs).
    per_kind: list[sp.csr_matrix] = []
    for name in ENGAGEMENT_SIGNALS:
        chosen = kind == KIND_CODE[ENGAGEMENT_KIND[name]]
        per_kind.append(
            pair_matrix(actor=actor[chosen], target=target[chosen], value=value[chosen], size=size)
        )
    # The self-reported part of each pair's volume, to say how much of a score rests on it.
    reported_volume = (
        pair_matrix(actor=actor[reported], target=target[reported], value=value[reported], size=size)
        if reported is not None
        else None
    )
    del actor, target, kind, value, reported
    volume = per_kind[0]
    for matrix in per_kind[1:]:
        volume = volume + matrix
    volume = volume.tocsr()
    volume.sum_duplicates()
    lap("pairs")

    # 3. Saturation, reciprocity, selectivity.
    strength = saturate(volume)
    out_strength = np.asarray(strength.sum(axis=1)).ravel()
    kept = discount_reciprocal(strength, share=params.reciprocity_discount)
    local_targets = np.diff(volume.indptr)
    targets_per_actor = (local_targets if frozen is None else frozen.targets).astype(np.float64)
    selectivity = np.ones(size)
    busy = targets_per_actor > params.selective_targets
    selectivity[busy] = params.selective_targets / targets_per_actor[busy]
    distinct_actors = np.bincount(volume.indices, minlength=size)
    del strength
    lap("discounts")

    # 4. Weighted PageRank; its inflow is the authority signal and sets each reactor's voice.
    if frozen is None:
        ranked = pagerank(
            transfer=_fetched_part(kept, reported_volume, volume),
            out_strength=out_strength,
            group=features.network,
            damping=params.damping,
            tol=params.pagerank_tol,
            max_iter=params.pagerank_max_iter,
        )
        inflow, authority_rank, iterations = ranked.inflow, size * ranked.rank, ranked.iterations
    else:
        inflow, authority_rank, iterations = frozen.inflow, frozen.authority_rank, 0
    lap("pagerank")

    # 5. Signals. Each kind's engagement is its share of the pair's volume times the pair's
    # discounted, saturated strength times the reactor's voice; the kinds add up to the whole.
    voice = selectivity * np.minimum(params.voice_cap, 1.0 + np.log1p(inflow))
    inverse_volume = sp.csr_matrix((1.0 / volume.data, volume.indices, volume.indptr), shape=volume.shape)
    per_unit = kept.multiply(inverse_volume).tocsr()
    contributions: dict[str, np.ndarray] = {}
    for name, matrix in zip(ENGAGEMENT_SIGNALS, per_kind, strict=True):
        contributions[name] = np.asarray(matrix.multiply(per_unit).T @ voice).ravel()
    reported_engagement = (
        np.asarray(reported_volume.multiply(per_unit).T @ voice).ravel()
        if reported_volume is not None
        else np.zeros(size)
    )
    del per_kind, per_unit, inverse_volume, kept, volume, reported_volume
    engagement = np.sum([contributions[name] for name in ENGAGEMENT_SIGNALS], axis=0)

    counted = features.counted if features.counted is not None else np.zeros((size, len(COUNTED_KINDS)))
    counted_weight = np.asarray(params.counted_weight_array())
    for name in COUNTED_SIGNALS:
        column = COUNTED_KINDS.index(COUNTED_KIND[name])
        contributions[name] = counted_weight[column] * counted[:, column]
    # The efficiency sees every reaction, traced or counted.
    reacted = engagement + np.sum([contributions[name] for name in COUNTED_SIGNALS], axis=0)

    contributions["authority"] = params.authority_weight * inflow
    posts = np.asarray(features.posts, dtype=np.float64)
    rate = (reacted + params.rate_pseudo_posts * params.rate_prior) / (posts + params.rate_pseudo_posts)
    efficiency = np.clip(
        (rate / params.rate_prior) ** params.rate_exponent,
        params.efficiency_floor,
        params.efficiency_ceiling,
    )
    contributions["efficiency"] = reacted * (efficiency - 1.0)
    # An audience only counts when it is addressed: the weight fades for accounts that
    # hardly posted in the window (a dormant account with many followers moves no one today).
    addressed = audience_addressed(posts=posts, params=params)
    followers = np.asarray(features.followers, dtype=np.float64)
    listed = np.zeros(size) if features.listed is None else np.asarray(features.listed, dtype=np.float64)
    if features.audience_self_reported is not None and features.audience_self_reported.any():
        # Counts only an upload gives: capped, and discounted below.
        typed = features.audience_self_reported
        followers = np.where(typed, np.minimum(followers, params.self_reported_followers_max), followers)
        listed = np.where(typed, np.minimum(listed, params.self_reported_listed_max), listed)
        addressed = np.where(typed, addressed * params.self_reported_audience_weight, addressed)
    audience = audience_growth(followers, floor=params.audience_floor, params=params)
    contributions["audience"] = params.audience_weight * audience * addressed
    lists = audience_growth(listed, floor=0.0, params=params)
    contributions["listed"] = params.listed_weight * lists * addressed

    raw = np.zeros(size)
    for name in SIGNALS:
        raw += contributions[name]
    score = raw_to_score(raw=raw, params=params)
    # Authority comes from the same reactors as engagement: it is split in the same proportion.
    # Authority is the graph's, read from fetched reactions only (see _fetched_part).
    self_reported = reported_engagement * efficiency
    if features.counted_self_reported is not None:
        self_reported += features.counted_self_reported * efficiency
    if features.audience_self_reported is not None:
        profile = contributions["audience"] + contributions["listed"]
        self_reported += np.where(features.audience_self_reported, profile, 0.0)
    # Never more than the whole (rounding, or efficiency below 1 on the rest).
    self_reported = np.minimum(self_reported, raw)
    lap("signals")

    return EngineResult(
        model_version=params.version,
        raw=raw,
        score=score,
        contributions=contributions,
        received=received,
        distinct_actors=distinct_actors,
        authority_rank=authority_rank,
        pagerank_iterations=iterations,
        inflow=inflow,
        targets=local_targets if frozen is None else frozen.targets,
        self_reported=self_reported,
        counted_capped=np.zeros(size) if features.counted_capped is None else features.counted_capped,
        timings=timings,
    )


def audience_growth(count: np.ndarray, *, floor: float, params: Params) -> np.ndarray:
    """((1 + n) ** power - 1) / power of the count n above ``floor``, log(1 + n) at power 0:
    how a count of followers (or of lists) grows into raw influence. Above 0 it is a power law
    (at 1, n itself), which the logarithmic 0-100 map turns into about the same points for
    every tenfold."""
    count = np.maximum(np.asarray(count, dtype=np.float64) - floor, 0.0)
    grown = np.log1p(count)
    if params.audience_power == 0:
        return grown
    return np.expm1(params.audience_power * grown) / params.audience_power


def audience_addressed(*, posts: np.ndarray, params: Params) -> np.ndarray:
    """The share of the audience an account addresses, from its decayed posts in the window."""
    if params.audience_addressing == "ratio":
        return posts / (posts + params.audience_posts)
    return -np.expm1(-posts / params.audience_posts)
