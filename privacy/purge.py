"""Deleting every row about a set of identities, and remembering them as tombstones.

The connectors and scoring apps own these tables; the purge deletes through the ORM in
an order that keeps each statement cheap: rows that point at the identities first
(interactions, scores, connected accounts and their sync runs), then the identities'
posts, then the identities themselves. Callers hold the transaction; stored upload files
are deleted only once it has committed, so a rolled-back purge loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q

from connectors.claims import claim_release
from connectors.models import (
    ConnectedAccount,
    Identity,
    Interaction,
    Post,
    SyncRun,
    Tombstone,
    tombstone_digest,
)
from scoring.models import IdentityScore


@dataclass
class PurgeCounts:
    identities: int = 0
    posts: int = 0
    interactions: int = 0
    identity_scores: int = 0
    member_scores: int = 0
    connected_accounts: int = 0
    sync_runs: int = 0
    uploads: int = 0
    tombstones: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def tombstones_write(*, keys: Iterable[tuple[str, str]]) -> list[str]:
    """Remember (network, external_id) pairs as opted out; returns their digests.

    Writing a tombstone that exists already is harmless (opting out twice).
    """
    digests = sorted({tombstone_digest(network=n, external_id=e) for n, e in keys})
    Tombstone.objects.bulk_create([Tombstone(digest=d) for d in digests], ignore_conflicts=True)
    return digests


def uploads_delete_on_commit(*, paths: list[str]) -> None:
    """Delete stored upload files once the purge that dropped their rows has committed."""
    paths = [p for p in paths if p]
    if not paths:
        return

    def delete() -> None:
        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(delete)


def sync_runs_purge(*, runs, counts: PurgeCounts) -> None:
    """Delete sync runs (their stats name accounts and handles) and, after commit, their uploads."""
    uploads = list(runs.exclude(upload_path="").values_list("upload_path", flat=True))
    counts.sync_runs += runs.delete()[0]
    counts.uploads += len(uploads)
    uploads_delete_on_commit(paths=uploads)


def identities_purge(*, identity_ids: list[int], counts: PurgeCounts | None = None) -> PurgeCounts:
    """Delete the identities and every row about them.

    Must run inside a transaction that took ``klout.db.locks.scores_write_lock`` before
    anything else, so that a recompute writing snapshots meanwhile cannot leave one behind.

    Interactions go in both directions (given and received) and also when they concern
    one of the identities' posts, so a like by someone else on an opted-out person's post
    leaves nothing behind that points at them.
    """
    counts = counts or PurgeCounts()
    if not identity_ids:
        return counts
    ids = list(identity_ids)
    if connection.vendor == "postgresql":
        # Wait for the ingest batches in flight and hold off new ones until this commits:
        # interactions point at identities without a database constraint, so a batch that
        # resolved one of these identities before it went could store rows about it after.
        # (Ingest holds this table in SHARE mode; an opt-out's tombstone insert waits the same way.)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Tombstone._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    counts.interactions += Interaction.objects.filter(
        Q(actor_id__in=ids) | Q(target_id__in=ids) | Q(post__author_id__in=ids)
    ).delete()[0]
    counts.identity_scores += IdentityScore.objects.filter(identity_id__in=ids).delete()[0]
    accounts = ConnectedAccount.objects.filter(identity_id__in=ids)
    sync_runs_purge(runs=SyncRun.objects.filter(account__in=accounts), counts=counts)
    # Deleting the row deletes the encrypted tokens with it.
    counts.connected_accounts += accounts.delete()[0]
    # only("id"): a prolific author's posts are many, and the deletion needs their ids only.
    deleted = Post.objects.filter(author_id__in=ids).only("id").delete()[1]
    counts.posts += deleted.get(Post._meta.label, 0)
    deleted = Identity.objects.filter(id__in=ids).delete()[1]
    counts.identities += deleted.get(Identity._meta.label, 0)
    return counts


def claimed_identities_release(*, member, identity_ids: list[int], counts: PurgeCounts) -> None:
    """Take back what a member's uploads said about identities linked only by their claim, and
    the link (``connectors.claims.claim_release``); what others say of them stays."""
    released = claim_release(member=member, identity_ids=identity_ids)
    counts.interactions += released["interactions"]
    counts.posts += released["posts"]
    counts.identities += released["identities"]
