"""The X Celery tasks: the hourly fan-out, and bounded retries of one account's sync."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry

from connectors.models import ConnectedAccount, Identity, SyncRun
from connectors.sync import SyncOutcome
from connectors.twitter import tasks
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _account(n: int, *, network: str = "x", status: str = ConnectedAccount.Status.ACTIVE) -> ConnectedAccount:
    identity = Identity.objects.create(network=network, external_id=str(n), handle=f"h{n}")
    return ConnectedAccount.objects.create(
        member=MemberFactory(), identity=identity, network=network, status=status
    )


def test_the_fan_out_queues_every_active_x_account_and_nothing_else(monkeypatch):
    active = [_account(1), _account(2)]
    _account(3, status=ConnectedAccount.Status.REVOKED)
    _account(4, status=ConnectedAccount.Status.DISCONNECTED)
    _account(5, network="mastodon")
    queued = []
    monkeypatch.setattr(tasks.x_account_sync_task, "delay", queued.append)

    assert tasks.x_accounts_sync_all() == 2
    assert sorted(queued) == sorted(a.pk for a in active)


def test_a_sync_stopped_by_a_transient_failure_is_retried_a_bounded_number_of_times(monkeypatch):
    account = _account(1)
    calls = []

    def stopped(*, account_id):
        calls.append(account_id)
        run = SyncRun.objects.create(account=account, source="x_api", status=SyncRun.Status.FAILED)
        return SyncOutcome(run=run, retry_after=5.0)

    monkeypatch.setattr(tasks, "x_account_sync", stopped)

    with pytest.raises(Retry) as retry:
        tasks.x_account_sync_task.delay(account.pk).get()
    assert retry.value.when == 5.0
    # The last allowed attempt gives up instead of retrying: the hourly run comes next.
    result = tasks.x_account_sync_task.apply(args=[account.pk], retries=tasks.MAX_RETRIES).get()
    assert result["status"] == SyncRun.Status.FAILED
    assert len(calls) == 2


def test_a_sync_of_a_claimed_or_inactive_account_is_skipped_quietly(monkeypatch):
    monkeypatch.setattr(tasks, "x_account_sync", lambda *, account_id: SyncOutcome(run=None))

    assert "skipped" in tasks.x_account_sync_task.delay(7).get()
