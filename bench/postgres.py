"""What the PostgreSQL benchmarks share: a database of their own, created when missing."""

from __future__ import annotations


def database_ensure(url: str) -> None:
    """Create the database ``url`` names if it does not exist (connecting to ``postgres``)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')  # name from the operator's own URL
