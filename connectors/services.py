"""Connecting an account, the member's control over it (disconnect, "sync now"), and the keys."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Member
from accounts.selectors import OPTED_OUT_MESSAGE, member_may_be_tracked
from connectors import registry
from connectors.changes import changes_nudge, changes_record
from connectors.claims import claim_release
from connectors.crypto import token_undecryptable
from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity
from connectors.records import FETCHED, Batch, external_id_canonical, identity_other_ids
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


# --- connecting an account ---------------------------------------------------------------------------


def account_connect(
    *,
    member: Member,
    batch: Batch,
    access_token: str,
    refresh_token: str = "",
    token_expires_at: datetime | None = None,
    scopes: str = "",
    server: str = "",
) -> ConnectedAccount:
    """Link the account that ``batch`` describes (one identity: the one the member signed in
    as, read from the network) to ``member``, with its tokens; every network's connect.

    Connecting again (after a revocation, or to grant new scopes) replaces the tokens and
    makes the account active, keeping its sync cursor: what was fetched stays fetched.
    """
    if not member_may_be_tracked(member=member):
        raise ValidationError(OPTED_OUT_MESSAGE)
    if len(batch.identities) != 1:
        raise ValidationError("The network did not say which account was signed in; try connecting again.")
    record = batch.identities[0]
    with transaction.atomic():
        # Under the member's lock: an opt-out that committed meanwhile wins over this connection.
        if not Member.objects.select_for_update().filter(pk=member.pk, opted_out_at__isnull=True).exists():
            raise ValidationError(OPTED_OUT_MESSAGE)
        result = ingest_batch(batch=batch, provenance=FETCHED)
        if result.identities.dropped:
            raise ValidationError(
                f"@{record.handle} has opted out of tracking on Klout, so it cannot be connected."
            )
        identity = Identity.objects.select_for_update().get(
            network=record.network,
            external_id=external_id_canonical(network=record.network, external_id=record.external_id),
        )
        if identity.member_id not in (None, member.pk):
            proven = ConnectedAccount.objects.filter(identity=identity, member_id=identity.member_id).exists()
            if proven:
                raise ValidationError(f"@{record.handle} is already connected to another Klout member.")
            # Linked only through an uploaded archive, which proves nothing; signing in on the
            # network does, so the account moves to the person who just signed in as it, and
            # what the claimer uploaded about it goes: it was said in the real owner's name.
            claim_release(member=identity.member, identity_ids=[identity.pk])
            identity.refresh_from_db()
        # The same account stored under its other form (an export names Instagram accounts by
        # username): a claim on it by someone's upload goes too, and it comes to the signer.
        for other in identity_other_ids(network=record.network, handle=identity.handle):
            twin = Identity.objects.filter(network=record.network, external_id=other).first()
            if twin is not None and twin.member_id not in (None, member.pk) and twin.member_claimed:
                claim_release(member=twin.member, identity_ids=[twin.pk])
            Identity.objects.filter(pk=twin.pk if twin else None, member__isnull=True).update(member=member)
        if identity.member_id is None or identity.member_claimed:
            identity.member = member
            identity.member_claimed = False
            identity.save(update_fields=["member", "member_claimed"])
        account, _ = ConnectedAccount.objects.update_or_create(
            member=member,
            identity=identity,
            defaults={
                "network": record.network,
                "status": ConnectedAccount.Status.ACTIVE,
                "access_token": access_token,
                "refresh_token": refresh_token,
                "token_expires_at": token_expires_at,
                "scopes": scopes,
                "server": server,
                "last_error": "",
            },
        )
        # The member's score now covers the account (and a previous claimer's no longer does).
        changes_record(
            identity_ids=[identity.pk, *Identity.objects.filter(member=member).values_list("pk", flat=True)]
        )
        changes_nudge()
    return account


def account_tokens_store(*, account_id: int, tokens) -> None:
    """Keep a refreshed token pair (``connectors.oauth2.Tokens``). X's refresh tokens work once,
    so this runs before anything else can fail."""
    # update() encrypts through the field like save() does.
    changes: dict = {"access_token": tokens.access_token, "token_expires_at": tokens.expires_at}
    # A network may omit a refresh token it did not rotate; the one we hold then stays good.
    if tokens.refresh_token:
        changes["refresh_token"] = tokens.refresh_token
    if tokens.scopes:
        changes["scopes"] = tokens.scopes
    ConnectedAccount.objects.filter(pk=account_id).update(**changes)
