"""Columns between the database and numpy: the binary COPY decoding and the set-based upsert.

Both run on whichever database the suite is configured with (SQLite by default, PostgreSQL
with DATABASE_URL), since each has its own code path.
"""

from __future__ import annotations

import json
from datetime import UTC, date
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from connectors.models import Identity
from klout.db import columnar
from klout.db.columnar import fetch_columns, upsert_rows
from scoring.features import time_column

pytestmark = pytest.mark.django_db

COLUMNS = [("id", "int8"), ("network", "int2"), ("followers", "int8"), ("ratio", "float8")]


def _identities(count: int) -> list[Identity]:
    return Identity.objects.bulk_create(
        [
            Identity(network=("x", "mastodon")[n % 2], external_id=f"c{n}", followers=n * 1_000_003)
            for n in range(count)
        ]
    )


def _select() -> str:
    if connection.vendor == "postgresql":
        return (
            "SELECT id::int8, (CASE network WHEN 'x' THEN 0 ELSE 1 END)::int2, "
            "COALESCE(followers, 0)::int8, (COALESCE(followers, 0) / 7.0)::float8 "
            "FROM connectors_identity ORDER BY id"
        )
    return (
        "SELECT id, CASE network WHEN 'x' THEN 0 ELSE 1 END, COALESCE(followers, 0), "
        "COALESCE(followers, 0) / 7.0 FROM connectors_identity ORDER BY id"
    )


@pytest.mark.parametrize("packs", [1, 7, 64])
def test_fetch_columns_decodes_every_row_in_order(monkeypatch, packs):
    # On PostgreSQL the rows come packed in groups; any number of groups gives every row once.
    monkeypatch.setattr(columnar, "_PACKS", packs)
    made = _identities(500)
    out = fetch_columns(_select(), [], COLUMNS, order_by="id")
    expected_ids = np.array(sorted(i.pk for i in made), dtype=np.int64)
    assert out["id"].dtype == np.int64 and out["network"].dtype == np.int16
    assert out["followers"].dtype == np.int64 and out["ratio"].dtype == np.float64
    np.testing.assert_array_equal(out["id"], expected_ids)
    by_id = {i.pk: i for i in made}
    np.testing.assert_array_equal(out["followers"], [by_id[i].followers for i in expected_ids])
    np.testing.assert_array_equal(out["network"], [0 if by_id[i].network == "x" else 1 for i in expected_ids])
    np.testing.assert_allclose(out["ratio"], out["followers"] / 7.0)


def test_packed_rows_are_decoded_whatever_the_block_boundaries():
    record = np.dtype([("a", ">i8"), ("b", ">i2")])
    rows = [np.array([(n, -n) for n in range(k, k + 5)], dtype=record) for k in (0, 100, 200)]
    stream = columnar._COPY_SIGNATURE
    for packed in rows:
        stream += (1).to_bytes(2, "big") + packed.nbytes.to_bytes(4, "big") + packed.tobytes()
    stream += (-1).to_bytes(2, "big", signed=True)
    for size in (1, 5, 19, 97, len(stream)):
        parts: list[np.ndarray] = []
        pending, header = b"", True
        for start in range(0, len(stream), size):
            pending, header = columnar._packed_rows(
                pending + stream[start : start + size], header, record, parts
            )
        assert pending == b"" and not header
        assert np.concatenate(parts)["a"].tolist() == [*range(5), *range(100, 105), *range(200, 205)]


def test_fetch_columns_reads_times_as_seconds_since_1970():
    # Whole seconds: SQLite's strftime has no fractions.
    at = timezone.now().replace(microsecond=0)
    Identity.objects.create(network="x", external_id="t", first_seen=at)
    out = fetch_columns(
        f"SELECT id, {time_column('first_seen')} FROM connectors_identity",  # noqa: S608
        [],
        [("id", "int8"), ("at", "epoch")],
    )
    assert out["at"].tolist() == [pytest.approx(at.timestamp(), abs=1e-6)]


def test_fetch_columns_of_an_empty_result_are_empty_arrays_of_the_given_types():
    out = fetch_columns(_select(), [], COLUMNS)
    assert set(out) == {"id", "network", "followers", "ratio"}
    assert all(column.shape == (0,) for column in out.values())
    assert out["ratio"].dtype == np.float64


def test_fetch_columns_takes_parameters():
    _identities(10)
    sql = _select().replace("ORDER BY", "WHERE followers >= %s ORDER BY")
    out = fetch_columns(sql, [5 * 1_000_003], COLUMNS, order_by="id")
    assert out["followers"].tolist() == [n * 1_000_003 for n in range(5, 10)]


@pytest.fixture
def snapshots():
    """A small table of its own with a two-column key, so the test follows no model's changes."""
    json_type = "jsonb" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE test_snapshot (subject_id bigint NOT NULL, day date NOT NULL, "
            f"label varchar(16) NOT NULL, score double precision NOT NULL, signals {json_type} NOT NULL, "
            f"computed_at timestamp with time zone NOT NULL, note text, PRIMARY KEY (subject_id, day))"
        )
    return ("subject_id", "day", "label", "score", "signals", "computed_at")


def _rows(subjects: range, *, score: float, day: date = date(2024, 6, 1)) -> list[tuple]:
    db_day = connection.ops.adapt_datefield_value(day)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return [(s, db_day, "v1", score + s, '{"reach":1.5,"authority":0.25}', now) for s in subjects]


