"""The engine's fixed parts: the 0-100 map, network combination, smoothing, explanations."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from connectors import records
from scoring.engine import (
    DAY,
    KIND_CODE,
    KINDS,
    MODEL_VERSION,
    MODELS,
    NETWORKS,
    SIGNALS,
    EdgeList,
    FeatureTable,
    Snapshot,
    combine_networks,
    identity_snapshot,
    raw_to_score,
    score_identities,
    score_to_raw,
    smooth_scores,
    snapshot_diff,
)
from scoring.engine.graph import plain_pagerank

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_engine_does_not_import_django():
    code = "import sys, scoring.engine, scoring.engine.evaluation; sys.exit('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr or "django was imported"


def test_codes_follow_the_record_contract():
    assert KINDS == records.INTERACTION_KINDS
    assert NETWORKS == records.NETWORKS


def test_map_is_the_calibrated_one_of_this_model_version():
    # Changing the map changes what every stored score means: that is a new MODEL_VERSION.
    assert MODEL_VERSION == "v2"
    # The reference population's active median and 95th percentile (bench/calibrate.py).
    scores = raw_to_score(raw=np.array([0, 0.01, 0.5682, 1, 31.4047, 100, 1e4]))
    np.testing.assert_allclose(
        scores, [0.0, 7.31284235, 39.99992561, 44.33718955, 65.00003701, 70.06853021, 83.93303886]
    )


def test_the_previous_model_is_kept_as_it_was():
    # v1's stored days were computed with these; evaluate_scores compares with them.
    assert MODELS["v1.1"].map_scale == 0.0135598 and MODELS["v1.1"].map_exponent == 0.141655
    scores = raw_to_score(raw=np.array([0.4858, 22.42]), params=MODELS["v1.1"])
    np.testing.assert_allclose(scores, [40.00078565, 65.00041818])


def test_map_is_strictly_monotone_bounded_and_invertible():
    raw = np.concatenate([[0.0], np.logspace(-6, 9, 5_000)])
    scores = raw_to_score(raw=raw)
    assert np.all(np.diff(scores) > 0)
    assert scores[0] == 0 and scores[-1] < 100
    np.testing.assert_allclose(score_to_raw(score=scores[1:2000]), raw[1:2000], rtol=1e-6)


def test_plain_pagerank_baseline_matches_networkx():
    rng = np.random.default_rng(5)
    actor, target = rng.integers(0, 40, 200), rng.integers(0, 40, 200)
    ours = plain_pagerank(actor=actor, target=target, size=40)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(40))
    graph.add_edges_from((int(a), int(t)) for a, t in zip(actor, target, strict=True) if a != t)
    theirs = nx.pagerank(graph, alpha=0.85, tol=1e-12)
    np.testing.assert_allclose(ours, [theirs[i] for i in range(40)], atol=1e-8)


def _two_network_result():
    # Identities 0 (x) and 1 (mastodon) belong to one person; 2..5 react on x, 6..7 on mastodon.
    network = np.array([0, 1, 0, 0, 0, 0, 1, 1], dtype=np.int8)
    rows = [
        (2, 0, "repost"),
        (3, 0, "like"),
        (4, 0, "reply"),
        (5, 0, "like"),
        (6, 1, "like"),
        (7, 1, "quote"),
    ]
    features = FeatureTable(
        network=network, followers=np.full(8, 50.0), following=np.zeros(8), posts=np.ones(8)
    )
    edges = EdgeList(
        actor=np.array([r[0] for r in rows], dtype=np.int32),
        target=np.array([r[1] for r in rows], dtype=np.int32),
        kind=np.array([KIND_CODE[r[2]] for r in rows], dtype=np.int8),
        time=np.full(len(rows), 100 * DAY),
        network=network[[r[1] for r in rows]],
    )
    return network, score_identities(features=features, edges=edges, now=100 * DAY)


def test_connecting_a_network_never_lowers_a_persons_score():
    network, result = _two_network_result()
    alone = combine_networks(
        result=result, network=network, person=np.array([0, 1, 2, 3, 4, 5, 6, 7]), persons=8
    )
    joined = combine_networks(
        result=result, network=network, person=np.array([0, 0, 1, 2, 3, 4, 5, 6]), persons=7
    )
    assert joined.score[0] >= max(alone.score[0], alone.score[1])
    assert joined.raw[0] <= alone.raw[0] + alone.raw[1]
    # Shares per network and per signal both add up to the combined value.
    assert joined.network_raw[0].sum() == pytest.approx(joined.raw[0])
    assert sum(joined.contributions[name][0] for name in SIGNALS) == pytest.approx(joined.raw[0])
    assert joined.network_raw[0, NETWORKS.index("x")] > joined.network_raw[0, NETWORKS.index("mastodon")] > 0


def test_p_norm_combination_is_at_least_the_best_network_for_any_values():
    rng = np.random.default_rng(11)
    network, result = _two_network_result()
    for _ in range(200):
        raw = rng.lognormal(0, 3, 8) * (rng.random(8) < 0.8)
        fake = dataclasses.replace(result, raw=raw)
        person = rng.integers(0, 3, 8)
        combined = combine_networks(result=fake, network=network, person=person, persons=3)
        best = np.zeros(3)
        np.maximum.at(best, person, raw)
        assert np.all(combined.raw >= best * (1 - 1e-12))


def test_a_week_of_silence_lowers_the_published_score_by_at_most_two_points_a_day():
    published = np.array([60.0, 30.0, np.nan])
    engine_says = np.array([35.0, 31.0, 50.0])
    for _ in range(7):
        published = smooth_scores(previous=published, current=engine_says)
    np.testing.assert_allclose(published, [46.0, 31.0, 50.0])
    # A genuine jump shows at up to ten points a day.
    np.testing.assert_allclose(smooth_scores(previous=np.array([40.0]), current=np.array([70.0])), [50.0])


def test_snapshot_diff_names_what_moved_the_score_largest_first():
    network, result = _two_network_result()
    before = identity_snapshot(result=result, index=0, network=0)
    assert sum(before.signals.values()) == pytest.approx(before.score)
    after = Snapshot(
        model_version=MODEL_VERSION,
        score=before.score + 3.0,
        raw=before.raw,
        signals={
            **before.signals,
            "reposts": before.signals["reposts"] + 4.0,
            "likes": before.signals["likes"] - 1.0,
        },
        networks={"x": before.score + 3.0},
    )
    report = snapshot_diff(previous=before, current=after)
    assert report.comparable and report.delta == pytest.approx(3.0)
    assert [(c.name, round(c.delta, 6)) for c in report.signals[:2]] == [("reposts", 4.0), ("likes", -1.0)]
    assert sum(c.delta for c in report.signals) == pytest.approx(report.delta)
    assert not snapshot_diff(previous=before, current=Snapshot("v0", 1, 1, {}, {})).comparable
