"""Background jobs of the connectors app: thin wrappers that load ids and call a service."""

from __future__ import annotations

from celery import shared_task

from connectors import runs


@shared_task(acks_late=True)
def import_run_task(run_id: int) -> None:
    # Not retried: a refused file fails the same way again, and an unexpected error is
    # recorded on the run for the member and the operator to see.
    runs.import_run_execute(run_id=run_id)
