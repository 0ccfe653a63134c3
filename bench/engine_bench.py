"""The scoring engine alone at full scale (``python -m bench.engine_bench``).

1,000,000 identities and 20,000,000 interactions, generated directly as arrays (heavy-tailed
reactors and targets inside three networks, times over 120 days so a quarter falls outside the
window). The arrays are made in a child process and loaded here, so the peak memory printed is
that of a process holding the inputs and running the engine, as the recompute will.

Baseline, measured in the same run: networkx's PageRank on a tenth of the graph (100,000 nodes,
the reactions among them), graph construction and PageRank timed separately; next to it the
engine's own PageRank code on the same tenth.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from scoring.engine import DAY, KIND_CODE, EdgeList, FeatureTable, score_identities
from scoring.engine.graph import plain_pagerank

NOW = 1_750_000_000.0
COLUMNS = ("actor", "target", "kind", "time", "network", "followers", "posts", "identity_network")


def networkx_baseline(*, actor: np.ndarray, target: np.ndarray, size: int, ours: np.ndarray) -> None:
    """Time networkx building the graph and ranking it, and print how far its ranks are from ours."""
    import networkx as nx

    started = time.perf_counter()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(size))
    graph.add_edges_from(zip(actor.tolist(), target.tolist(), strict=True))
    built = time.perf_counter() - started
    started = time.perf_counter()
    theirs = nx.pagerank(graph, alpha=0.85, tol=1e-10)
    ranked = time.perf_counter() - started
    gap = np.abs(ours - np.array([theirs[i] for i in range(size)])).max()
    print(f"  networkx: building the DiGraph      {built:8.2f} s")
    print(f"  networkx: pagerank                  {ranked:8.2f} s   (max difference to ours {gap:.1e})")


def make_arrays(*, identities: int, edges: int, seed: int, folder: str) -> None:
    rng = np.random.default_rng(seed)
    shares = np.array([0.6, 0.25, 0.15])
    bounds = np.concatenate([[0], np.cumsum(np.floor(shares * identities).astype(np.int64))])
    bounds[-1] = identities
    identity_network = np.repeat(np.arange(3, dtype=np.int8), np.diff(bounds))
    activity = rng.lognormal(0.0, 1.5, identities)
    popularity = rng.lognormal(0.0, 2.0, identities)
    actor = np.searchsorted(np.cumsum(activity), rng.random(edges) * activity.sum()).astype(np.int32)
    actor = np.minimum(actor, identities - 1)
    network = identity_network[actor]
    # Targets are drawn inside the actor's network, by popularity.
    cumulative = np.cumsum(popularity)
    low = np.concatenate([[0.0], cumulative])[bounds[:-1]][network]
    high = cumulative[bounds[1:] - 1][network]
    target = np.searchsorted(cumulative, low + rng.random(edges) * (high - low), side="right")
    target = np.minimum(target, bounds[1:][network] - 1).astype(np.int32)
    kind = rng.choice(
        [KIND_CODE[k] for k in ("like", "repost", "reply", "quote", "mention")],
        size=edges,
        p=[0.66, 0.13, 0.11, 0.03, 0.07],
    ).astype(np.int8)
    columns = {
        "actor": actor,
        "target": target,
        "kind": kind,
        "time": NOW - rng.random(edges) * 120 * DAY,
        "network": network,
        "followers": rng.lognormal(np.log(150), 1.6, identities).astype(np.int64),
        "posts": rng.lognormal(np.log(5), 1.2, identities),
        "identity_network": identity_network,
    }
    for name, values in columns.items():
        np.save(Path(folder) / f"{name}.npy", values)


def generate(*, identities: int, edges: int, seed: int) -> dict[str, np.ndarray]:
    """make_arrays in a child process, so its temporaries never count in this one's peak."""
    with tempfile.TemporaryDirectory() as folder:
        child = multiprocessing.get_context("spawn").Process(
            target=make_arrays,
            kwargs={"identities": identities, "edges": edges, "seed": seed, "folder": folder},
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generating the arrays failed")
        return {name: np.load(Path(folder) / f"{name}.npy") for name in COLUMNS}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=20_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-networkx", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(
            target=make_arrays,
            kwargs={"identities": args.identities, "edges": args.edges, "seed": args.seed, "folder": folder},
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generating the arrays failed")
        data = {name: np.load(Path(folder) / f"{name}.npy") for name in COLUMNS}
        print(
            f"generated {args.identities:,} identities and {args.edges:,} interactions in "
            f"{time.perf_counter() - started:.1f} s (child process)"
        )

    features = FeatureTable(
        network=data["identity_network"],
        followers=data["followers"],
        following=np.zeros(args.identities),
        posts=data["posts"],
    )
    edges = EdgeList(
        actor=data["actor"],
        target=data["target"],
        kind=data["kind"],
        time=data["time"],
        network=data["network"],
    )
    inputs_mb = sum(a.nbytes for a in data.values()) / 1024**2
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    result = score_identities(features=features, edges=edges, now=NOW)
    total = time.perf_counter() - started
    print(f"\nengine (model {result.model_version}), 2 cores available, numpy/scipy single-threaded")
    for stage, seconds in result.timings.items():
        print(f"  {stage:<12}{seconds:8.2f} s")
    print(f"  {'total':<12}{total:8.2f} s   ({result.pagerank_iterations} PageRank iterations)")
    print(
        f"  inputs {inputs_mb:,.0f} MB; peak RSS {rss_before:,.0f} MB after loading them, "
        f"{peak_rss_mb():,.0f} MB after the run"
    )
    print(f"  score median {np.median(result.score):.1f}, p95 {np.percentile(result.score, 95):.1f}")

    # Baseline on a tenth of the graph: the same generator at a tenth of the size.
    del data, edges, features, result
    tenth = args.identities // 10
    small = generate(identities=tenth, edges=args.edges // 10, seed=args.seed + 1)
    # Self-reactions are dropped for both sides: networkx would keep them as self-loops.
    kept = small["actor"] != small["target"]
    actor, target = small["actor"][kept], small["target"][kept]
    pairs = np.unique(actor.astype(np.int64) * tenth + target).size
    print(f"\nbaseline on a tenth: {tenth:,} nodes, {actor.size:,} reactions ({pairs:,} distinct pairs)")
    started = time.perf_counter()
    ours = plain_pagerank(actor=actor, target=target, size=tenth)
    print(f"  engine PageRank code (unweighted) {time.perf_counter() - started:8.2f} s")
    if args.skip_networkx:
        return
    networkx_baseline(actor=actor, target=target, size=tenth, ours=ours)
    print(f"  peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
