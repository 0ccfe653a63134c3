"""Checks behind the status page: the database, the broker, and (on request) a worker."""

from __future__ import annotations

import time

from django.db import connection

from klout.celery import app


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "detail": connection.vendor}
    except Exception as exc:  # any driver error means "down" here
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}


def check_broker() -> dict:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return {"ok": True, "detail": f"{conn.transport_cls} broker reachable"}
    except Exception as exc:  # kombu raises transport-specific types
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}


def check_worker(timeout: float = 10.0) -> dict:
    """Send the ping task and wait for a worker to answer it."""
    from klout.tasks import ping

    started = time.monotonic()
    try:
        result = ping.delay().get(timeout=timeout)
    except Exception as exc:  # a timeout or a broker error: no worker answered
        return {"ok": False, "detail": f"no answer within {timeout:.0f} s ({type(exc).__name__})"}
    elapsed_ms = (time.monotonic() - started) * 1000
    return {"ok": True, "detail": f"worker {result['worker']} answered in {elapsed_ms:.0f} ms"}
