"""Recomputing scores and writing their history."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Member
from connectors.models import Identity
from klout.db.columnar import Frame, fetch_columns, replace_frame, upsert_frame
from klout.db.locks import scores_write_lock
from scoring.engine import (
    MODEL_VERSION,
    NETWORKS,
    SIGNALS,
    EngineResult,
    FrozenGraph,
    combine_networks,
    score_identities,
    score_points,
    smooth_scores,
)
from scoring.engine.model import KINDS
from scoring.features import Extracted, aligned, features_extract
from scoring.models import (
    NETWORK_COLUMNS,
    RECEIVED_COLUMNS,
    SIGNAL_COLUMNS,
    IdentityScore,
    MemberScore,
    ScoreRun,
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


def last_full_run_day(*, before: date) -> date | None:
    """The latest day before ``before`` whose full run completed: the published baseline."""
    return (
        ScoreRun.objects.filter(kind=ScoreRun.Kind.FULL, status=ScoreRun.Status.SUCCEEDED, day__lt=before)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )


def _aligned(
    table: str, subject: str, day: date, ids: np.ndarray, columns: list[str]
) -> dict[str, np.ndarray]:
    """Float columns of ``table`` on ``day`` for the sorted ``ids`` (NaN where there is no snapshot)."""
    select = ", ".join(
        [f"CAST({subject}_id AS BIGINT)", *(f"CAST({c} AS DOUBLE PRECISION)" for c in columns)]
    )
    where, params = "day = %s", [connection.ops.adapt_datefield_value(day)]
    if connection.vendor == "postgresql" and ids.size <= _FEW:
        # An incremental run's few thousand rows through the (subject, day) index, rather
        # than the whole day's million.
        where += f" AND {subject}_id = ANY(%s)"
        params.append(ids.tolist())
    found = fetch_columns(
        f"SELECT {select} FROM {table} WHERE {where}",  # noqa: S608 (names are this module's own)
        params,
        [("id", "int8"), *[(name, "float8") for name in columns]],
    )
    return aligned(ids, found, columns)


def _published(*, table: str, subject: str, ids: np.ndarray, unsmoothed: np.ndarray, day: date) -> np.ndarray:
    """Today's published scores: at most a bounded move from the last full run's."""
    previous_day = last_full_run_day(before=day)
    if previous_day is None:
        return unsmoothed
    previous = _aligned(table, subject, previous_day, ids, ["score"])["score"]
    return smooth_scores(previous=previous, current=unsmoothed, days_elapsed=(day - previous_day).days)


def _run(kind: str, day: date, body: Callable[[ScoreRun, _Stopwatch], None]) -> ScoreRun:
    """Record a run, time it, and mark it failed (keeping every earlier score) if ``body`` raises."""
    run = ScoreRun.objects.create(kind=kind, day=day, model_version=MODEL_VERSION)
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
) -> None:
    """Engine, member folding, smoothing and one transaction of writes.

    ``keep`` marks the rows whose results are complete (all of them in a full run, which
    replaces the day's identity snapshots wholesale; the identities around a change in an
    incremental one, which are upserted). With ``fill_only``, snapshots that already exist
    for the day are left as they are.
    """
    whole_day = keep is None
    result = score_identities(
        features=extracted.features, edges=extracted.edges, now=extracted.now, frozen=frozen
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
    )
    is_member = member_ids > 0
    watch.lap("combine")

    if fill_only:
        existing = IdentityScore.objects.filter(
            day=day, identity_id__in=extracted.identity_ids[keep].tolist()
        )
        keep = keep & ~np.isin(extracted.identity_ids, list(existing.values_list("identity_id", flat=True)))
        members = MemberScore.objects.filter(day=day, member_id__in=member_ids[is_member].tolist())
        is_member = is_member & ~np.isin(member_ids, list(members.values_list("member_id", flat=True)))
    identity_rows = _identity_frame(
        ids=extracted.identity_ids[keep], result=_rows_of(result, keep), day=day, now=now
    )
    member_rows = _member_frame(
        member_ids=member_ids[is_member], people=people, keep=is_member, day=day, now=now
    )
    watch.lap("prepare")
    with transaction.atomic():
        scores_write_lock()
        written = (
            (IdentityScore._meta.db_table, "identity_id", identity_rows, Identity.objects.all()),
            (MemberScore._meta.db_table, "member_id", member_rows, Member.objects.filter(opted_out_at=None)),
        )
        for table, subject, rows, live in written:
            if whole_day:
                replace_frame(table=table, match={"day": day}, frame=rows)
            else:
                upsert_frame(table=table, key=(subject, "day"), frame=rows)
            _orphans_delete(table=table, subject=subject, live=live, day=day, ids=rows.arrays[subject])
        watch.lap("write")
        run.status = ScoreRun.Status.SUCCEEDED
        run.identities = len(identity_rows)
        run.members = len(member_rows)
        run.edges = len(extracted.edges)
        run.timings = watch.timings
        run.finished_at = timezone.now()
        run.save()


def _orphans_delete(*, table: str, subject: str, live: QuerySet, day: date, ids: np.ndarray) -> None:
    """Drop the day's snapshots of subjects deleted or opted out after this run read them.

    Purges and score writes are serialised by ``scores_write_lock``, so a purge that finished
    while the run computed is the only way such rows appear. ``live`` holds the subjects that
    may have scores; their ids are read as one column and matched in numpy (an anti-join of
    a million snapshots in the database took seconds), or looked up when they are few.
    """
    if not ids.size:
        return
    sql, params = live.values_list("pk").query.sql_with_params()
    if ids.size > _FEW:
        present = fetch_columns(sql, params, [("id", "int8")])["id"]
    elif connection.vendor == "postgresql":
        # One array parameter: an IN list of thousands of placeholders costs Django more to
        # build than the database to answer.
        present = fetch_columns(
            f"SELECT * FROM ({sql}) live WHERE live.pk = ANY(%s)",  # noqa: S608 (the ORM's own SQL)
            [*params, ids.tolist()],
            [("id", "int8")],
        )["id"]
    else:
        found: list[int] = []
        for chunk in np.array_split(ids, -(-ids.size // 5000)):
            found += live.filter(pk__in=chunk.tolist()).values_list("pk", flat=True)
        present = np.asarray(found, dtype=np.int64)
    gone = ids[~np.isin(ids, present)]
    if gone.size:
        with connection.cursor() as cursor:
            for chunk in np.array_split(gone, -(-gone.size // 5000)):
                marks = ", ".join(["%s"] * chunk.size)
                cursor.execute(
                    f"DELETE FROM {table} WHERE day = %s AND {subject} IN ({marks})",  # noqa: S608
                    [connection.ops.adapt_datefield_value(day), *chunk.tolist()],
                )


# Up to this many subjects are looked up by id; more, and every id of the table is read.
_FEW = 200_000


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
    )


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

    def body(run: ScoreRun, watch: _Stopwatch) -> None:
        extracted = features_extract(now=now)
        watch.lap("extract")
        _score_and_store(run=run, watch=watch, extracted=extracted, day=day, now=now)

    return _run(ScoreRun.Kind.FULL, day, body)


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


def _identity_frame(*, ids, result: EngineResult, day: date, now: datetime) -> Frame:
    published = _published(
        table=IdentityScore._meta.db_table, subject="identity", ids=ids, unsmoothed=result.score, day=day
    )
    points = score_points(raw=result.raw, score=result.score, contributions=result.contributions)
    frame = Frame(
        arrays={
            "identity_id": np.asarray(ids, dtype=np.int64),
            "score": np.round(published, 3),
            "unsmoothed": np.round(result.score, 3),
            "raw": np.asarray(result.raw, dtype=np.float64),
            "distinct_actors": np.asarray(result.distinct_actors, dtype=np.int64),
            "authority_rank": np.asarray(result.authority_rank, dtype=np.float64),
            "inflow": np.asarray(result.inflow, dtype=np.float64),
            "targets": np.asarray(result.targets, dtype=np.int64),
            "self_reported": _reported_points(result.self_reported, result.raw, result.score),
        },
        constants={"day": day, "model_version": MODEL_VERSION, "computed_at": now},
    )
    _add_points(frame, points)
    for k, column in enumerate(RECEIVED_COLUMNS[kind] for kind in KINDS):
        frame.arrays[column] = np.asarray(result.received[:, k], dtype=np.int64)
    return frame


def _member_frame(*, member_ids, people, keep, day: date, now: datetime) -> Frame:
    score, raw = people.score[keep], people.raw[keep]
    published = _published(
        table=MemberScore._meta.db_table, subject="member", ids=member_ids, unsmoothed=score, day=day
    )
    points = score_points(
        raw=raw, score=score, contributions={n: people.contributions[n][keep] for n in SIGNALS}
    )
    scale = np.divide(score, raw, out=np.zeros_like(raw), where=raw > 0)
    network_points = people.network_raw[keep] * scale[:, None]
    frame = Frame(
        arrays={
            "member_id": np.asarray(member_ids, dtype=np.int64),
            "score": np.round(published, 3),
            "unsmoothed": np.round(score, 3),
            "raw": np.asarray(raw, dtype=np.float64),
            "self_reported": _reported_points(people.self_reported[keep], raw, score),
        },
        constants={"day": day, "model_version": MODEL_VERSION, "computed_at": now},
    )
    _add_points(frame, points)
    for k, column in enumerate(NETWORK_COLUMNS[name] for name in NETWORKS):
        frame.arrays[column] = np.round(network_points[:, k], 2)
    return frame


def _reported_points(reported: np.ndarray, raw: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Score points resting on self-reported data: its share of raw influence, of the score."""
    share = np.divide(reported, raw, out=np.zeros_like(raw, dtype=np.float64), where=raw > 0)
    return np.round(np.clip(share, 0.0, 1.0) * score, 2)


def _add_points(frame: Frame, points: dict[str, np.ndarray]) -> None:
    for name, column in SIGNAL_COLUMNS.items():
        # Rounded as they are shown; a row's points still add up to its score within 0.05.
        frame.arrays[column] = np.round(np.nan_to_num(points[name]), 2)


def score_runs_recover(*, before: datetime) -> int:
    """Mark failed the runs still "running" that started before ``before``: their worker stopped.

    Nothing needs redoing: a failed run changed no score, and the next run covers its work.
    """
    return ScoreRun.objects.filter(status=ScoreRun.Status.RUNNING, started_at__lt=before).update(
        status=ScoreRun.Status.FAILED,
        finished_at=timezone.now(),
        error="The run was interrupted (its worker stopped); the next run covers its work.",
    )
