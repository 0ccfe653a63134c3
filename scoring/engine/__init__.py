"""The influence-scoring engine: pure numpy/scipy, no Django.

Feature extraction hands it a ``FeatureTable`` and an ``EdgeList`` (columnar, identities by
index); ``score_identities`` returns raw influence, the 0-100 score and each signal's
contribution per identity; ``combine_networks`` folds identities into people. docs/scoring.md
is the method in words.
"""

from scoring.engine.combine import PersonScores, combine_networks
from scoring.engine.counted import CountedColumns, counted_reactions
from scoring.engine.explain import (
    Change,
    ChangeReport,
    Snapshot,
    identity_snapshot,
    score_points,
    snapshot_diff,
)
from scoring.engine.inputs import EdgeList, FeatureTable, decayed_counts
from scoring.engine.model import (
    COUNTED_KINDS,
    DAY,
    DEFAULT_PARAMS,
    KIND_CODE,
    KINDS,
    MODEL_VERSION,
    MODELS,
    NETWORK_CODE,
    NETWORKS,
    PARAMS_V1,
    SIGNALS,
    Params,
)
from scoring.engine.run import EngineResult, FrozenGraph, score_identities
from scoring.engine.scale import raw_to_score, score_to_raw
from scoring.engine.smoothing import smooth_scores

__all__ = [
    "COUNTED_KINDS",
    "DAY",
    "DEFAULT_PARAMS",
    "KINDS",
    "KIND_CODE",
    "MODELS",
    "MODEL_VERSION",
    "NETWORKS",
    "NETWORK_CODE",
    "PARAMS_V1",
    "SIGNALS",
    "Change",
    "ChangeReport",
    "CountedColumns",
    "EdgeList",
    "EngineResult",
    "FeatureTable",
    "FrozenGraph",
    "Params",
    "PersonScores",
    "Snapshot",
    "combine_networks",
    "counted_reactions",
    "decayed_counts",
    "identity_snapshot",
    "raw_to_score",
    "score_identities",
    "score_points",
    "score_to_raw",
    "smooth_scores",
    "snapshot_diff",
]
