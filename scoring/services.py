"""Recomputing scores and writing their history."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from scoring.columnar import upsert_rows
from scoring.engine import (
    MODEL_VERSION,
    NETWORKS,
    SIGNALS,
    combine_networks,
    score_identities,
    score_points,
    smooth_scores,
)
from scoring.engine.model import KINDS
from scoring.features import features_extract
from scoring.models import IdentityScore, MemberScore, ScoreRun

logger = logging.getLogger(__name__)


class ScoreRunFailed(Exception):
    """A recompute failed; the scores of the previous run are still the ones shown."""


@dataclass(frozen=True)
class _Previous:
    day: date | None
    scores: dict[int, float]


def _previous_scores(*, model, subject: str, day: date) -> _Previous:
    """The published scores of the latest earlier day that a full run completed."""
    last = (
        ScoreRun.objects.filter(kind=ScoreRun.Kind.FULL, status=ScoreRun.Status.SUCCEEDED, day__lt=day)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if last is None:
        return _Previous(day=None, scores={})
    rows = model.objects.filter(day=last).values_list(f"{subject}_id", "score")
    return _Previous(day=last, scores=dict(rows.iterator(chunk_size=50_000)))


def _smoothed(*, ids: np.ndarray, unsmoothed: np.ndarray, previous: _Previous, day: date) -> np.ndarray:
    if previous.day is None:
        return unsmoothed
    before = np.array([previous.scores.get(int(i), np.nan) for i in ids], dtype=np.float64)
    return smooth_scores(previous=before, current=unsmoothed, days_elapsed=(day - previous.day).days)


def _json_rows(names: tuple[str, ...], columns: list[np.ndarray]) -> list[str]:
    """One compact JSON object per row (name -> value rounded to 2 decimals)."""
    keys = [json.dumps(name) for name in names]
    rounded = [np.round(column, 2).tolist() for column in columns]
    return [
        "{" + ",".join(f"{k}:{v}" for k, v in zip(keys, values, strict=True)) + "}"
        for values in zip(*rounded, strict=True)
    ]


def score_recompute(*, day: date | None = None, now: datetime | None = None) -> ScoreRun:
    """Score every identity and member as of ``now`` and store the day's snapshots.

    1. Record the run, so that a failure is visible in the admin.
    2. Extract features and edges with set-based SQL; run the engine.
    3. Fold each member's identities into one score; smooth against the last published scores.
    4. Upsert the day's snapshots in one transaction: running the same day again replaces them
       with the same values, and a failure leaves every earlier snapshot as it was.
    """
    now = now or timezone.now()
    day = day or now.date()
    run = ScoreRun.objects.create(kind=ScoreRun.Kind.FULL, day=day, model_version=MODEL_VERSION)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal started
        timings[stage] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()

    try:
        extracted = features_extract(now=now)
        lap("extract")
        result = score_identities(features=extracted.features, edges=extracted.edges, now=extracted.now)
        timings.update({f"engine.{k}": round(v, 3) for k, v in result.timings.items()})
        lap("engine")

        ids = extracted.identity_ids
        member_ids, person = np.unique(extracted.member_ids, return_inverse=True)
        # Person 0 is "no member" when some identity has none; it is computed and thrown away.
        people = combine_networks(
            result=result, network=extracted.features.network, person=person, persons=len(member_ids)
        )
        keep = member_ids > 0
        lap("combine")

        # The database's own representation of the run's day and time, for the raw inserts.
        db_day, db_now = (
            connection.ops.adapt_datefield_value(day),
            connection.ops.adapt_datetimefield_value(now),
        )
        identity_rows = _identity_rows(ids=ids, result=result, day=day, db_day=db_day, db_now=db_now)
        member_rows = _member_rows(
            member_ids=member_ids[keep], people=people, keep=keep, day=day, db_day=db_day, db_now=db_now
        )
        lap("prepare")
        with transaction.atomic():
            upsert_rows(
                table=IdentityScore._meta.db_table,
                columns=_IDENTITY_COLUMNS,
                key=("identity_id", "day"),
                rows=identity_rows,
            )
            upsert_rows(
                table=MemberScore._meta.db_table,
                columns=_MEMBER_COLUMNS,
                key=("member_id", "day"),
                rows=member_rows,
            )
            lap("write")
            run.status = ScoreRun.Status.SUCCEEDED
            run.identities = len(identity_rows)
            run.members = len(member_rows)
            run.edges = len(extracted.edges)
            run.timings = timings
            run.finished_at = timezone.now()
            run.save()
    except Exception as exc:
        logger.exception("score run %s failed", run.pk)
        ScoreRun.objects.filter(pk=run.pk).update(
            status=ScoreRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        raise ScoreRunFailed(str(exc)) from exc
    return run


_IDENTITY_COLUMNS = (
    "identity_id",
    "day",
    "model_version",
    "score",
    "unsmoothed",
    "raw",
    "signals",
    "received",
    "distinct_actors",
    "authority_rank",
    "computed_at",
)
_MEMBER_COLUMNS = (
    "member_id",
    "day",
    "model_version",
    "score",
    "unsmoothed",
    "raw",
    "signals",
    "networks",
    "computed_at",
)


def _identity_rows(*, ids, result, day: date, db_day, db_now) -> list[tuple]:
    previous = _previous_scores(model=IdentityScore, subject="identity", day=day)
    published = _smoothed(ids=ids, unsmoothed=result.score, previous=previous, day=day)
    points = score_points(raw=result.raw, score=result.score, contributions=result.contributions)
    signals = _json_rows(SIGNALS, [points[name] for name in SIGNALS])
    received = _json_rows(KINDS, [result.received[:, k] for k in range(len(KINDS))])
    return list(
        zip(
            ids.tolist(),
            [db_day] * len(ids),
            [MODEL_VERSION] * len(ids),
            np.round(published, 3).tolist(),
            np.round(result.score, 3).tolist(),
            result.raw.tolist(),
            signals,
            received,
            result.distinct_actors.tolist(),
            result.authority_rank.tolist(),
            [db_now] * len(ids),
            strict=True,
        )
    )


def _member_rows(*, member_ids, people, keep, day: date, db_day, db_now) -> list[tuple]:
    previous = _previous_scores(model=MemberScore, subject="member", day=day)
    score, raw = people.score[keep], people.raw[keep]
    published = _smoothed(ids=member_ids, unsmoothed=score, previous=previous, day=day)
    points = score_points(
        raw=raw, score=score, contributions={n: people.contributions[n][keep] for n in SIGNALS}
    )
    signals = _json_rows(SIGNALS, [points[name] for name in SIGNALS])
    scale = np.divide(score, raw, out=np.zeros_like(raw), where=raw > 0)
    network_points = people.network_raw[keep] * scale[:, None]
    networks = _json_rows(NETWORKS, [network_points[:, k] for k in range(len(NETWORKS))])
    return list(
        zip(
            member_ids.tolist(),
            [db_day] * len(member_ids),
            [MODEL_VERSION] * len(member_ids),
            np.round(published, 3).tolist(),
            np.round(score, 3).tolist(),
            raw.tolist(),
            signals,
            networks,
            [db_now] * len(member_ids),
            strict=True,
        )
    )
