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
5. Signals: engagement per kind (saturated pairs x reactor voice), authority, efficiency
   (engagement per post, shrunk to a prior) and audience (log followers), which add up to the
   raw influence; the fixed map turns raw into the score.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from scoring.engine.graph import discount_reciprocal, pagerank, pair_matrix, saturate
from scoring.engine.inputs import EdgeList, FeatureTable
from scoring.engine.model import (
    DAY,
    DEFAULT_PARAMS,
    ENGAGEMENT_KIND,
    ENGAGEMENT_SIGNALS,
    KIND_CODE,
    KINDS,
    MODEL_VERSION,
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
                     reactions drew; and the audience when its follower count came from an upload.
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

    contributions["authority"] = params.authority_weight * inflow
    posts = np.asarray(features.posts, dtype=np.float64)
    rate = (engagement + params.rate_pseudo_posts * params.rate_prior) / (posts + params.rate_pseudo_posts)
    efficiency = np.clip(
        (rate / params.rate_prior) ** params.rate_exponent, params.efficiency_floor, params.efficiency_ceiling
    )
    contributions["efficiency"] = engagement * (efficiency - 1.0)
    # An audience only counts when it is addressed: the weight fades for accounts that
    # hardly posted in the window (a dormant account with many followers moves no one today).
    addressed = posts / (posts + params.audience_posts)
    followers = np.asarray(features.followers, dtype=np.float64)
    contributions["audience"] = params.audience_weight * np.log1p(followers) * addressed

    raw = np.zeros(size)
    for name in SIGNALS:
        raw += contributions[name]
    score = raw_to_score(raw=raw, params=params)
    # Authority comes from the same reactors as engagement: it is split in the same proportion.
    # Authority is the graph's, read from fetched reactions only (see _fetched_part).
    self_reported = reported_engagement * efficiency
    if features.audience_self_reported is not None:
        self_reported += np.where(features.audience_self_reported, contributions["audience"], 0.0)
    # Never more than the whole (rounding, or efficiency below 1 on the rest).
    self_reported = np.minimum(self_reported, raw)
    lap("signals")

    return EngineResult(
        model_version=MODEL_VERSION,
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
        timings=timings,
    )
