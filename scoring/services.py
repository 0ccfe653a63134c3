"""Recomputing scores: the full daily run, the incremental one, and history from imports.

Each run is recorded (``ScoreRun``) and either stores all its snapshots or none; reading
and writing the snapshots is ``scoring.store``'s.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from klout.db.locks import scores_write_lock
from scoring.engine import (
    DEFAULT_PARAMS,
    MODEL_VERSION,
    EngineResult,
    FrozenGraph,
    Params,
    combine_networks,
    score_identities,
)
from scoring.features import Extracted, features_extract
from scoring.models import ScoreRun
from scoring.store import (
    identities_scored,
    identity_frame,
    last_full_run_day,
    member_frame,
    members_scored,
    snapshots_write,
)

logger = logging.getLogger(__name__)


class ScoreRunFailed(Exception):
    """A recompute failed; the scores of the previous run are still the ones shown."""


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._started = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self._started, 3)
        self._started = now


def _run(
    kind: str, day: date, body: Callable[[ScoreRun, _Stopwatch], None], *, version: str = MODEL_VERSION
) -> ScoreRun:
    """Record a run, time it, and mark it failed (keeping every earlier score) if ``body`` raises."""
    run = ScoreRun.objects.create(kind=kind, day=day, model_version=version)
    watch = _Stopwatch()
    try:
        body(run, watch)
    except Exception as exc:
        logger.exception("score run %s failed", run.pk)
        ScoreRun.objects.filter(pk=run.pk).update(
            status=ScoreRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        raise ScoreRunFailed(str(exc)) from exc
    return run


def _score_and_store(
    *,
    run: ScoreRun,
    watch: _Stopwatch,
    extracted: Extracted,
    day: date,
    now: datetime,
    frozen: FrozenGraph | None = None,
    keep: np.ndarray | None = None,
    fill_only: bool = False,
    params: Params = DEFAULT_PARAMS,
) -> None:
    """Engine, member folding, smoothing and one transaction of writes.

    ``keep`` marks the rows whose results are complete (all of them in a full run, which
    replaces the day's identity snapshots wholesale; the identities around a change in an
    incremental one, which are upserted). With ``fill_only``, snapshots that already exist
    for the day are left as they are.
    """
    whole_day = keep is None
    result = score_identities(
        features=extracted.features, edges=extracted.edges, now=extracted.now, frozen=frozen, params=params
    )
    watch.timings.update({f"engine.{k}": round(v, 3) for k, v in result.timings.items()})
    watch.lap("engine")

    keep = np.ones(len(extracted.identity_ids), dtype=bool) if keep is None else keep
    member_of = np.where(keep, extracted.member_ids, 0)
    member_ids, person = np.unique(member_of, return_inverse=True)
    # Person 0 is "no member" when some identity has none; it is computed and thrown away.
    people = combine_networks(
        result=result,
        network=extracted.features.network,
        person=person,
        persons=len(member_ids),
        claimed=extracted.claimed,
        params=params,
    )
    is_member = member_ids > 0
    watch.lap("combine")

    if fill_only:
        scored = identities_scored(day=day, ids=extracted.identity_ids[keep])
        keep = keep & ~np.isin(extracted.identity_ids, scored)
        scored = members_scored(day=day, ids=member_ids[is_member])
        is_member = is_member & ~np.isin(member_ids, scored)
    identity_rows = identity_frame(
        ids=extracted.identity_ids[keep], result=_rows_of(result, keep), day=day, now=now
    )
    member_rows = member_frame(
        member_ids=member_ids[is_member],
        people=people,
        keep=is_member,
        day=day,
        now=now,
        version=params.version,
    )
    watch.lap("prepare")
    with transaction.atomic():
        scores_write_lock()
        snapshots_write(day=day, identity_rows=identity_rows, member_rows=member_rows, whole_day=whole_day)
        watch.lap("write")
        run.status = ScoreRun.Status.SUCCEEDED
        run.identities = len(identity_rows)
        run.members = len(member_rows)
        run.edges = len(extracted.edges)
        run.timings = watch.timings
        run.finished_at = timezone.now()
        run.save()


def _rows_of(result: EngineResult, keep: np.ndarray) -> EngineResult:
    return dataclasses.replace(
        result,
        raw=result.raw[keep],
        score=result.score[keep],
        contributions={name: values[keep] for name, values in result.contributions.items()},
        received=result.received[keep],
        distinct_actors=result.distinct_actors[keep],
        authority_rank=result.authority_rank[keep],
        inflow=result.inflow[keep],
        targets=result.targets[keep],
        self_reported=result.self_reported[keep],
        counted_capped=result.counted_capped[keep],
    )


def score_recompute(
    *, day: date | None = None, now: datetime | None = None, params: Params = DEFAULT_PARAMS
) -> ScoreRun:
    """Score every identity and member as of ``now`` and store the day's snapshots.

    1. Record the run, so that a failure is visible in the admin.
    2. Extract features and edges with set-based SQL; run the engine.
    3. Fold each member's identities into one score; smooth against the last published scores.
    4. Upsert the day's snapshots in one transaction: running the same day again replaces them
       with the same values, and a failure leaves every earlier snapshot as it was.

    ``params`` is the model (the current one; another only to compare, as the recompute
    benchmark compares v2 with v1).
    """
    now = now or timezone.now()
    day = day or now.date()

    def body(run: ScoreRun, watch: _Stopwatch) -> None:
        extracted = features_extract(now=now, params=params)
        watch.lap("extract")
        _score_and_store(run=run, watch=watch, extracted=extracted, day=day, now=now, params=params)

    return _run(ScoreRun.Kind.FULL, day, body, version=params.version)


def score_recompute_incremental(*, identity_ids: Iterable[int], now: datetime | None = None) -> ScoreRun:
    """Re-score the identities whose data changed, and those the change affects, for today.

    1. Without a completed full run there is nothing to build on: run a full one instead.
    2. Affected: the changed identities (ingest reports both ends of every new interaction)
       and every other identity of the members among them.
    3. Read only the edges that touch an affected identity, and the features of the
       identities on them; keep PageRank inflow, authority and each reactor's reach as the
       last full run left them (a FrozenGraph): they are graph-wide and the daily run
       refreshes them.
    4. Write today's snapshots of the affected identities and their members.
    """
    now = now or timezone.now()
    day = now.date()
    baseline = last_full_run_day(before=day + _ONE_DAY)
    if baseline is None:
        return score_recompute(now=now)

    def body(run: ScoreRun, watch: _Stopwatch) -> None:
        _local_run(run=run, watch=watch, changed=identity_ids, now=now, day=day, baseline=baseline)

    return _run(ScoreRun.Kind.INCREMENTAL, day, body)


_ONE_DAY = timedelta(days=1)


def _local_run(
    *,
    run: ScoreRun,
    watch: _Stopwatch,
    changed: Iterable[int],
    now: datetime,
    day: date,
    baseline: date | None,
    fill_only: bool = False,
) -> None:
    """Score the neighbourhood of ``changed`` as of ``now`` with the baseline's graph figures."""
    from scoring.incremental import FIGURES, affected_extract

    local = affected_extract(changed=changed, now=now, figures_day=baseline)
    watch.lap("extract")
    ids = local.extracted.identity_ids
    figures = local.figures or {name: np.full(ids.shape, np.nan) for name in FIGURES}
    # Identities new since the baseline have no graph figures yet: no inflow, and the
    # reach they show in the edges read here.
    unknown = np.isnan(figures["targets"])
    inflow, authority = np.nan_to_num(figures["inflow"]), np.nan_to_num(figures["authority_rank"])
    if fill_only:
        # A past day: authority grows with the reactors one had gathered by then, so today's
        # figures are scaled by the share of today's distinct reactors already there.
        share = np.divide(
            local.local_actors,
            figures["distinct_actors"],
            out=np.zeros(ids.shape),
            where=np.nan_to_num(figures["distinct_actors"]) > 0,
        )
        share = np.clip(share, 0.0, 1.0)
        inflow, authority = inflow * share, authority * share
    frozen = FrozenGraph(
        inflow=inflow,
        authority_rank=authority,
        targets=np.where(unknown, local.local_targets, figures["targets"]).astype(np.int64),
    )
    watch.lap("frozen")
    _score_and_store(
        run=run,
        watch=watch,
        extracted=local.extracted,
        day=day,
        now=now,
        frozen=frozen,
        keep=local.affected,
        fill_only=fill_only,
    )


