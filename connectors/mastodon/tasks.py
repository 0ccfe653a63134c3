"""Celery tasks for Mastodon: take ids, call the sync service, retry a bounded number of times."""

from __future__ import annotations

import logging

from celery import shared_task

from connectors.mastodon.selectors import mastodon_accounts_to_sync
from connectors.mastodon.sync import mastodon_account_sync

log = logging.getLogger(__name__)

MAX_RETRIES = 3
# A retry never waits longer than this, whatever the server's rate-limit window says: the
# hourly fan-out picks the account up again anyway.
MAX_COUNTDOWN = 3600


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def mastodon_account_sync_task(self, account_id: int) -> dict:
    outcome = mastodon_account_sync(account_id=account_id)
    if outcome.run is None:
        return {"account_id": account_id, "skipped": "not active, or another sync holds it"}
    if outcome.retry_after is not None and self.request.retries < MAX_RETRIES:
        raise self.retry(countdown=min(outcome.retry_after, MAX_COUNTDOWN))
    return {"account_id": account_id, "run_id": outcome.run.pk, "status": outcome.run.status}


@shared_task
def mastodon_accounts_sync_all() -> int:
    """Queue one sync per active Mastodon account; run by beat every hour."""
    ids = list(mastodon_accounts_to_sync().values_list("pk", flat=True))
    for account_id in ids:
        mastodon_account_sync_task.delay(account_id)
    log.info("queued %d Mastodon account syncs", len(ids))
    return len(ids)
