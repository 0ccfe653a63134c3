"""Moving whole columns between the database and numpy without a Python object per row.

On PostgreSQL a query's rows come back packed by the server into a few large binary values
that numpy reads as fixed-width records; snapshots go in with ``COPY ... FROM STDIN (FORMAT
BINARY)``, laid out by numpy, straight into their table or through a temporary one and an
``INSERT ... ON CONFLICT``. On SQLite (the embedded default, small data) the same functions fall
back to plain cursor calls.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
from django.db import connection

# PostgreSQL's binary forms (big-endian); a timestamptz is an int64 of microseconds since 2000.
_PG_TYPES = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "epoch": ">i8"}
_NUMPY_TYPES = {
    "int2": np.int16,
    "int4": np.int32,
    "int8": np.int64,
    "float8": np.float64,
    "epoch": np.float64,
}
_CHUNK = 64 * 1024 * 1024


def fetch_columns(
    sql: str, params: Sequence, columns: Sequence[tuple[str, str]], *, order_by: str | None = None
) -> dict[str, np.ndarray]:
    """Run ``sql`` and return one numpy array per column.

    ``columns`` names each selected column and its type: int2/int4/int8/float8, which the query
    must cast to exactly, or ``epoch`` for a point in time, which comes back as float seconds
    since 1970 (on PostgreSQL select the timestamptz column itself, which travels as it is
    stored; elsewhere select the seconds, see ``scoring.features.time_column``). No NULLs (COALESCE
    them). The first column must be an integer.

    Rows come back in no particular order unless ``order_by`` names a column to sort them by:
    PostgreSQL packs them into a few large values in groups (below).
    """
    if connection.vendor == "postgresql":
        out = _fetch_postgres(sql, params, columns)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        out = {}
        for position, (name, kind) in enumerate(columns):
            out[name] = np.fromiter(
                (row[position] for row in rows), dtype=_NUMPY_TYPES[kind], count=len(rows)
            )
    if order_by is not None:
        order = np.argsort(out[order_by], kind="stable")
        out = {name: values[order] for name, values in out.items()}
    return out


# Rows are packed into this many values, by the first column's remainder: each stays far below
# PostgreSQL's 1 GB limit on one value (64 GB of rows in all).
_PACKS = 64
_SEND = {
    "int2": "int2send",
    "int4": "int4send",
    "int8": "int8send",
    "float8": "float8send",
    "epoch": "timestamptz_send",
}


def _fetch_postgres(sql, params, columns) -> dict[str, np.ndarray]:
    """The rows of ``sql`` as fixed-width binary records, packed by the server.

    Streamed row by row, ten million rows cost the client ten million COPY messages and about
    a second per million in Python alone. Instead the server concatenates each row's binary
    form (``int8send`` and so on; a timestamptz's is its int64 of microseconds since 2000) into
    a few large ``bytea`` values, one per COPY row, and numpy reads each as an array of records.
    """
    names = [f"c{k}" for k in range(len(columns))]
    sent = " || ".join(f"{_SEND[kind]}(q.{name})" for name, (_, kind) in zip(names, columns, strict=True))
    packed_sql = (
        f"SELECT string_agg({sent}, ''::bytea) FROM ({sql}) AS q({', '.join(names)}) "  # noqa: S608
        f"GROUP BY mod(q.c0, {_PACKS})"
    )
    record = np.dtype([(name, _PG_TYPES[kind]) for name, kind in columns])
    parts: list[np.ndarray] = []
    pending, header = b"", True
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        query = raw.mogrify(packed_sql, params) if params else packed_sql
        with raw.copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)") as copy:
            for block in copy:
                pending = pending + bytes(block) if pending else bytes(block)
                pending, header = _packed_rows(pending, header, record, parts)
    if pending or header:
        raise ValueError("the packed rows ended before their end marker")
    total = sum(part.shape[0] for part in parts)
    out = {name: np.empty(total, dtype=_NUMPY_TYPES[kind]) for name, kind in columns}
    position = 0
    for part in parts:
        for name in out:
            out[name][position : position + part.shape[0]] = part[name]  # byte-swaps as it copies
        position += part.shape[0]
    for name, kind in columns:
        if kind == "epoch":
            out[name] = out[name] / 1e6 + _PG_EPOCH.timestamp()
    return out


# Binary COPY: an 11-byte signature, 4 bytes of flags and 4 of header-extension length; each
# row an int16 field count (here 1) and each field an int32 length; an int16 -1 at the end.
_PG_HEADER = 19


def _packed_rows(data: bytes, header: bool, record: np.dtype, parts: list[np.ndarray]) -> tuple[bytes, bool]:
    """Decode the whole COPY rows at the start of ``data`` into ``parts``; return the rest."""
    position = 0
    if header:
        if len(data) < _PG_HEADER:
            return data, True
        position = _PG_HEADER
    while len(data) - position >= 2:
        if int.from_bytes(data[position : position + 2], "big", signed=True) == -1:
            return data[position + 2 :], False  # the end marker: nothing may follow
        if len(data) - position < 6:
            break
        length = int.from_bytes(data[position + 2 : position + 6], "big", signed=True)
        if length < 0 or length % record.itemsize:
            raise ValueError("packed rows are not whole records: a column is not of its stated type")
        if len(data) - position < 6 + length:
            break
        parts.append(np.frombuffer(data, dtype=record, count=length // record.itemsize, offset=position + 6))
        position += 6 + length
    return data[position:], False


def upsert_rows(
    *, table: str, columns: Sequence[str], key: Sequence[str], rows: Sequence[tuple] | np.ndarray
) -> None:
    """Insert ``rows`` into ``table``, replacing the rows that share ``key`` (plain inserts without one).

    The portable path, one multi-row statement per batch of parameters; large writes on
    PostgreSQL go through ``upsert_frame`` instead.
    """
    if not len(rows):
        return
    column_list = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in key)
    placeholders = ", ".join(["%s"] * len(columns))
    conflict = f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}" if key else ""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({column_list}) VALUES ({placeholders}){conflict}",
            [tuple(row) for row in rows],
        )


@dataclass
class Frame:
    """Rows to upsert, held as columns: no Python object per row.

    ``arrays``: column -> one number per row (integer or float numpy arrays).
    ``constants``: column -> one value shared by every row (bound once).
    """

    arrays: dict[str, np.ndarray]
    constants: dict[str, object] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.arrays.values()))) if self.arrays else 0

    @property
    def columns(self) -> list[str]:
        return [*self.arrays, *self.constants]


def upsert_frame(*, table: str, key: Sequence[str], frame: Frame) -> None:
    """``upsert_rows`` for a Frame. On PostgreSQL the staging COPY is one binary buffer built by
    numpy; elsewhere (SQLite, small data) the rows are made in Python."""
    if not len(frame):
        return
    if connection.vendor != "postgresql":
        upsert_rows(table=table, columns=frame.columns, key=key, rows=_frame_rows(frame))
        return
    staged: dict[str, np.ndarray] = dict(frame.arrays)
    kinds = {
        name: "int8" if np.issubdtype(np.asarray(v).dtype, np.integer) else "float8"
        for name, v in staged.items()
    }
    temp = f"tmp_frame_{table}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        definition = ", ".join(
            f"{name} {'bigint' if kind == 'int8' else 'double precision'}" for name, kind in kinds.items()
        )
        cursor.execute(f"CREATE TEMP TABLE {temp} ({definition}) ON COMMIT DROP")
        fields = [(name, _PG_TYPES[kinds[name]], values) for name, values in staged.items()]
        _copy_in(cursor, temp, list(staged), _binary_records(fields, rows=len(frame)))

        selected = [*frame.arrays, *(["%s"] * len(frame.constants))]
        columns = frame.columns
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in key)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selected)} FROM {temp} "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}",
            list(frame.constants.values()),
        )


def replace_frame(*, table: str, match: dict[str, object], frame: Frame) -> None:
    """Replace the rows of ``table`` that equal ``match`` (say, one day's) with ``frame``.

    For a whole day's snapshots: no conflict is possible once the day is emptied, so on
    PostgreSQL the rows go straight into the table in one binary COPY (no staging table, no
    ``ON CONFLICT``), each row's bytes laid out by numpy from the columns and the constants.
    Call inside a transaction: the deletion and the new rows become visible together.
    """
    where = " AND ".join(f"{column} = %s" for column in match)
    values = [_adapted(v) for v in match.values()]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", values)  # noqa: S608 (names are the caller's own)
        if not len(frame):
            return
        if connection.vendor != "postgresql":
            upsert_rows(table=table, columns=frame.columns, key=(), rows=_frame_rows(frame))
            return
        types = _column_types(cursor, table, frame.columns)
        fields: list[tuple[str, str, object]] = [
            (name, _PG_TYPES[types[name]], values) for name, values in frame.arrays.items()
        ]
        for name, value in frame.constants.items():
            encoded = _constant_bytes(value, types[name])
            fields.append((name, f"S{len(encoded)}", encoded))
        _copy_in(cursor, table, frame.columns, _binary_records(fields, rows=len(frame)))


def _copy_in(cursor, table: str, columns: Sequence[str], payload: bytes) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        view = memoryview(payload)
        for offset in range(0, len(view), _CHUNK):
            copy.write(view[offset : offset + _CHUNK])


# PostgreSQL's names for the types replace_frame can send, and the short names used above.
_PG_TYPE_NAMES = {
    "smallint": "int2",
    "integer": "int4",
    "bigint": "int8",
    "double precision": "float8",
    "date": "date",
    "timestamp with time zone": "timestamptz",
}


def _column_types(cursor, table: str, columns: Sequence[str]) -> dict[str, str]:
    cursor.execute(
        "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [table],
    )
    found = {name: _PG_TYPE_NAMES.get(kind, kind) for name, kind in cursor.fetchall()}
    return {column: found[column] for column in columns}


_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _constant_bytes(value: object, kind: str) -> bytes:
    """One value in PostgreSQL's binary format for a column of type ``kind``."""
    if kind == "date" and isinstance(value, date):
        return (value - _PG_EPOCH.date()).days.to_bytes(4, "big", signed=True)
    if kind == "timestamptz" and isinstance(value, datetime) and value.tzinfo is not None:
        delta = value - _PG_EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return micros.to_bytes(8, "big", signed=True)
    if kind in ("character varying", "text") and isinstance(value, str):
        return value.encode()
    if kind in ("int2", "int4", "int8") and isinstance(value, int):
        return value.to_bytes(int(_PG_TYPES[kind][-1]), "big", signed=True)
    if kind == "float8" and isinstance(value, float):
        return struct.pack(">d", value)
    raise TypeError(f"cannot send {value!r} to a {kind} column")


def _binary_records(fields: list[tuple[str, str, object]], *, rows: int) -> bytes:
    """Binary COPY data: per field, a numpy type and either one value per row or a constant's bytes."""
    layout = [("__fields", ">i2")]
    for name, kind, _ in fields:
        layout += [(f"{name}__len", ">i4"), (name, kind)]
    records = np.empty(rows, dtype=np.dtype(layout))
    records["__fields"] = len(fields)
    for name, kind, values in fields:
        records[f"{name}__len"] = np.dtype(kind).itemsize
        records[name] = values
    return _COPY_SIGNATURE + records.tobytes() + (-1).to_bytes(2, "big", signed=True)


def _adapted(value: object) -> object:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")


def _frame_rows(frame: Frame) -> list[tuple]:
    constants = [_adapted(v) for v in frame.constants.values()]
    n = len(frame)
    columns: list[list] = [np.asarray(values).tolist() for values in frame.arrays.values()]
    columns += [[value] * n for value in constants]
    return list(zip(*columns, strict=True))
