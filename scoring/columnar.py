"""Moving whole columns between the database and numpy without a Python object per row.

On PostgreSQL a query's result is streamed with ``COPY ... TO STDOUT (FORMAT BINARY)`` and
decoded by numpy as fixed-width records; snapshots go back in with ``COPY ... FROM STDIN`` into
a temporary table and one ``INSERT ... ON CONFLICT``. On SQLite (the embedded default, small
data) the same functions fall back to plain cursor calls.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    parts: list[np.ndarray] = []
    pending = bytearray()
    header_skipped = False
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        query = raw.mogrify(sql, params) if params else sql
        with raw.copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)") as copy:
            for block in copy:
                pending += block
                if not header_skipped:
                    if len(pending) < _PG_HEADER:
                        continue
                    del pending[:_PG_HEADER]
                    header_skipped = True
                if len(pending) >= _CHUNK:
                    whole = len(pending) // row_dtype.itemsize
                    parts.append(np.frombuffer(bytes(pending[: whole * row_dtype.itemsize]), dtype=row_dtype))
                    del pending[: whole * row_dtype.itemsize]
    body = bytes(pending[:-_PG_TRAILER]) if header_skipped else b""
    if len(body) % row_dtype.itemsize:
        raise ValueError("binary COPY rows are not fixed-width: a column was NULL or of another type")
    parts.append(np.frombuffer(body, dtype=row_dtype))
    records = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return {name: records[name].astype(_NUMPY_TYPES[kind]) for name, kind in columns}


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
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS "
                f"SELECT {column_list} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {temp}")
            with cursor.cursor.copy(f"COPY {temp} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {temp} {conflict}")
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({column_list}) VALUES ({placeholders}) {conflict}", rows
            )
