"""Does the score predict who drives reactions? A time-split evaluation.

Time is split at ``split``: each model scores every identity on what happened before it (its
usual window), and the outcome is the number of reactions each identity receives from others
between ``split`` and ``outcome_end`` (reposts, replies, quotes, likes and mentions; follows and
self-interactions excluded). Reported per predictor, on the same identities from the same data:

- the Spearman rank correlation with the outcome, over all identities and over those that post
  in the outcome period (only they had a chance to be reacted to: someone silent after the split
  receives little whatever their standing, which rewards predicting silence);
- the overlap of the top 100 by predictor and by outcome (Cha et al., 2010, "Measuring user
  influence in Twitter: the million follower fallacy"), where rank correlations say little.

The predictors: every model given (the current one and v1 by default), follower count, plain
unweighted PageRank of the reaction graph over the same window, and the naive count of reactions
received (known ones and those the network only counts).

Pure numpy/scipy: the management command feeds it columns extracted from the database, the
bench scripts feed it a generated population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import spearmanr

from scoring.engine.counted import counted_reactions, reactions_per_post
from scoring.engine.graph import plain_pagerank
from scoring.engine.inputs import EdgeList, FeatureTable, decayed_counts
from scoring.engine.model import COUNTED_KINDS, DAY, DEFAULT_PARAMS, KIND_CODE, PARAMS_V1, Params
from scoring.engine.run import score_identities

TOP = 100


@dataclass(frozen=True, slots=True)
class ActivityColumns:
    """Everything known about a population over time (Unix seconds).

    network, followers, following: per identity; listed, where known (else None).
    post_author, post_time: per post; post_counts: (posts, len(COUNTED_KINDS)) the public counts
    as last seen (NaN: none reported), or None to count them from the interactions (a generated
    population, whose counts are exactly its reactions up to the split).
    actor, target, kind, time: per interaction (``model.KINDS`` codes); post: the post's row
    (-1 for none); hidden: True where the reaction reaches the engine only as part of its post's
    count, its reactor unknown (None: every reactor is known).
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
    post: np.ndarray | None = None
    hidden: np.ndarray | None = None
    post_counts: np.ndarray | None = None
    listed: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    identities: int
    posting: int  # identities that post in the outcome period
    scoring_edges: int
    counted_before: int  # reactions the engine saw only as counts
    outcome_reactions: int
    spearman: dict[str, float]  # predictor name -> Spearman correlation with the outcome
    spearman_posting: dict[str, float]  # the same over the identities that post in the outcome
    top_overlap: dict[str, float]  # share of the top 100 by predictor that is in the top 100 by outcome
    # "median", "p90", "p95", "p99" of the first model's score over the active identities (those
    # that posted in its window before the split), the population its map is calibrated on.
    percentiles: dict[str, float]

    def table(self) -> str:
        lines = [
            f"identities: {self.identities:,} ({self.posting:,} post in the outcome period)   "
            f"interactions before the split: {self.scoring_edges:,} known, {self.counted_before:,} "
            f"only counted   reactions in the outcome period: {self.outcome_reactions:,}",
            "",
            f"{'predictor':<28}{'Spearman, all':>15}{'Spearman, posting':>19}{f'top {TOP} overlap':>17}",
        ]
        for name, value in self.spearman.items():
            posting = self.spearman_posting[name]
            lines.append(f"{name:<28}{value:>15.4f}{posting:>19.4f}{self.top_overlap[name]:>17.0%}")
        lines.append("")
        shown = "   ".join(f"{k} {v:.1f}" for k, v in self.percentiles.items())
        lines.append(f"score distribution of the active identities (posted before the split): {shown}")
        return "\n".join(lines)


def _spearman(values: np.ndarray, outcome: np.ndarray) -> float:
    if values.size < 2 or np.all(values == values[0]) or np.all(outcome == outcome[0]):
        return float("nan")
    return float(spearmanr(values, outcome).statistic)


def _top_overlap(values: np.ndarray, outcome: np.ndarray, top: int = TOP) -> float:
    """The share of the ``top`` by ``values`` that is also in the ``top`` by outcome (ties in the
    outcome at the cut all count as in)."""
    top = min(top, values.size)
    if top == 0:
        return float("nan")
    chosen = np.argsort(-values, kind="stable")[:top]
    threshold = np.sort(outcome)[::-1][top - 1]
    return float(np.mean(outcome[chosen] >= threshold)) if threshold > 0 else float("nan")


