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


def bench_environment(*, database_url: str, root) -> None:
    """The settings a benchmark runs the project with: production settings (DEBUG off) on its
    own database, with keys that are long enough for the settings' checks and sign nothing that
    outlives the run. Values already in the environment win."""
    import os
    import sys

    sys.path.insert(0, str(root))
    os.environ.setdefault("DATABASE_URL", database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klout.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2)
    os.environ.setdefault("TOKEN_ENCRYPTION_KEY", "bench-only-no-token-is-stored")
    os.environ.setdefault("KLOUT_VAR_DIR", str(root / "var" / "bench"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def bench_django_ready() -> str:
    """Django set up on the benchmark's own PostgreSQL database, created when missing and
    migrated; returns its URL. Exits when DATABASE_URL is not PostgreSQL: these benchmarks
    measure it."""
    import os
    import sys

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark measures PostgreSQL: DATABASE_URL must be postgres://...")
    database_ensure(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url
