"""Service-wide tasks: email delivery, housekeeping, and the worker health probe."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from klout.mail import email_from_payload

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def email_deliver(self, payload: dict) -> int:
    """Deliver one email; connection errors (OSError, SMTP's included) retry with backoff."""
    return email_from_payload(payload).send()


@shared_task
def ping() -> dict:
    """Answer from the worker: used by the status page to prove a worker is consuming."""
    return {"pong": True, "worker": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task
def sessions_clear() -> None:
    call_command("clearsessions")


@shared_task
def stuck_work_sweep() -> dict[str, int]:
    """Re-queue or fail the imports, exports and runs that a stopped worker or a lost message
    left "queued" or "running": no task outlives its hard time limit, so anything older is stuck."""
    from connectors.runs import sync_runs_recover
    from privacy.exports import data_exports_recover
    from scoring.services import score_runs_recover

    before = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5 * 60)
    runs = sync_runs_recover(before=before)
    exports = data_exports_recover(before=before)
    counts = {
        "runs_requeued": runs["requeued"],
        "runs_failed": runs["failed"],
        "exports_requeued": exports["requeued"],
        "exports_failed": exports["failed"],
        "score_runs_failed": score_runs_recover(before=before),
    }
    if any(counts.values()):
        logger.warning("stuck work recovered: %s", counts)
    return counts
