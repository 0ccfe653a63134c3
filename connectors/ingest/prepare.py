"""Preparing a batch without the database: checked, owned, deduplicated, its COPY text made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

from connectors.ingest.known import KnownIdentities
from connectors.ingest.results import Counts, IngestResult, Rejection
from connectors.records import (
    CANONICALIZED_NETWORKS,
    INTERACTION_KINDS,
    NETWORKS,
    Batch,
    IdentityRecord,
    InteractionRecord,
    PostRecord,
    Provenance,
    identity_record_problem,
    interaction_record_problem,
    plain_ids,
    post_record_problem,
)
from klout.db.copy import copy_text_or_none


def checked(records: Sequence, problem_of, record_type: str, counts: Counts, result: IngestResult) -> list:
    """The records ``problem_of`` finds nothing wrong with; the others are counted and their
    reasons recorded under ``record_type``."""
    valid = []
    for index, record in enumerate(records):
        problem = problem_of(record)
        if problem:
            result.rejections.append(Rejection(record_type, index, problem))
            counts.rejected += 1
        else:
            valid.append(record)
    return valid


def checked_interactions(
    records: Sequence[InteractionRecord], result: IngestResult
) -> list[InteractionRecord]:
    """The valid interactions; the others are counted and their reasons recorded.

    The common record is accepted by one inline test that is much cheaper than
    ``interaction_record_problem``'s chain of calls; a record that fails it (or is of an
    unusual type, such as a str subclass) gets the full check, which gives the reason, or
    accepts it after all.
    """
    valid: list[InteractionRecord] = []
    append = valid.append
    for index, r in enumerate(records):
        at = r.occurred_at
        if (
            plain_ids(r.actor_id, r.target_id, r.post_id)
            and type(at) is datetime
            and type(at.tzinfo) is dt_timezone
            and 1 < at.year < 9999  # the calendar's edge years get the full check (an offset there overflows)
            and r.network in NETWORKS
            and r.network not in CANONICALIZED_NETWORKS
            and r.kind in INTERACTION_KINDS
        ):
            append(r)
            continue
        problem = interaction_record_problem(r)
        if problem:
            result.rejections.append(Rejection("interaction", index, problem))
            result.interactions.rejected += 1
        else:
            append(r)
    return valid


def merge_identity(old: IdentityRecord, new: IdentityRecord) -> IdentityRecord:
    """Two records of one identity in a batch: the later one wins where it says something."""
    merged = IdentityRecord(network=old.network, external_id=old.external_id)
    for name in ("handle", "name", "location", "bio", "url"):
        setattr(merged, name, getattr(new, name) or getattr(old, name))
    for name in ("followers", "following", "posts", "listed", "verified"):
        value = getattr(new, name)
        setattr(merged, name, value if value is not None else getattr(old, name))
    return merged


INTERACTION_COLUMNS = ("network", "kind", "actor_id", "target_id", "post_external_id", "occurred_at")
# On PostgreSQL times travel as whole microseconds since 1970: cheaper to make than ISO text,
# and far cheaper for the server to read than timestamptz text. Turned back in SQL exactly
# (whole seconds and the microseconds apart: a float8 holds either, but not their product).
INTERACTION_COPY = (*INTERACTION_COLUMNS[:-1], "occurred_us")
OCCURRED_AT = (
    "timestamptz 'epoch' + (t.occurred_us / 1000000) * interval '1 second' "
    "+ mod(t.occurred_us, 1000000) * interval '1 microsecond'"
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def microseconds(at: datetime) -> int:
    return (at - EPOCH) // MICROSECOND


def interaction_lines(
    records: list[InteractionRecord], ids: dict[str, dict[str, int]]
) -> tuple[str, int, list[InteractionRecord]]:
    """The COPY text of the records whose actor and target both have an id in ``ids``, its
    number of rows, and the other records.

    Also the other records, all of them, when the text would need escaping (a post id with
    a tab, newline, carriage return or backslash): ``TempLoader.load_text`` deals with those.
    """
    lines: list[str] = []
    rest: list[InteractionRecord] = []
    add, defer = lines.append, rest.append
    epoch, us = EPOCH, MICROSECOND
    for r in records:
        by_id = ids.get(r.network)
        if by_id is None:
            defer(r)
            continue
        actor = by_id.get(r.actor_id)
        target = by_id.get(r.target_id)
        if actor is None or target is None:
            defer(r)
        else:
            add(f"{r.network}\t{r.kind}\t{actor}\t{target}\t{r.post_id}\t{(r.occurred_at - epoch) // us}\n")
    text = copy_text_or_none(lines, len(INTERACTION_COPY))
    if text is None:
        return "", 0, records
    return text, len(lines), rest


def referenced(posts: list[PostRecord], interactions: list[InteractionRecord]) -> set[tuple[str, str]]:
    referenced = {(r.network, r.author_id) for r in posts}
    referenced.update([(r.network, r.actor_id) for r in interactions])
    referenced.update([(r.network, r.target_id) for r in interactions])
    return referenced


def deduplicated(identities: list[IdentityRecord], posts: list[PostRecord], result: IngestResult):
    explicit: dict[tuple[str, str], IdentityRecord] = {}
    for r in identities:
        key = (r.network, r.external_id)
        previous = explicit.get(key)
        if previous is None:
            explicit[key] = r
        else:
            explicit[key] = merge_identity(previous, r)
            result.identities.duplicate += 1
    unique_posts: dict[tuple[str, str], PostRecord] = {}
    for r in posts:
        key = (r.network, r.external_id)
        if key in unique_posts:
            result.posts.duplicate += 1
        # The later record of a post carries the later counts.
        unique_posts[key] = r
    return explicit, unique_posts


@dataclass
class Prepared:
    """A batch checked and indexed, without the database (see ``ingest_batches``).

    Interactions whose actor and target ids were already known are ready as COPY text; the
    others wait in ``interactions`` for the identity step. ``fresh`` is, when worked out
    ahead, the identities the records name that were not known, and the cache generation
    it was worked out against.
    """

    result: IngestResult
    identities: list[IdentityRecord]
    posts: list[PostRecord]
    interactions: list[InteractionRecord]
    ready: tuple[str, int]
    fresh: tuple[int, set[tuple[str, str]]] | None = None


def prepare(batch: Batch, provenance: Provenance) -> Prepared:
    result = IngestResult()
    identities = checked(batch.identities, identity_record_problem, "identity", result.identities, result)
    posts = checked(batch.posts, post_record_problem, "post", result.posts, result)
    interactions = checked_interactions(batch.interactions, result)
    if provenance.self_reported:
        identities, posts, interactions = own_only(identities, posts, interactions, provenance.own, result)
    return Prepared(result, identities, posts, interactions, ("", 0))


def own_only(identities, posts, interactions, own: frozenset[tuple[str, str]], result: IngestResult):
    """What an upload may say: its uploader's own profiles, their posts, and the interactions
    they gave or received. The rest is counted as ``not_own`` and left out; an identity it
    names without being the uploader's enters as a bare id, through the records that remain."""
    kept_identities = [r for r in identities if (r.network, r.external_id) in own]
    kept_posts = [r for r in posts if (r.network, r.author_id) in own]
    kept_interactions = [
        r for r in interactions if (r.network, r.actor_id) in own or (r.network, r.target_id) in own
    ]
    result.identities.not_own += len(identities) - len(kept_identities)
    result.posts.not_own += len(posts) - len(kept_posts)
    result.interactions.not_own += len(interactions) - len(kept_interactions)
    return kept_identities, kept_posts, kept_interactions


def make_ready(prepared: Prepared, known: KnownIdentities) -> None:
    """Make the COPY text of the interactions whose identities are known (PostgreSQL)."""
    if known.ids:
        text, count, prepared.interactions = interaction_lines(prepared.interactions, known.ids)
        prepared.ready = (text, count)