def evaluate_split(
    *,
    activity: ActivityColumns,
    split: float,
    outcome_end: float,
    models: dict[str, Params] | None = None,
    outcome_counts: np.ndarray | None = None,
) -> Evaluation:
    """``outcome_counts`` (bool per interaction) restricts which later reactions make the outcome,
    e.g. to leave out actors known to be bots when such labels exist; by default all count.
    ``models`` maps a label to the parameters of a model to score with (default: the current
    model and v1)."""
    models = models or {
        f"score ({DEFAULT_PARAMS.version})": DEFAULT_PARAMS,
        f"score ({PARAMS_V1.version})": PARAMS_V1,
    }
    size = int(activity.network.shape[0])
    before = activity.time < split
    hidden = np.zeros(activity.time.shape, bool) if activity.hidden is None else activity.hidden
    known = before & ~hidden
    reaction = (activity.kind != KIND_CODE["follow"]) & (activity.actor != activity.target)
    window_days = max(params.window_days for params in models.values())
    window = before & reaction & (activity.time >= split - window_days * DAY)

    scores: dict[str, np.ndarray] = {}
    active: np.ndarray | None = None
    counted_total = np.zeros(size)
    for label, params in models.items():
        counted = _counted(
            activity=activity, before=before, known=known, split=split, size=size, params=params
        )
        if counted is not None:
            counted_total = counted.unknown[:, : COUNTED_KINDS.index("view")].sum(axis=1)
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
            listed=activity.listed,
            counted=None if counted is None else counted.counted,
            counted_capped=None if counted is None else counted.capped,
        )
        edges = EdgeList(
            actor=activity.actor[known],
            target=activity.target[known],
            kind=activity.kind[known],
            time=activity.time[known],
            network=activity.network[activity.target[known]],
        )
        scores[label] = score_identities(features=features, edges=edges, now=split, params=params).score
        if active is None:
            active = features.posts > 0

    later = reaction & (activity.time >= split) & (activity.time < outcome_end)
    if outcome_counts is not None:
        later &= outcome_counts
    outcome = np.bincount(activity.target[later], minlength=size)
    posts_after = (activity.post_time >= split) & (activity.post_time < outcome_end)
    posting = np.bincount(activity.post_author[posts_after], minlength=size) > 0

    # The plain PageRank sees the reactions the engine sees, without any of its weighting.
    seen = window & known
    plain = plain_pagerank(actor=activity.actor[seen], target=activity.target[seen], size=size)
    # Not a baseline the score must beat, but the obvious reference: how many reactions one got
    # before, counted naively, known or only counted. It tracks volume, bought or not.
    received = np.bincount(activity.target[seen], minlength=size) + counted_total
    predictors = {
        **scores,
        "follower count": np.asarray(activity.followers, dtype=np.float64),
        "plain PageRank": plain,
        "reactions received (count)": received.astype(np.float64),
    }
    first = next(iter(scores.values()))[active]
    p50, p90, p95, p99 = np.percentile(first, [50, 90, 95, 99]) if first.size else [np.nan] * 4
    return Evaluation(
        identities=size,
        posting=int(posting.sum()),
        scoring_edges=int(known.sum()),
        counted_before=int(round(float(counted_total.sum()))),
        outcome_reactions=int(later.sum()),
        spearman={name: _spearman(values, outcome) for name, values in predictors.items()},
        spearman_posting={
            name: _spearman(values[posting], outcome[posting]) for name, values in predictors.items()
        },
        top_overlap={name: _top_overlap(values, outcome) for name, values in predictors.items()},
        percentiles={"median": float(p50), "p90": float(p90), "p95": float(p95), "p99": float(p99)},
    )


def _counted(*, activity: ActivityColumns, before, known, split: float, size: int, params: Params):
    """The counted reactions of each identity's posts as of the split, or None without posts."""
    if activity.post is None or not activity.post_author.size:
        return None
    posts = activity.post_author.shape[0]

    def per_post(mask: np.ndarray) -> np.ndarray:
        return reactions_per_post(post=activity.post[mask], kind=activity.kind[mask], posts=posts)

    if activity.post_counts is None:
        # Counted from the reactions themselves: as of the split, less those known by then.
        counts, stored = per_post(before), per_post(known)
    else:
        # Counts as last seen hold reactions made after the split too: subtract every stored
        # reaction to the post, whenever it came, or the outcome would leak into the predictor.
        hidden = np.zeros(activity.time.shape, bool) if activity.hidden is None else activity.hidden
        counts, stored = activity.post_counts, per_post(~hidden)
    return counted_reactions(
        owner=activity.post_author,
        time=activity.post_time,
        counts=counts,
        known=stored,
        followers=activity.followers,
        size=size,
        now=split,
        params=params,
    )
