"""Combining a person's networks into one score.

A person (a member, or anyone whose accounts are known to belong together) owns one identity
per network, sometimes more. Their raw influence is the p-norm of their identities' raw
influence, (sum r_i ** p) ** (1 / p) with p = ``Params.network_norm`` >= 1: never below their
best network, never above the sum. Connecting another network therefore never lowers a
score, and a second network of equal strength adds less than doubling the first would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.engine.model import DEFAULT_PARAMS, NETWORKS, SIGNALS, Params
from scoring.engine.run import EngineResult
from scoring.engine.scale import raw_to_score


@dataclass(frozen=True, slots=True)
class PersonScores:
    """Per person (row p).

    raw, score:     combined raw influence and its 0-100 score.
    network_raw:    (persons, len(NETWORKS)) share of ``raw`` owed to each network; rows sum to raw.
    contributions:  signal name -> share of ``raw``; they sum to raw.
    self_reported:  the part of ``raw`` that rests on self-reported data (see EngineResult), and
                    all of what comes from an identity only ``claimed`` by the person.
    """

    raw: np.ndarray
    score: np.ndarray
    network_raw: np.ndarray
    contributions: dict[str, np.ndarray]
    self_reported: np.ndarray


def combine_networks(
    *,
    result: EngineResult,
    network: np.ndarray,
    person: np.ndarray,
    persons: int,
    claimed: np.ndarray | None = None,
    params: Params = DEFAULT_PARAMS,
) -> PersonScores:
    """``person[i]`` is the person owning identity i (0 <= person < persons).

    Each identity's share of its person's raw value is r_i ** p / sum r ** p; its signal
    contributions are scaled by the same factor, so per-network and per-signal shares both add
    up exactly to the combined raw value.

    ``claimed[i]`` is True where the person's link to identity i is their own say (an uploaded
    archive naming it) rather than proven by signing in with the network: what it brings
    rests on self-reported data, whoever reported its activity.
    """
    p = params.network_norm
    identity_raw = np.maximum(result.raw, 0.0)
    powered = identity_raw**p
    total = np.bincount(person, weights=powered, minlength=persons)
    raw = total ** (1.0 / p)
    share = np.divide(powered, total[person], out=np.zeros_like(powered), where=total[person] > 0)
    owed = share * raw[person]
    factor = np.divide(owed, identity_raw, out=np.zeros_like(owed), where=identity_raw > 0)
    network_raw = np.bincount(
        np.asarray(person, dtype=np.int64) * len(NETWORKS) + network,
        weights=owed,
        minlength=persons * len(NETWORKS),
    ).reshape(persons, len(NETWORKS))
    contributions = {
        name: np.bincount(person, weights=result.contributions[name] * factor, minlength=persons)
        for name in SIGNALS
    }
    reported = result.self_reported * factor
    if claimed is not None:
        reported = np.where(claimed, owed, reported)
    return PersonScores(
        raw=raw,
        score=raw_to_score(raw=raw, params=params),
        network_raw=network_raw,
        contributions=contributions,
        self_reported=np.minimum(np.bincount(person, weights=reported, minlength=persons), raw),
    )
