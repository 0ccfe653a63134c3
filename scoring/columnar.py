"""Moving whole columns between the database and numpy without a Python object per row.

On PostgreSQL a query's result is streamed with ``COPY ... TO STDOUT (FORMAT BINARY)`` and
decoded by numpy as fixed-width records; snapshots go back in with ``COPY ... FROM STDIN`` into
a temporary table and one ``INSERT ... ON CONFLICT``. On SQLite (the embedded default, small
data) the same functions fall back to plain cursor calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
from django.db import connection

# PostgreSQL binary COPY: an 11-byte signature, 4 bytes of flags and 4 of header-extension
# length; each row starts with an int16 field count and each field with an int32 length.
_PG_HEADER = 19
_PG_TRAILER = 2
_PG_TYPES = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8"}
_NUMPY_TYPES = {"int2": np.int16, "int4": np.int32, "int8": np.int64, "float8": np.float64}
_CHUNK = 64 * 1024 * 1024


def fetch_columns(sql: str, params: Sequence, columns: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Run ``sql`` and return one numpy array per column.

    ``columns`` names each selected column and its PostgreSQL type (int2/int4/int8/float8);
    the query must cast to exactly these types and must not return NULLs (COALESCE them).
    """
    if connection.vendor == "postgresql":
        return _fetch_postgres(sql, params, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = {}
    for position, (name, kind) in enumerate(columns):
        out[name] = np.fromiter((row[position] for row in rows), dtype=_NUMPY_TYPES[kind], count=len(rows))
    return out


def _fetch_postgres(sql, params, columns) -> dict[str, np.ndarray]:
    row_dtype = np.dtype(
        [("fields", ">i2")]
        + [field for name, kind in columns for field in ((f"{name}_len", ">i4"), (name, _PG_TYPES[kind]))]
    )
    # Blocks are gathered in a list and joined once per chunk: growing one bytearray and
    # slicing it would copy every byte several times, which at 10M rows costs whole seconds.
    parts: list[np.ndarray] = []
    blocks: list[bytes] = []
    buffered = 0
    leftover = b""
    header_skipped = False
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        query = raw.mogrify(sql, params) if params else sql
        with raw.copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)") as copy:
            for block in copy:
                blocks.append(bytes(block))
                buffered += len(block)
                if buffered >= _CHUNK:
                    leftover, header_skipped = _take_rows(
                        leftover, blocks, header_skipped, row_dtype, parts, final=False
                    )
                    blocks, buffered = [], 0
    _take_rows(leftover, blocks, header_skipped, row_dtype, parts, final=True)
    total = sum(part.shape[0] for part in parts)
    out = {name: np.empty(total, dtype=_NUMPY_TYPES[kind]) for name, kind in columns}
    position = 0
    for part in parts:
        for name in out:
            out[name][position : position + part.shape[0]] = part[name]  # byte-swaps as it copies
        position += part.shape[0]
    if total and parts[0]["fields"][0] != len(columns):
        raise ValueError("binary COPY rows do not have the expected number of columns")
    return out


def _take_rows(leftover, blocks, header_skipped, row_dtype, parts, *, final: bool) -> tuple[bytes, bool]:
    """Decode the whole rows among ``leftover`` + ``blocks`` into ``parts``; return the rest."""
    data = leftover + b"".join(blocks)
    begin = 0
    if not header_skipped:
        if len(data) < _PG_HEADER:
            if final and data:
                raise ValueError("binary COPY output ended inside its header")
            return data, False
        begin = _PG_HEADER
    end = len(data) - _PG_TRAILER if final else len(data)
    whole = (end - begin) // row_dtype.itemsize
    stop = begin + whole * row_dtype.itemsize
    if final and stop != end:
        raise ValueError("binary COPY rows are not fixed-width: a column was NULL or of another type")
    if whole:
        parts.append(np.frombuffer(data, dtype=row_dtype, count=whole, offset=begin))
    return data[stop:], True


def upsert_rows(
    *, table: str, columns: Sequence[str], key: Sequence[str], rows: Sequence[tuple] | np.ndarray
) -> None:
    """Insert ``rows`` into ``table``, replacing the rows that share ``key``; set-based."""
    if not len(rows):
        return
    column_list = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in key)
    conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temp = f"tmp_{table}"
            # JSON columns travel as text and are parsed once, by the INSERT below.
            cursor.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [table],
            )
            declared = dict(cursor.fetchall())
            staged = ", ".join(
                f"{c}::text AS {c}" if declared.get(c) in ("json", "jsonb") else c for c in columns
            )
            selected = ", ".join(
                f"{c}::{declared[c]}" if declared.get(c) in ("json", "jsonb") else c for c in columns
            )
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS "
                f"SELECT {staged} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {temp}")
            _copy_rows(cursor.cursor, temp, column_list, rows)
            cursor.execute(f"INSERT INTO {table} ({column_list}) SELECT {selected} FROM {temp} {conflict}")
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({column_list}) VALUES ({placeholders}) {conflict}", rows
            )


# Python types that psycopg's binary dumper for each PostgreSQL type takes as they are.
_BINARY_OK = {
    "int2": (int,),
    "int4": (int,),
    "int8": (int,),
    "float4": (float, int),
    "float8": (float, int),
    "text": (str,),
    "varchar": (str,),
    "bool": (bool,),
    "date": (date,),
    "timestamptz": (datetime,),
    "timestamp": (datetime,),
}


def _copy_rows(cursor, temp: str, column_list: str, rows) -> None:
    """COPY ``rows`` into ``temp``: binary when every column's values are of a type it takes
    as is, text through ``write_row`` otherwise.

    Binary saves most of the cost: a million ten-column rows take about 20 s to format as text
    here and about 5 s in binary. JSON columns of ``temp`` are text (see ``upsert_rows``), since
    psycopg's binary jsonb dumper would encode a str as a JSON string rather than pass it on.
    """
    if isinstance(rows, np.ndarray):
        rows = rows.tolist()
    cursor.execute(f"SELECT {column_list} FROM {temp} LIMIT 0")
    types = [cursor.connection.adapters.types.get(column.type_code) for column in cursor.description or []]
    names = [t.name if t is not None else "" for t in types]
    first = rows[0]
    binary = len(first) == len(names) and all(
        value is None
        or isinstance(value, _BINARY_OK.get(name, ()))
        and not (isinstance(value, bool) and name != "bool")
        for value, name in zip(first, names, strict=False)
    )
    if binary:
        with cursor.copy(f"COPY {temp} ({column_list}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(names)
            for row in rows:
                copy.write_row(row)
    else:
        with cursor.copy(f"COPY {temp} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
