"""The fixed map from raw influence to the 0-100 score.

score = 100 * (1 - (1 + raw / s) ** -k), i.e. 100 * (1 - exp(-k * ln(1 + raw / s))):
a function of the logarithm of raw influence, so doubling one's influence adds about the same
number of points anywhere in the middle of the range, and it approaches 100 without reaching
it, so the very top stays ordered instead of piling up at a clipped 100. s and k are
calibrated once (bench/calibrate.py) and are part of the model version; the map never depends
on the population being scored, which is what keeps a score comparable from one day to the next.
"""

from __future__ import annotations

import numpy as np

from scoring.engine.model import DEFAULT_PARAMS, Params


def raw_to_score(*, raw: np.ndarray, params: Params = DEFAULT_PARAMS) -> np.ndarray:
    raw = np.maximum(np.asarray(raw, dtype=np.float64), 0.0)
    return 100.0 * -np.expm1(-params.map_exponent * np.log1p(raw / params.map_scale))


def score_to_raw(*, score: np.ndarray, params: Params = DEFAULT_PARAMS) -> np.ndarray:
    """The inverse map, for explanations ("how much more influence is 10 more points")."""
    score = np.clip(np.asarray(score, dtype=np.float64), 0.0, np.nextafter(100.0, 0.0))
    return params.map_scale * np.expm1(-np.log1p(-score / 100.0) / params.map_exponent)


def fit_map(*, raw: np.ndarray, median_score: float, p95_score: float) -> tuple[float, float]:
    """The (map_scale, map_exponent) that send the median of ``raw`` to ``median_score`` and
    its 95th percentile to ``p95_score``. Used once per model version by bench/calibrate.py;
    the result is written into ``Params``, never fitted at run time.
    """
    from scipy.optimize import brentq

    median, p95 = np.percentile(np.asarray(raw, dtype=np.float64), [50, 95])
    if not 0 < median < p95:
        raise ValueError("raw influence needs a positive median below its 95th percentile")
    # k * ln(1 + x / s) = -ln(1 - score / 100) at both points; their ratio fixes s alone.
    want = np.log1p(-p95_score / 100.0) / np.log1p(-median_score / 100.0)
    if not 1.0 < want < p95 / median:
        raise ValueError("these percentiles cannot be reached by the map's shape")

    def ratio_gap(log_scale: float) -> float:
        scale = np.exp(log_scale)
        return np.log1p(p95 / scale) / np.log1p(median / scale) - want

    log_scale = brentq(ratio_gap, np.log(median) - 30.0, np.log(p95) + 30.0, xtol=1e-12)
    scale = float(np.exp(log_scale))
    exponent = float(-np.log1p(-median_score / 100.0) / np.log1p(median / scale))
    return scale, exponent
