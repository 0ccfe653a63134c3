"""Does the score predict who drives reactions? A time-split evaluation.

Time is split at ``split``: the engine scores every identity on what happened before it (its
usual window), and the outcome is the number of reactions each identity receives from others
between ``split`` and ``outcome_end`` (reposts, replies, quotes, likes and mentions; follows and
self-interactions excluded). The Spearman rank correlation between score and outcome is
reported next to two baselines computed on the same identities from the same data: follower
count alone, and plain unweighted PageRank of the reaction graph over the same window.

Pure numpy/scipy: the management command feeds it columns extracted from the database, the
bench scripts feed it a generated population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import spearmanr

from scoring.engine.graph import plain_pagerank
from scoring.engine.inputs import EdgeList, FeatureTable, decayed_counts
from scoring.engine.model import DAY, DEFAULT_PARAMS, KIND_CODE, Params
from scoring.engine.run import score_identities


@dataclass(frozen=True, slots=True)
class ActivityColumns:
    """Everything known about a population over time (Unix seconds).

    network, followers, following: per identity. post_author, post_time: per post.
    actor, target, kind, time: per interaction (``model.KINDS`` codes).
    """

    network: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    post_author: np.ndarray
    post_time: np.ndarray
    actor: np.ndarray
    target: np.ndarray
    kind: np.ndarray
    time: np.ndarray


@dataclass(frozen=True, slots=True)
class Evaluation:
    identities: int
    scoring_edges: int
    outcome_reactions: int
    spearman: dict[str, float]  # predictor name -> Spearman correlation with the outcome
    percentiles: dict[str, float]  # "median", "p90", "p95", "p99" of the 0-100 score

    def table(self) -> str:
        lines = [
            f"identities: {self.identities:,}   interactions before the split: {self.scoring_edges:,}"
            f"   reactions in the outcome period: {self.outcome_reactions:,}",
            "",
            f"{'predictor':<28}{'Spearman vs outcome reactions':>30}",
        ]
        for name, value in self.spearman.items():
            lines.append(f"{name:<28}{value:>30.4f}")
        lines.append("")
        lines.append("score distribution: " + "   ".join(f"{k} {v:.1f}" for k, v in self.percentiles.items()))
        return "\n".join(lines)


def evaluate_split(
    *,
    activity: ActivityColumns,
    split: float,
    outcome_end: float,
    params: Params = DEFAULT_PARAMS,
    outcome_counts: np.ndarray | None = None,
) -> Evaluation:
    """``outcome_counts`` (bool per interaction) restricts which later reactions make the outcome,
    e.g. to leave out actors known to be bots when such labels exist; by default all count.
    """
    size = int(activity.network.shape[0])
    before = activity.time < split
    features = FeatureTable(
        network=activity.network,
        followers=activity.followers,
        following=activity.following,
        posts=decayed_counts(
            owner=activity.post_author,
            time=activity.post_time,
            size=size,
            now=split,
            window_days=params.window_days,
            half_life_days=params.half_life_days,
        ),
    )
    edges = EdgeList(
        actor=activity.actor[before],
        target=activity.target[before],
        kind=activity.kind[before],
        time=activity.time[before],
        network=activity.network[activity.target[before]],
    )
    result = score_identities(features=features, edges=edges, now=split, params=params)

    reaction = (activity.kind != KIND_CODE["follow"]) & (activity.actor != activity.target)
    later = reaction & (activity.time >= split) & (activity.time < outcome_end)
    if outcome_counts is not None:
        later &= outcome_counts
    outcome = np.bincount(activity.target[later], minlength=size)

    # The plain PageRank sees the same window the engine sees, without any of its weighting.
    window = before & reaction & (activity.time >= split - params.window_days * DAY)
    plain = plain_pagerank(actor=activity.actor[window], target=activity.target[window], size=size)

    # Not a baseline the score must beat, but the obvious reference: how many reactions one got
    # before, counted naively. It tracks volume, bought or not; the score tracks influence.
    received = np.bincount(activity.target[window], minlength=size)
    predictors = {
        "score (model)": result.score,
        "follower count": np.asarray(activity.followers, dtype=np.float64),
        "plain PageRank": plain,
        "reactions received (count)": received.astype(np.float64),
    }
    spearman = {name: float(spearmanr(values, outcome).statistic) for name, values in predictors.items()}
    p50, p90, p95, p99 = np.percentile(result.score, [50, 90, 95, 99])
    return Evaluation(
        identities=size,
        scoring_edges=int(before.sum()),
        outcome_reactions=int(later.sum()),
        spearman=spearman,
        percentiles={"median": float(p50), "p90": float(p90), "p95": float(p95), "p99": float(p99)},
    )
