"""Celery tasks for Instagram: take ids, call the sync service, retry a bounded number of times."""

from __future__ import annotations

from celery import shared_task

from connectors.instagram.selectors import instagram_accounts_to_sync
from connectors.instagram.sync import instagram_account_sync
from connectors.sync import sync_task_result, sync_tasks_queue


@shared_task(bind=True, max_retries=3, acks_late=True)
def instagram_account_sync_task(self, account_id: int) -> dict:
    return sync_task_result(
        self, account_id=account_id, outcome=instagram_account_sync(account_id=account_id)
    )


@shared_task
def instagram_accounts_sync_all() -> int:
    """Queue one sync per active Instagram account; run by beat every hour."""
    return sync_tasks_queue(instagram_account_sync_task, instagram_accounts_to_sync(), label="Instagram")