def score_history_backfill(
    *, identity_ids: Iterable[int], days: int = 90, now: datetime | None = None
) -> int:
    """Give imported identities (and their members) a score for each of the last ``days`` days.

    An archive brings months of past activity at once; this reconstructs the daily history
    it implies, so the member's chart starts with their past rather than with the day of
    the import. Days that already have a snapshot are left alone. The graph-wide figures
    (authority, reach) are today's: the past ones were never computed. Returns the number of
    days whose run succeeded.
    """
    now = now or timezone.now()
    ids = sorted({int(i) for i in identity_ids})
    if not ids:
        return 0
    baseline = last_full_run_day(before=now.date() + _ONE_DAY)
    scored = 0
    for days_ago in range(days, 0, -1):
        moment = now - timedelta(days=days_ago)

        def body(run: ScoreRun, watch: _Stopwatch, moment=moment) -> None:
            _local_run(
                run=run,
                watch=watch,
                changed=ids,
                now=moment,
                day=moment.date(),
                baseline=baseline,
                fill_only=True,
            )

        try:
            _run(ScoreRun.Kind.BACKFILL, moment.date(), body)
        except ScoreRunFailed:
            # Recorded on its run; the other days are still worth having, and a later backfill
            # fills only the days that are missing.
            continue
        scored += 1
    return scored


def score_runs_recover(*, before: datetime) -> int:
    """Mark failed the runs still "running" that started before ``before``: their worker stopped.

    Nothing needs redoing: a failed run changed no score, and the next run covers its work.
    """
    return ScoreRun.objects.filter(status=ScoreRun.Status.RUNNING, started_at__lt=before).update(
        status=ScoreRun.Status.FAILED,
        finished_at=timezone.now(),
        error="The run was interrupted (its worker stopped); the next run covers its work.",
    )
