"""The score snapshots' storage: the day's columns read back, the frames a run writes, the writes.

A run reads yesterday's published scores (to smooth against), builds one frame of identity
rows and one of member rows, and writes both in the transaction that holds
``klout.db.locks.scores_write_lock`` (``scoring.services`` holds it). Rows go in as columns
(``klout.db.columnar``): a full run writes a million of them.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from accounts.models import Member
from connectors.models import Identity
from klout.db.columnar import Frame, fetch_columns, replace_frame, upsert_frame
from scoring.engine import MODEL_VERSION, NETWORKS, SIGNALS, EngineResult, score_points, smooth_scores
from scoring.engine.model import KINDS
from scoring.features import aligned
from scoring.models import (
    NETWORK_COLUMNS,
    RECEIVED_COLUMNS,
    SIGNAL_COLUMNS,
    IdentityScore,
    MemberScore,
    ScoreRun,
)

# Up to this many subjects are looked up by id; more, and every id of the table is read.
_FEW = 200_000


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


def identities_scored(*, day: date, ids: np.ndarray) -> np.ndarray:
    """Of ``ids``, the identities that already have a snapshot on ``day``."""
    existing = IdentityScore.objects.filter(day=day, identity_id__in=ids.tolist())
    return np.asarray(list(existing.values_list("identity_id", flat=True)), dtype=np.int64)


def members_scored(*, day: date, ids: np.ndarray) -> np.ndarray:
    """Of ``ids``, the members that already have a snapshot on ``day``."""
    existing = MemberScore.objects.filter(day=day, member_id__in=ids.tolist())
    return np.asarray(list(existing.values_list("member_id", flat=True)), dtype=np.int64)


def identity_frame(*, ids, result: EngineResult, day: date, now: datetime) -> Frame:
    """The day's identity snapshots of ``result``'s rows, smoothed against the last full run."""
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
            "counted_capped": np.round(np.asarray(result.counted_capped, dtype=np.float64)).astype(np.int64),
            "self_reported": _reported_points(result.self_reported, result.raw, result.score),
        },
        constants={"day": day, "model_version": result.model_version, "computed_at": now},
    )
    _add_points(frame, points)
    for k, column in enumerate(RECEIVED_COLUMNS[kind] for kind in KINDS):
        frame.arrays[column] = np.asarray(result.received[:, k], dtype=np.int64)
    return frame


def member_frame(
    *, member_ids, people, keep, day: date, now: datetime, version: str = MODEL_VERSION
) -> Frame:
    """The day's member snapshots of the ``keep`` rows of ``people``, smoothed likewise."""
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
        constants={"day": day, "model_version": version, "computed_at": now},
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


def snapshots_write(*, day: date, identity_rows: Frame, member_rows: Frame, whole_day: bool) -> None:
    """Store the day's identity and member snapshots.

    With ``whole_day`` (a full run) they replace every snapshot of the day; otherwise they are
    upserted over those of the same subjects. Must run inside the transaction that took
    ``scores_write_lock``, so that ``_orphans_delete`` sees every purge that finished.
    """
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
