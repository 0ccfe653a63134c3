"""The member's control over a connected account (disconnect, "sync now"), and the keys."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from connectors import registry
from connectors.crypto import token_undecryptable
from connectors.models import ConnectedAccount
from klout.queue import QUEUE_DOWN_MESSAGE, enqueue_named

# --- keys ------------------------------------------------------------------------------------------


def tokens_reencrypt() -> tuple[int, int]:
    """Write every stored token again, which encrypts it with the first configured key.

    Returns how many accounts were rewritten, and how many hold a token no key opens (left as
    they are). One account at a time, locked, so that a token refreshed by a sync meanwhile is
    not overwritten with the one read before.
    """
    done = unreadable = 0
    for pk in ConnectedAccount.objects.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            account = ConnectedAccount.objects.select_for_update().filter(pk=pk).first()
            if account is None:
                continue
            if token_undecryptable(account.access_token) or token_undecryptable(account.refresh_token):
                unreadable += 1
                continue
            account.save(update_fields=["access_token", "refresh_token"])
            done += 1
    return done, unreadable


# --- the member's control over a connected account ------------------------------------------------

SYNC_NOW_INTERVAL = timedelta(minutes=5)


def account_disconnect(*, account: ConnectedAccount) -> None:
    """Stop reading an account: its tokens are erased at once; what was read from it is kept and
    keeps counting. (Deleting that too is the privacy app's: ``privacy.services``.)"""
    with transaction.atomic():
        account = ConnectedAccount.objects.select_for_update().get(pk=account.pk)
        account.access_token = ""
        account.refresh_token = ""
        account.token_expires_at = None
        account.status = ConnectedAccount.Status.DISCONNECTED
        account.cursor = {}
        account.last_error = ""
        fields = ["access_token", "refresh_token", "token_expires_at", "status", "cursor", "last_error"]
        account.save(update_fields=fields)


class SyncRefused(Exception):
    """A "sync now" that cannot be done; the message says why, for the member."""


def account_sync_now(*, account: ConnectedAccount) -> None:
    """Queue a sync of the account now, at most once every few minutes."""
    if account.status != ConnectedAccount.Status.ACTIVE:
        raise SyncRefused("This account is not connected any more; reconnect it first.")
    if account.last_synced_at and timezone.now() - account.last_synced_at < SYNC_NOW_INTERVAL:
        raise SyncRefused("This account was read less than five minutes ago; try again in a few minutes.")
    source = registry.source_for_network(account.network)
    if source is None or source.sync is None:
        raise SyncRefused("This network is read from uploaded files only.")
    # Nothing is written first, so nothing to wait for a commit of.
    if not enqueue_named(source.sync.account_task, account.pk):
        raise SyncRefused(QUEUE_DOWN_MESSAGE)