def _stored() -> dict[tuple, tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject_id, day, score, signals FROM test_snapshot")
        return {(row[0], str(row[1])): (row[2], row[3]) for row in cursor.fetchall()}


def test_upsert_rows_inserts_then_replaces_on_the_key(snapshots):
    upsert_rows(
        table="test_snapshot", columns=snapshots, key=("subject_id", "day"), rows=_rows(range(30), score=10.0)
    )
    upsert_rows(
        table="test_snapshot", columns=snapshots, key=("subject_id", "day"), rows=_rows(range(10), score=50.0)
    )
    upsert_rows(
        table="test_snapshot",
        columns=snapshots,
        key=("subject_id", "day"),
        rows=_rows(range(5), score=70.0, day=date(2024, 6, 2)),
    )
    stored = _stored()
    assert len(stored) == 35
    assert stored[(0, "2024-06-01")][0] == 50.0
    assert stored[(9, "2024-06-01")][0] == 59.0
    assert stored[(20, "2024-06-01")][0] == 30.0
    assert stored[(4, "2024-06-02")][0] == 74.0
    signals = stored[(0, "2024-06-01")][1]
    assert (json.loads(signals) if isinstance(signals, str) else signals) == {"reach": 1.5, "authority": 0.25}


def test_upsert_rows_of_nothing_writes_nothing(snapshots):
    upsert_rows(table="test_snapshot", columns=snapshots, key=("subject_id", "day"), rows=[])
    assert _stored() == {}


def test_upsert_rows_keeps_tabs_newlines_backslashes_and_nulls(snapshots):
    columns = (*snapshots, "note")
    notes = ["tab\there", "two\nlines", "back\\slash \\N", None, "\\N", "plain"]
    rows = [(*row, note) for row, note in zip(_rows(range(6), score=1.0), notes, strict=True)]
    upsert_rows(table="test_snapshot", columns=columns, key=("subject_id", "day"), rows=rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM test_snapshot ORDER BY subject_id")
        assert [row[0] for row in cursor.fetchall()] == notes


def test_upsert_rows_takes_values_of_other_types(snapshots):
    # A Decimal score is stored like any number.
    rows = [
        (s, d, label, Decimal("2.5"), signals, at)
        for s, d, label, _, signals, at in _rows(range(3), score=0.0)
    ]
    upsert_rows(table="test_snapshot", columns=snapshots, key=("subject_id", "day"), rows=rows)
    assert [score for score, _ in _stored().values()] == [2.5, 2.5, 2.5]


@pytest.fixture
def day_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE test_day_rows (id integer PRIMARY KEY, day date NOT NULL, "
            "label varchar(16) NOT NULL, score double precision NOT NULL, count integer NOT NULL, "
            "total bigint NOT NULL, computed_at timestamp with time zone NOT NULL)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_day_rows")


def _day_frame(ids, *, day: date, label: str, at) -> columnar.Frame:
    ids = np.asarray(ids, dtype=np.int64)
    return columnar.Frame(
        arrays={
            "id": ids,
            "score": ids / 4.0,
            "count": ids * 3,
            "total": ids * 10_000_000_000,
        },
        constants={"day": day, "label": label, "computed_at": at},
    )


def _day_rows_read():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, day, label, score, count, total, computed_at FROM test_day_rows ORDER BY id"
        )
        rows = cursor.fetchall()
    out = []
    for row in rows:
        row = list(row)
        # SQLite hands dates and times back as text (times naive, in UTC).
        if isinstance(row[1], str):
            row[1] = date.fromisoformat(row[1])
        if isinstance(row[6], str):
            row[6] = parse_datetime(row[6])
        if row[6].tzinfo is None:
            row[6] = row[6].replace(tzinfo=UTC)
        out.append(tuple(row))
    return out


def test_replace_frame_replaces_one_days_rows_and_sends_constants_exactly(day_rows):
    at = timezone.now().replace(microsecond=123456)
    columnar.replace_frame(
        table="test_day_rows",
        match={"day": date(2024, 6, 1)},
        frame=_day_frame([1, 2, 3], day=date(2024, 6, 1), label="old", at=at),
    )
    columnar.replace_frame(
        table="test_day_rows",
        match={"day": date(2024, 6, 2)},
        frame=_day_frame([4, 5], day=date(2024, 6, 2), label="keep", at=at),
    )
    # The day again, with other rows: the day's old rows go, the other day's stay.
    columnar.replace_frame(
        table="test_day_rows",
        match={"day": date(2024, 6, 1)},
        frame=_day_frame([6, 7], day=date(2024, 6, 1), label="new ✓", at=at),
    )
    rows = _day_rows_read()
    assert [row[0] for row in rows] == [4, 5, 6, 7]
    assert rows[2] == (6, date(2024, 6, 1), "new ✓", 1.5, 18, 60_000_000_000, at)
    assert rows[0][1:3] == (date(2024, 6, 2), "keep")


def test_replace_frame_with_no_rows_empties_the_day(day_rows):
    at = timezone.now()
    columnar.replace_frame(
        table="test_day_rows",
        match={"day": date(2024, 6, 1)},
        frame=_day_frame([1, 2], day=date(2024, 6, 1), label="x", at=at),
    )
    columnar.replace_frame(
        table="test_day_rows",
        match={"day": date(2024, 6, 1)},
        frame=_day_frame([], day=date(2024, 6, 1), label="x", at=at),
    )
    assert _day_rows_read() == []
