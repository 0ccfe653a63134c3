"""Celery tasks for X: take ids, call the sync service, retry a bounded number of times."""

from __future__ import annotations

import logging

from celery import shared_task

from connectors.twitter.selectors import x_accounts_to_sync
from connectors.twitter.sync import x_account_sync

log = logging.getLogger(__name__)

MAX_RETRIES = 3
# A retry never waits longer than this, even if X's rate-limit window says more: the
# hourly fan-out will pick the account up again anyway.
MAX_COUNTDOWN = 3600


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def x_account_sync_task(self, account_id: int) -> dict:
    outcome = x_account_sync(account_id=account_id)
    if outcome.run is None:
        return {"account_id": account_id, "skipped": "not active, or another sync holds it"}
    if outcome.retry_after is not None and self.request.retries < MAX_RETRIES:
        # The run stopped on a transient failure with its cursor saved; try again later.
        raise self.retry(countdown=min(outcome.retry_after, MAX_COUNTDOWN))
    return {"account_id": account_id, "run_id": outcome.run.pk, "status": outcome.run.status}


@shared_task
def x_accounts_sync_all() -> int:
    """Queue one sync per active X account; run by beat every hour."""
    ids = list(x_accounts_to_sync().values_list("pk", flat=True))
    for account_id in ids:
        x_account_sync_task.delay(account_id)
    log.info("queued %d X account syncs", len(ids))
    return len(ids)
