"""The engine's inputs: a per-identity feature table and the interaction edge list.

Both are columnar (one numpy array per column, row i of every identity column describing
identity i, edges referring to identities by that index) so that the feature extraction can hand
over the result of a few SQL aggregates without building Python objects per row.

What is *not* in the feature table on purpose: reactions received per kind and distinct
reactors. The engine derives them from the edge list, where it can apply the window, the decay,
the saturation and the discounts consistently; a second, pre-aggregated copy could only disagree.
They come back in the result as descriptive counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.engine.model import COUNTED_KINDS, DAY, KINDS, NETWORKS


@dataclass(frozen=True, slots=True)
class FeatureTable:
    """One row per scored identity (one account on one network).

    network:   int8, code into ``model.NETWORKS``.
    followers: audience size as last seen (non-negative; unknown is 0).
    following: accounts followed as last seen (kept for explanations and future models).
    posts:     decay-weighted number of posts authored inside the window, each post counting
               0.5 ** (age / half-life); ``decayed_counts`` computes it from post times.
    audience_self_reported: bool, the follower count came from the member's own upload (an
               archive) rather than from the network; None when none did.
    listed:    lists the account is on, where the network reports it (X); 0 elsewhere.
    counted:   (n, len(COUNTED_KINDS)) reactions the network counted on the identity's posts
               in the window whose reactors are not stored, per kind: each post's count less the
               stored reactions of that kind to it, capped, saturated and decayed by the post's
               age (``scoring.engine.counted.counted_reactions`` computes it); None for none.
    counted_self_reported: of ``counted`` weighted by ``Params.counted_weight_array``, the part
               that self-reported posts (uploads) brought, at their discount.
    counted_capped: reactions the plausibility cap left out, undecayed, all kinds but views.
    """

    network: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    posts: np.ndarray
    audience_self_reported: np.ndarray | None = None
    listed: np.ndarray | None = None
    counted: np.ndarray | None = None
    counted_self_reported: np.ndarray | None = None
    counted_capped: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.network.shape[0])

    def validate(self) -> None:
        n = len(self)
        for name in ("followers", "following", "posts"):
            column = getattr(self, name)
            if column.shape != (n,):
                raise ValueError(f"feature column {name!r} has shape {column.shape}, expected ({n},)")
            if n and (not np.all(np.isfinite(column)) or column.min() < 0):
                raise ValueError(f"feature column {name!r} must be finite and non-negative")
        if n and (self.network.min() < 0 or self.network.max() >= len(NETWORKS)):
            raise ValueError("feature column 'network' holds an unknown network code")
        for name in ("audience_self_reported", "listed", "counted_self_reported", "counted_capped"):
            column = getattr(self, name)
            if column is not None and column.shape != (n,):
                raise ValueError(f"feature column {name!r} does not have {n} rows")
        if self.counted is not None:
            if self.counted.shape != (n, len(COUNTED_KINDS)):
                raise ValueError(f"feature column 'counted' has shape {self.counted.shape}")
            if n and (not np.all(np.isfinite(self.counted)) or self.counted.min() < 0):
                raise ValueError("feature column 'counted' must be finite and non-negative")
        if self.listed is not None and n and (not np.all(np.isfinite(self.listed)) or self.listed.min() < 0):
            raise ValueError("feature column 'listed' must be finite and non-negative")


@dataclass(frozen=True, slots=True)
class EdgeList:
    """One row per interaction: ``actor`` did ``kind`` to ``target`` at ``time``.

    actor, target: int32 identity indices into the feature table.
    kind:          int8, code into ``model.KINDS``.
    time:          float64 seconds since the Unix epoch (any fixed origin works if ``now``
                   uses the same one).
    network:       int8, code into ``model.NETWORKS``; must be the network of both ends.
    self_reported: bool, the interaction comes from a member's upload, not from the network
                   (counted at ``Params.self_reported_weight``); None when none does.
    """

    actor: np.ndarray
    target: np.ndarray
    kind: np.ndarray
    time: np.ndarray
    network: np.ndarray
    self_reported: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.actor.shape[0])

    def validate(self, *, features: FeatureTable) -> None:
        m = len(self)
        for name in ("target", "kind", "time", "network"):
            if getattr(self, name).shape != (m,):
                raise ValueError(f"edge column {name!r} does not have {m} rows")
        if self.self_reported is not None and self.self_reported.shape != (m,):
            raise ValueError(f"edge column 'self_reported' does not have {m} rows")
        if not m:
            return
        n = len(features)
        for name in ("actor", "target"):
            column = getattr(self, name)
            if column.min() < 0 or column.max() >= n:
                raise ValueError(f"edge column {name!r} refers to an identity outside the table")
        if self.kind.min() < 0 or self.kind.max() >= len(KINDS):
            raise ValueError("edge column 'kind' holds an unknown kind code")
        # Networks never mix inside one graph: a Mastodon reply to an X account is a data error.
        if np.any(features.network[self.actor] != self.network) or np.any(
            features.network[self.target] != self.network
        ):
            raise ValueError("an edge joins identities of another network than its own")


def decayed_counts(
    *,
    owner: np.ndarray,
    time: np.ndarray,
    size: int,
    now: float,
    window_days: float,
    half_life_days: float,
) -> np.ndarray:
    """Per owner, the number of events inside the window, each weighted 0.5 ** (age / half-life).

    Used for the ``posts`` feature; events in the future of ``now`` do not count.
    """
    age_days = (now - np.asarray(time, dtype=np.float64)) / DAY
    inside = (age_days >= 0) & (age_days <= window_days)
    weight = np.exp2(-age_days[inside] / half_life_days)
    return np.bincount(np.asarray(owner)[inside], weights=weight, minlength=size)
