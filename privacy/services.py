"""Opting out of tracking and deleting an account. Each call writes its own audit row."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import BrandMembership, Member, User
from connectors.changes import changes_nudge, changes_record
from connectors.models import ConnectedAccount, Identity, SyncRun, tombstone_digest
from connectors.records import external_ids_canonical, identity_other_ids
from connectors.selectors import member_identities
from klout.db.locks import scores_write_lock
from privacy.audit import privacy_event_record, subject_digest
from privacy.exports import exports_files_delete_on_commit
from privacy.models import PrivacyEvent
from privacy.purge import (
    PurgeCounts,
    claimed_identities_release,
    identities_purge,
    sync_runs_purge,
    tombstones_write,
)
from scoring.models import MemberScore


def _member_purge(*, member: Member, tombstone: bool) -> PurgeCounts:
    """Delete every row about the member's identities (``member_identities``, the export's too)
    and their own score history.

    An identity linked only by the member's own upload (an archive: a claim, not a proof) is
    treated apart: what the member uploaded about it goes, and the link, but nothing the networks
    say about it and no tombstone, which would erase for good an account the member may not own.
    To stop its tracking for good they prove control of it (the public opt-out).
    """

    def proven() -> set[tuple[int, str, str]]:
        rows = (
            member_identities(member=member)
            .filter(proven=True)
            .values_list("id", "network", "external_id", "handle")
        )
        found = set()
        for pk, network, external_id, handle in rows:
            found.add((pk, network, external_id))
            # Every other id the account may be stored under (Instagram names commenters by
            # username): tombstoned, and the rows stored under it purged with the rest.
            for other in identity_other_ids(network=network, handle=handle):
                stored = Identity.objects.filter(network=network, external_id=other).values_list(
                    "pk", flat=True
                )
                found.add((stored.first() or pk, network, other))
        return found

    counts = PurgeCounts()
    identities = proven()
    if tombstone:
        counts.tombstones = len(tombstones_write(keys=[(n, e) for _, n, e in identities]))
        # Writing the tombstones waits for any ingest in flight (ingest holds the tombstone
        # lock while it stores); one that linked a new identity to the member meanwhile is
        # committed by now, so read again and tombstone what it added.
        added = proven() - identities
        if added:
            counts.tombstones += len(tombstones_write(keys=[(n, e) for _, n, e in added]))
            identities |= added
    identities_purge(identity_ids=list({pk for pk, _, _ in identities}), counts=counts)
    claimed = list(member_identities(member=member).filter(proven=False).values_list("id", flat=True))
    claimed_identities_release(member=member, identity_ids=claimed, counts=counts)
    counts.member_scores += MemberScore.objects.filter(member=member).delete()[0]
    sync_runs_purge(runs=SyncRun.objects.filter(member=member), counts=counts)
    counts.connected_accounts += ConnectedAccount.objects.filter(member=member).delete()[0]
    return counts


def member_opt_out(*, member: Member) -> PurgeCounts:
    """Stop tracking a member for good, in one transaction.

    1. Lock the member, so a concurrent connect or import that checks
       ``member_may_be_tracked`` waits for the answer.
    2. Write a tombstone for each of their identities: from now on ingest drops their
       data wherever it turns up, including inside other people's syncs.
    3. Delete every row about those identities (posts, interactions both ways, scores,
       connected accounts with their tokens, sync runs and stored uploads) and the
       member's own score history, then the identities.
    4. Mark the member opted out and their profile private, and write the audit row.

    Opting out twice is harmless: the second call finds nothing left to delete.
    """
    with transaction.atomic():
        scores_write_lock()
        member = Member.objects.select_for_update().get(pk=member.pk)
        counts = _member_purge(member=member, tombstone=True)
        if member.opted_out_at is None:
            member.opted_out_at = timezone.now()
        member.profile_public = False
        member.save(update_fields=["opted_out_at", "profile_public"])
        privacy_event_record(
            kind=PrivacyEvent.Kind.MEMBER_OPT_OUT,
            digest=subject_digest(kind="member", key=str(member.pk)),
            counts=counts.as_dict(),
        )
    return counts


def identity_opt_out(*, network: str, external_ids: Iterable[str]) -> PurgeCounts:
    """Opt one identity out, member or not, once they proved control of it.

    ``external_ids`` are every id the identity may be stored under (on Mastodon both the
    actor URI and ``user@instance``); each gets a tombstone. The audit row carries the
    tombstone digest of the first, which is what the tombstone table holds anyway.
    """
    external_ids = external_ids_canonical(network=network, external_ids=external_ids)
    if not external_ids:
        raise ValueError("an identity opt-out needs at least one external id")
    with transaction.atomic():
        scores_write_lock()
        digests = tombstones_write(keys=[(network, e) for e in external_ids])
        ids = list(
            Identity.objects.filter(network=network, external_id__in=external_ids).values_list(
                "id", flat=True
            )
        )
        counts = identities_purge(identity_ids=ids)
        counts.tombstones = len(digests)
        privacy_event_record(
            kind=PrivacyEvent.Kind.IDENTITY_OPT_OUT,
            digest=tombstone_digest(network=network, external_id=external_ids[0]),
            counts=counts.as_dict(),
        )
    return counts


def account_disconnect_and_delete(*, account: ConnectedAccount) -> PurgeCounts:
    """Stop reading an account and delete everything stored about its identity (posts,
    interactions in both directions, scores), as an opt-out would but without a tombstone: the
    member may connect the account again later. Their score is recomputed without it (the purge
    takes the account row and its tokens with the identity)."""
    with transaction.atomic():
        scores_write_lock()
        account = ConnectedAccount.objects.select_for_update().get(pk=account.pk)
        counts = identities_purge(identity_ids=[account.identity_id])
        changes_record(
            identity_ids=Identity.objects.filter(member=account.member).values_list("pk", flat=True)
        )
        changes_nudge()
    return counts


def account_delete_blockers(*, user: User) -> list[str]:
    """Why the account cannot be deleted yet, in words for the person; empty when it can."""
    owned = BrandMembership.objects.filter(user=user, role=BrandMembership.Role.OWNER).select_related("brand")
    return [
        f"You own the brand “{m.brand.name}”. Transfer it to someone on its team, or delete the brand, "
        "before deleting your account: a brand cannot be left without an owner."
        for m in owned
    ]


def account_delete(*, user: User, opt_out: bool = True) -> PurgeCounts:
    """Delete the account and everything about it.

    The member's identities are purged as in ``member_opt_out``; with ``opt_out`` they
    are tombstoned too, so other members' syncs do not bring them back as bare identities.
    Team memberships, email addresses, API tokens and data exports (with their files) go
    with the user row. A brand owner must hand over or delete the brand first.
    """
    blockers = account_delete_blockers(user=user)
    if blockers:
        raise ValidationError(blockers)
    with transaction.atomic():
        scores_write_lock()
        user = User.objects.select_for_update().get(pk=user.pk)
        member = Member.objects.select_for_update().filter(user=user).first()
        counts = _member_purge(member=member, tombstone=opt_out) if member else PurgeCounts()
        exports_files_delete_on_commit(user=user)
        digest = subject_digest(kind="user", key=str(user.pk))
        user.delete()
        privacy_event_record(kind=PrivacyEvent.Kind.ACCOUNT_DELETE, digest=digest, counts=counts.as_dict())
    return counts
