"""Celery tasks for YouTube: take ids, call the sync service, retry a bounded number of times."""

from __future__ import annotations

from celery import shared_task

from connectors.sync import sync_task_result, sync_tasks_queue
from connectors.youtube.selectors import youtube_accounts_to_sync
from connectors.youtube.sync import youtube_account_sync


@shared_task(bind=True, max_retries=3, acks_late=True)
def youtube_account_sync_task(self, account_id: int) -> dict:
    return sync_task_result(self, account_id=account_id, outcome=youtube_account_sync(account_id=account_id))


@shared_task
def youtube_accounts_sync_all() -> int:
    """Queue one sync per YouTube channel that is due; run by beat every hour."""
    return sync_tasks_queue(youtube_account_sync_task, youtube_accounts_to_sync(), label="YouTube")
