"""Day-to-day smoothing of published scores.

The engine's score already moves slowly (a 90-day window with a 30-day half-life), but a
quiet week, a holiday or a sync gap should not show up as a cliff. The published score may
therefore fall by at most ``max_drop_per_day`` points per elapsed day; it may rise faster,
because a genuine breakthrough should show the next day, and the discounts in the engine,
not the smoothing, are what keep bought reactions from counting.
"""

from __future__ import annotations

import numpy as np

MAX_DROP_PER_DAY = 2.0
MAX_RISE_PER_DAY = 10.0


def smooth_scores(
    *,
    previous: np.ndarray,
    current: np.ndarray,
    days_elapsed: float = 1.0,
    max_drop_per_day: float = MAX_DROP_PER_DAY,
    max_rise_per_day: float = MAX_RISE_PER_DAY,
) -> np.ndarray:
    """The score to publish today, given yesterday's published score (NaN when there is none)."""
    previous = np.asarray(previous, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    if days_elapsed < 0:
        raise ValueError("days_elapsed must not be negative")
    low = previous - max_drop_per_day * days_elapsed
    high = previous + max_rise_per_day * days_elapsed
    smoothed = np.clip(current, low, high)
    return np.where(np.isnan(previous), current, smoothed)
