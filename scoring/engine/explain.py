"""Explanations: what a score is made of, and what moved it since the previous one.

Contributions are computed in raw-influence units (they add up to the raw value). For people,
they are shown in score points: each signal gets the share of the score equal to its share of
raw influence, so the points add up exactly to the score. A negative ``efficiency`` share is
shown as such: it is the cost of posting much more than one's reactions justify.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scoring.engine.model import NETWORKS, SIGNALS


def score_points(
    *, raw: np.ndarray, score: np.ndarray, contributions: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Signal name -> points of the 0-100 score; the points of one row add up to its score."""
    raw = np.asarray(raw, dtype=np.float64)
    scale = np.divide(score, raw, out=np.zeros_like(raw), where=raw > 0)
    return {name: np.asarray(contributions[name]) * scale for name in SIGNALS}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One subject's score on one day, as stored in its history."""

    model_version: str
    score: float
    raw: float
    signals: Mapping[str, float]  # signal -> score points
    networks: Mapping[str, float]  # network -> score points


def identity_snapshot(*, result, index: int, network: int) -> Snapshot:
    """The snapshot of one identity of an EngineResult (its single network holds every point)."""
    raw = result.raw[index : index + 1]
    score = result.score[index : index + 1]
    points = score_points(
        raw=raw,
        score=score,
        contributions={name: result.contributions[name][index : index + 1] for name in SIGNALS},
    )
    return Snapshot(
        model_version=result.model_version,
        score=float(score[0]),
        raw=float(raw[0]),
        signals={name: float(points[name][0]) for name in SIGNALS},
        networks={NETWORKS[network]: float(score[0])},
    )


@dataclass(frozen=True, slots=True)
class Change:
    name: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class ChangeReport:
    score_before: float
    score_after: float
    comparable: bool  # False when the model version changed in between
    signals: list[Change]  # largest movement first
    networks: list[Change]

    @property
    def delta(self) -> float:
        return self.score_after - self.score_before


def snapshot_diff(*, previous: Snapshot, current: Snapshot) -> ChangeReport:
    """What moved a score: the change of every signal and network, largest first.

    The signal deltas add up to the score delta (both snapshots' points add up to their
    scores). Across a model version change the figures are still given, flagged as not
    comparable, because the signals may then mean something else.
    """

    def changes(before: Mapping[str, float], after: Mapping[str, float]) -> list[Change]:
        names = list(dict.fromkeys([*before, *after]))
        found = [
            Change(name=n, before=float(before.get(n, 0.0)), after=float(after.get(n, 0.0))) for n in names
        ]
        return sorted(found, key=lambda change: -abs(change.delta))

    return ChangeReport(
        score_before=previous.score,
        score_after=current.score,
        comparable=previous.model_version == current.model_version,
        signals=changes(previous.signals, current.signals),
        networks=changes(previous.networks, current.networks),
    )
