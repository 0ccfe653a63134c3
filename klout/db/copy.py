"""Loading rows into temporary tables, hiding the difference between PostgreSQL and SQLite.

On PostgreSQL rows go by COPY, as one text buffer where they need no escaping (several times
cheaper than a row at a time) or row by row otherwise; on SQLite (the embedded default, small
data) by executemany. The caller holds the cursor and the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection


def copy_text_or_none(lines: list[str], columns: int) -> str | None:
    """The lines joined, if they can go to COPY's text format unescaped; otherwise None.

    Only free-text values can hold a tab, newline, carriage return or backslash that the
    format would misread. Each line is known to hold ``columns - 1`` tabs and one newline of
    its own, so any other one shows in the counts.
    """
    data = "".join(lines)
    if (
        data.count("\t") != (columns - 1) * len(lines)
        or data.count("\n") != len(lines)
        or "\\" in data
        or "\r" in data
    ):
        return None
    return data


class TempLoader:
    """Loads rows into a temporary table and runs statements, hiding backend differences."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.postgres = connection.vendor == "postgresql"
        self.distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"

    def dt(self, value: datetime):
        # SQLite stores naive UTC text; let Django do the same conversion as the ORM does.
        return value if self.postgres else connection.ops.adapt_datetimefield_value(value)

    def temp_table(self, name: str, columns: str) -> None:
        # Dropped first as well as at the end: when the caller holds an outer transaction
        # (a whole archive imported atomically), ON COMMIT DROP fires only at its end.
        if self.postgres:
            # One round trip: two statements in one string (no parameters).
            self.cursor.execute(
                f"DROP TABLE IF EXISTS pg_temp.{name}; CREATE TEMP TABLE {name} ({columns}) ON COMMIT DROP"
            )
        else:
            self.cursor.execute(f"DROP TABLE IF EXISTS temp.{name}")
            self.cursor.execute(f"CREATE TEMP TABLE {name} ({columns})")

    def load(
        self, name: str, column_names: Sequence[str], rows: Iterable[tuple], *, analyze: bool = True
    ) -> None:
        cols = ", ".join(column_names)
        if self.postgres:
            with self.cursor.cursor.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if analyze:
                # Temporary tables are never auto-analyzed; without statistics the planner
                # misjudges the joins of the post upsert. (The identity and interaction
                # statements need none: see _store_identities.)
                self.cursor.execute(f"ANALYZE {name}")
        else:
            marks = ", ".join(["%s"] * len(column_names))
            self.cursor.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", list(rows))  # noqa: S608

    def load_text(self, name: str, column_names: Sequence[str], lines: list[str], rows) -> None:
        """Load rows given as COPY text lines, one string per row, with ``rows`` as the fallback.

        Assembling the lines with one f-string each and sending them as one buffer is several
        times cheaper than ``write_row`` per row. When the text would need escaping (see
        ``copy_text_or_none``) the rows go through ``load`` instead, which escapes them. On SQLite
        ``rows`` is loaded as is. ``rows`` is a callable so that it costs nothing on the fast
        path.
        """
        data = copy_text_or_none(lines, len(column_names)) if self.postgres else None
        if data is None:
            self.load(name, column_names, rows(), analyze=False)
        else:
            self.copy_text(name, column_names, data)

    def copy_text(self, name: str, column_names: Sequence[str], data: str) -> None:
        """COPY rows already in the text format (PostgreSQL only)."""
        with self.cursor.cursor.copy(f"COPY {name} ({', '.join(column_names)}) FROM STDIN") as copy:
            copy.write(data.encode())

    def drop(self, *names: str) -> None:
        if self.postgres:
            self.cursor.execute(f"DROP TABLE IF EXISTS {', '.join('pg_temp.' + name for name in names)}")
            return
        for name in names:
            self.cursor.execute(f"DROP TABLE IF EXISTS temp.{name}")

    def existing_keys(self, temp: str, table: str) -> set[tuple[str, str]]:
        """Which of the temp table's (network, external_id) keys already exist (SQLite path)."""
        self.cursor.execute(
            f"SELECT t.network, t.external_id FROM {temp} t JOIN {table} r "  # noqa: S608
            "ON r.network = t.network AND r.external_id = t.external_id"
        )
        return {(n, e) for n, e in self.cursor.fetchall()}
