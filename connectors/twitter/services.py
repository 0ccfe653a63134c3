"""Writes for X accounts outside the sync itself: connecting one, storing fresh tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Member
from accounts.selectors import OPTED_OUT_MESSAGE, member_may_be_tracked
from connectors.changes import changes_nudge, changes_record
from connectors.claims import claim_release
from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity
from connectors.records import FETCHED
from connectors.twitter.oauth import Tokens
from connectors.twitter.parser import NETWORK, parse_users_page


def x_account_connect(*, member: Member, tokens: Tokens, profile: dict[str, Any]) -> ConnectedAccount:
    """Link the X account described by ``profile`` (a ``/2/users/me`` page) to ``member``.

    Connecting again (after a revocation, or to grant new scopes) replaces the tokens and
    makes the account active, keeping its sync cursor: what was fetched stays fetched.
    """
    if not member_may_be_tracked(member=member):
        raise ValidationError(OPTED_OUT_MESSAGE)
    batch = parse_users_page(profile)
    if len(batch.identities) != 1 or not isinstance(profile.get("data"), dict):
        raise ValidationError("X did not say which account was signed in; try connecting again.")
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
        identity = Identity.objects.select_for_update().get(network=NETWORK, external_id=record.external_id)
        if identity.member_id not in (None, member.pk):
            proven = ConnectedAccount.objects.filter(identity=identity, member_id=identity.member_id).exists()
            if proven:
                raise ValidationError(f"@{record.handle} is already connected to another Klout member.")
            # Linked only through an uploaded archive, which proves nothing; signing in with X
            # does, so the account moves to the person who just signed in as it, and what the
            # claimer uploaded about it goes: it was said in the real owner's name.
            claim_release(member=identity.member, identity_ids=[identity.pk])
            identity.refresh_from_db()
        if identity.member_id is None or identity.member_claimed:
            identity.member = member
            identity.member_claimed = False
            identity.save(update_fields=["member", "member_claimed"])
        account, _ = ConnectedAccount.objects.update_or_create(
            member=member,
            identity=identity,
            defaults={
                "network": NETWORK,
                "status": ConnectedAccount.Status.ACTIVE,
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "token_expires_at": tokens.expires_at,
                "scopes": tokens.scopes,
                "last_error": "",
            },
        )
        # The member's score now covers the account (and a previous claimer's no longer does).
        changes_record(
            identity_ids=[identity.pk, *Identity.objects.filter(member=member).values_list("pk", flat=True)]
        )
        changes_nudge()
    return account


def x_account_tokens_store(*, account_id: int, tokens: Tokens) -> None:
    """Keep a refreshed token pair. X's refresh tokens work once, so this runs before anything else."""
    # update() encrypts through the field like save() does.
    changes: dict[str, Any] = {"access_token": tokens.access_token, "token_expires_at": tokens.expires_at}
    # X may omit a token it did not rotate; the one we hold then stays good.
    if tokens.refresh_token:
        changes["refresh_token"] = tokens.refresh_token
    if tokens.scopes:
        changes["scopes"] = tokens.scopes
    ConnectedAccount.objects.filter(pk=account_id).update(**changes)
