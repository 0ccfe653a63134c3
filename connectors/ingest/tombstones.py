"""Dropping every record that involves an opted-out (tombstoned) identity."""

from __future__ import annotations

from connectors.ingest.known import KnownIdentities
from connectors.ingest.prepare import referenced
from connectors.ingest.results import IngestResult
from connectors.models import Tombstone, tombstone_digest


def tombstoned_keys(keys: set[tuple[str, str]], known: KnownIdentities) -> set[tuple[str, str]]:
    if not keys:
        return set()
    if known.any_tombstone is None:
        # Once per transaction: none can be added while it holds the tombstone lock.
        known.any_tombstone = Tombstone.objects.exists()
    if not known.any_tombstone:
        return set()
    by_digest = {tombstone_digest(network=n, external_id=e): (n, e) for n, e in keys}
    digests = list(by_digest)
    found: set[tuple[str, str]] = set()
    # Chunked so the IN list stays under SQLite's variable limit.
    for start in range(0, len(digests), 5000):
        chunk = digests[start : start + 5000]
        for digest in Tombstone.objects.filter(digest__in=chunk).values_list("digest", flat=True):
            found.add(by_digest[digest])
    return found


def drop_tombstoned(identities, posts, interactions, fresh, result: IngestResult, known):
    """The records that involve no tombstoned identity, and the identities they refer to."""
    gone = tombstoned_keys(fresh | {(r.network, r.external_id) for r in identities}, known)
    if not gone:
        return identities, posts, interactions, fresh
    kept_identities = [r for r in identities if (r.network, r.external_id) not in gone]
    kept_posts = [r for r in posts if (r.network, r.author_id) not in gone]
    kept_interactions = [
        r
        for r in interactions
        if (r.network, r.actor_id) not in gone and (r.network, r.target_id) not in gone
    ]
    result.identities.dropped += len(identities) - len(kept_identities)
    result.posts.dropped += len(posts) - len(kept_posts)
    result.interactions.dropped += len(interactions) - len(kept_interactions)
    return kept_identities, kept_posts, kept_interactions, referenced(kept_posts, kept_interactions)
