"""Celery tasks for X: take ids, call the sync service, retry a bounded number of times."""

from __future__ import annotations

from celery import shared_task

from connectors.sync import sync_task_result, sync_tasks_queue
from connectors.twitter.selectors import x_accounts_to_sync
from connectors.twitter.sync import x_account_sync

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def x_account_sync_task(self, account_id: int) -> dict:
    return sync_task_result(self, account_id=account_id, outcome=x_account_sync(account_id=account_id))


@shared_task
def x_accounts_sync_all() -> int:
    """Queue one sync per active X account; run by beat every hour."""
    return sync_tasks_queue(x_account_sync_task, x_accounts_to_sync(), label="X")
