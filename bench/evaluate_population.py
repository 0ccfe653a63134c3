"""Evaluate the models on a generated demo population (``python -m bench.evaluate_population``).

The population (demo.population, 180 days) is split at day 90: scores use the 90 days before
the split, the outcome is the reactions each identity receives over the following 90 days.
Prints, for the current model and v1 side by side, the Spearman correlation of the score with
that outcome (over everyone, and over those who post after the split) and the overlap of the
top 100, next to follower count, plain PageRank and the naive count of reactions, and the score
distribution. ``--hidden-share 0.5`` hides the reactor of half the likes, reposts, replies and
quotes: they reach the engine only as their posts' public counts, as an archive shows them.
"""

from __future__ import annotations

import argparse
import time

from demo.population import PopulationSpec, activity_columns, generate
from scoring.engine import MODEL_VERSION
from scoring.engine.evaluation import evaluate_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--split-day", type=float, default=90.0)
    parser.add_argument("--outcome-days", type=float, default=90.0)
    parser.add_argument("--hidden-share", type=float, default=0.0, help="reactions known only as counts")
    args = parser.parse_args()

    started = time.perf_counter()
    spec = PopulationSpec(identities=args.identities, seed=args.seed, hidden_share=args.hidden_share)
    population = generate(spec=spec)
    generated = time.perf_counter()
    report = evaluate_split(
        activity=activity_columns(population=population),
        split=population.day(args.split_day),
        outcome_end=population.day(args.split_day + args.outcome_days),
    )
    # The generated population knows who the bots and ring members are: the same evaluation with
    # the outcome restricted to reactions from everyone else shows who drives genuine reactions.
    genuine = ~population.is_bot[population.actor] & (population.ring[population.actor] < 0)
    genuine_report = evaluate_split(
        activity=activity_columns(population=population),
        split=population.day(args.split_day),
        outcome_end=population.day(args.split_day + args.outcome_days),
        outcome_counts=genuine,
    )
    finished = time.perf_counter()
    print(
        f"model {MODEL_VERSION}, demo population seed {args.seed}: generated in {generated - started:.1f} s, "
        f"evaluated in {finished - generated:.1f} s; split at day {args.split_day:g}, "
        f"outcome over the next {args.outcome_days:g} days; {args.hidden_share:.0%} of the reactions to "
        "posts known only as counts"
    )
    print("\noutcome: all reactions received\n")
    print(report.table())
    print("\noutcome: reactions from accounts that are neither bots nor ring members (generator's labels)\n")
    print(genuine_report.table())


if __name__ == "__main__":
    main()
