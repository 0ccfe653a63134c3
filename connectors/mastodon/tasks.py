"""Celery tasks for Mastodon: take ids, call the sync service, retry a bounded number of times."""

from __future__ import annotations

from celery import shared_task

from connectors.mastodon.selectors import mastodon_accounts_to_sync
from connectors.mastodon.sync import mastodon_account_sync
from connectors.sync import sync_task_result, sync_tasks_queue


@shared_task(bind=True, max_retries=3, acks_late=True)
def mastodon_account_sync_task(self, account_id: int) -> dict:
    return sync_task_result(self, account_id=account_id, outcome=mastodon_account_sync(account_id=account_id))


@shared_task
def mastodon_accounts_sync_all() -> int:
    """Queue one sync per active Mastodon account; run by beat every hour."""
    return sync_tasks_queue(mastodon_account_sync_task, mastodon_accounts_to_sync(), label="Mastodon")
