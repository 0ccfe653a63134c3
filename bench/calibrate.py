"""Calibrate the 0-100 map of the current model version on a reference population.

Run once per model version (``python -m bench.calibrate``); it prints the two map constants,
which are then written by hand into ``scoring/engine/model.py`` next to MODEL_VERSION. The map
is never refitted at run time, so a score means the same thing every day.

The reference population is the active accounts (those that posted in the window) of a
generated demo population (demo.population) of 200,000 identities scored at day 90 of its
period, i.e. on a full 90-day window. An account that posted nothing has no audience to move
and, unless others mention it, no reactions: it says nothing about where the middle of the
scale lies.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from demo.population import PopulationSpec, engine_inputs, generate
from scoring.engine import MODEL_VERSION, Params, score_identities
from scoring.engine.scale import fit_map, raw_to_score

MEDIAN_SCORE = 40.0
# The design asks for the top 5% at 63 or above; aiming a little higher keeps that true on
# populations other than the reference one.
P95_SCORE = 65.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    started = time.perf_counter()
    population = generate(spec=PopulationSpec(identities=args.identities, seed=args.seed))
    now = population.day(90)
    features, edges = engine_inputs(population=population, now=now)
    result = score_identities(features=features, edges=edges, now=now)
    active = features.posts > 0
    raw = result.raw[active]
    scale, exponent = fit_map(raw=raw, median_score=MEDIAN_SCORE, p95_score=P95_SCORE)
    fitted = dataclasses.replace(Params(), map_scale=scale, map_exponent=exponent)
    current = raw_to_score(raw=raw)
    refitted = raw_to_score(raw=raw, params=fitted)

    print(
        f"model {MODEL_VERSION}: reference population of {population.size:,} identities, "
        f"{len(edges):,} interactions before day 90 (seed {args.seed}), {int(active.sum()):,} of them "
        f"active; {time.perf_counter() - started:.1f} s"
    )
    print(f"raw influence percentiles 50/90/95/99 (active): {np.percentile(raw, [50, 90, 95, 99]).round(4)}")
    everyone = raw_to_score(raw=result.raw, params=fitted)
    print(
        f"all identities with the fitted map: median {np.median(everyone):.1f}, "
        f"scoring 0: {np.mean(everyone == 0):.0%}"
    )
    print(f"fitted constants:   map_scale = {scale:.6g}   map_exponent = {exponent:.6g}")
    for label, scores in (("with fitted map ", refitted), ("with model's map", current)):
        p50, p90, p95, p99 = np.percentile(scores, [50, 90, 95, 99])
        print(
            f"{label}: median {p50:.1f}  p90 {p90:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {scores.max():.1f}"
        )


if __name__ == "__main__":
    main()
