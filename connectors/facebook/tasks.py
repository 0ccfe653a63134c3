"""Celery tasks for Facebook: take ids, call the sync service, retry a bounded number of times."""

from __future__ import annotations

from celery import shared_task

from connectors.facebook.selectors import facebook_accounts_to_sync
from connectors.facebook.sync import facebook_account_sync
from connectors.sync import sync_task_result, sync_tasks_queue


@shared_task(bind=True, max_retries=3, acks_late=True)
def facebook_account_sync_task(self, account_id: int) -> dict:
    return sync_task_result(self, account_id=account_id, outcome=facebook_account_sync(account_id=account_id))


@shared_task
def facebook_accounts_sync_all() -> int:
    """Queue one sync per active Facebook account; run by beat every hour."""
    return sync_tasks_queue(facebook_account_sync_task, facebook_accounts_to_sync(), label="Facebook")
