"""The one path by which activity reaches the database.

Every connector and importer parses its source into a ``records.Batch`` and calls
``ingest_batch``, or, for a whole file, ``ingest_batches`` with a stream of them (one
transaction, the next batch prepared in a thread meanwhile; see there). The batch is stored
whole or not at all, with set-based statements only:

1. Records are checked (network, kind, ids, aware datetimes, counts); bad ones are
   rejected with a reason and the rest go on.
2. Inside one transaction, records that involve a tombstoned (opted-out) identity are
   dropped, wherever that identity appears: as an identity record, the author of a post,
   or either end of an interaction.
3. Still in that transaction, the records are loaded into temporary tables (PostgreSQL:
   COPY, as one text buffer where the rows allow; SQLite: executemany) and moved into the
   real tables with ``INSERT ... SELECT ... ON CONFLICT``: identities (including bare ones
   known only by id) are upserted, which also yields the id of every identity the batch
   names; then posts (joined to their author); then interactions, which carry their actor
   and target ids from that map and are joined only to their post, when known.
   Re-ingesting the same data therefore adds no rows, and counts move to the values most
   recently ingested.

Every record has its provenance (``records.Provenance``): fetched from a network's API,
imported by the operator, or uploaded by a member. A row is changed only by a source at least
as trusted as the one that wrote it (``records.Origin``); the same interaction or post fetched
from the API replaces a self-reported one, and the API's fetch of a post removes the
self-reported reactions to it. An upload describes only its uploader's own identities: the
profiles of others are left out (they enter as bare ids), and posts and interactions that
concern none of the uploader's identities are left out, counted as ``not_own``.

Upserts only reach rows that are new or would change: unchanged rows are filtered out
before the INSERT, because ``ON CONFLICT DO UPDATE`` locks (and so writes) every row it
meets even when its ``WHERE`` then declines the update, and most rows of a batch are
identities already stored. The rows returned are thus exactly the identities and posts
that changed; their ids, plus the actors and targets of new interactions, are what scoring
recomputes.

The SQL is assembled from this module's own table and column names (hence the S608
waivers); every value travels as a bound parameter or through COPY.
"""

from __future__ import annotations

import queue
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

from django.db import connection, transaction
from django.utils import timezone

from connectors.models import Identity, Interaction, Post, Tombstone, tombstone_digest
from connectors.records import (
    CANONICALIZED_NETWORKS,
    INTERACTION_KINDS,
    NETWORKS,
    OPERATOR_IMPORT,
    POST_KINDS,
    Batch,
    ExternalIdError,
    IdentityRecord,
    InteractionRecord,
    Origin,
    PostRecord,
    Provenance,
    external_id_canonical,
)

MAX_ID_LENGTH = 128
# Largest value a BIGINT column holds; anything above is a parser bug, not a real count.
MAX_COUNT = 2**63 - 1
_TRUNCATE = {"handle": 255, "name": 255, "location": 255, "url": 500, "language": 16}

_IDENTITY = Identity._meta.db_table
_POST = Post._meta.db_table
_INTERACTION = Interaction._meta.db_table
_CONTROL = re.compile(r"[\x00]")


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: int = 0
    # Dropped because they involve a tombstoned (opted-out) identity.
    dropped: int = 0
    # Left out of an upload because they are not about the uploader's own identities.
    not_own: int = 0

    def add(self, other: Counts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.duplicate += other.duplicate
        self.rejected += other.rejected
        self.dropped += other.dropped
        self.not_own += other.not_own


@dataclass(frozen=True)
class Rejection:
    record_type: str  # "identity", "post" or "interaction"
    index: int  # position in the batch's list of that type
    reason: str


@dataclass
class IngestResult:
    identities: Counts = field(default_factory=Counts)
    posts: Counts = field(default_factory=Counts)
    interactions: Counts = field(default_factory=Counts)
    # Identities created with only an id because a post or interaction referred to them.
    bare_identities_created: int = 0
    # Identities whose data changed: new or updated identities, authors of new or updated
    # posts, actors and targets of new interactions.
    changed_identity_ids: set[int] = field(default_factory=set)
    rejections: list[Rejection] = field(default_factory=list)
    # Self-reported interactions removed because the API fetched the post they are about.
    self_reported_replaced: int = 0

    def add(self, other: IngestResult) -> None:
        self.identities.add(other.identities)
        self.posts.add(other.posts)
        self.interactions.add(other.interactions)
        self.bare_identities_created += other.bare_identities_created
        self.self_reported_replaced += other.self_reported_replaced
        self.changed_identity_ids |= other.changed_identity_ids
        self.rejections.extend(other.rejections)

    @property
    def imported(self) -> int:
        return (
            self.identities.new
            + self.identities.updated
            + self.posts.new
            + self.posts.updated
            + self.interactions.new
        )

    @property
    def duplicates(self) -> int:
        return self.identities.duplicate + self.posts.duplicate + self.interactions.duplicate

    @property
    def rejected(self) -> int:
        return self.identities.rejected + self.posts.rejected + self.interactions.rejected

    @property
    def dropped(self) -> int:
        return self.identities.dropped + self.posts.dropped + self.interactions.dropped

    @property
    def not_own(self) -> int:
        return self.identities.not_own + self.posts.not_own + self.interactions.not_own


# --- 1. checking records ------------------------------------------------------------------


def _check_id(value: object, what: str) -> str | None:
    if not isinstance(value, str) or not value:
        return f"{what} must be a non-empty string"
    if len(value) > MAX_ID_LENGTH:
        return f"{what} is longer than {MAX_ID_LENGTH} characters"
    if _CONTROL.search(value):
        return f"{what} contains a NUL character"
    return None


def _check_count(value: object, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{what} must be a whole number"
    if value < 0 or value > MAX_COUNT:
        return f"{what} is out of range"
    return None


def _check_time(value: object, what: str) -> str | None:
    if not isinstance(value, datetime):
        return f"{what} must be a datetime"
    if timezone.is_naive(value):
        return f"{what} has no time zone"
    return None


def _check_text(record: object, names: Iterable[str]) -> str | None:
    for name in names:
        value = getattr(record, name)
        if not isinstance(value, str):
            return f"{name} must be a string"
        if "\x00" in value:
            return f"{name} contains a NUL character"
    return None


def identity_record_problem(record: IdentityRecord) -> str | None:
    if record.network not in NETWORKS:
        return f"unknown network {record.network!r}"
    for problem in (
        _check_id(record.external_id, "id"),
        _check_text(record, ("handle", "name", "location", "bio", "url")),
        _check_count(record.followers, "followers"),
        _check_count(record.following, "following"),
        _check_count(record.posts, "posts"),
    ):
        if problem:
            return problem
    if record.verified is not None and not isinstance(record.verified, bool):
        return "verified must be true, false or absent"
    return _canonicalize(record, ("external_id",))


def post_record_problem(record: PostRecord) -> str | None:
    if record.network not in NETWORKS:
        return f"unknown network {record.network!r}"
    if record.kind not in POST_KINDS:
        return f"unknown post kind {record.kind!r}"
    for problem in (
        _check_id(record.external_id, "post id"),
        _check_id(record.author_id, "author id"),
        _check_time(record.created_at, "created_at"),
        _check_text(record, ("text", "language", "url", "parent_id")),
        *(_check_count(getattr(record, n), n) for n in ("reposts", "replies", "likes", "quotes", "views")),
    ):
        if problem:
            return problem
    if len(record.parent_id) > MAX_ID_LENGTH:
        return f"parent id is longer than {MAX_ID_LENGTH} characters"
    return _canonicalize(record, ("author_id",))


def interaction_record_problem(record: InteractionRecord) -> str | None:
    if record.network not in NETWORKS:
        return f"unknown network {record.network!r}"
    if record.kind not in INTERACTION_KINDS:
        return f"unknown interaction kind {record.kind!r}"
    for problem in (
        _check_id(record.actor_id, "actor id"),
        _check_id(record.target_id, "target id"),
        _check_time(record.occurred_at, "occurred_at"),
    ):
        if problem:
            return problem
    if not isinstance(record.post_id, str) or len(record.post_id) > MAX_ID_LENGTH or "\x00" in record.post_id:
        return "post id must be a string of at most 128 characters"
    return _canonicalize(record, ("actor_id", "target_id"))


# An id that starts and ends with these is already in its one form on the networks whose ids
# need no rewriting (X's numbers, YouTube's channel ids): no space around it, no leading zero,
# no @handle. Checked inline on the fast path; any other id goes through _canonicalize.
_PLAIN_LAST = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_")
_PLAIN_FIRST = _PLAIN_LAST - {"0", "-", "_"}


def _canonicalize(record, names: tuple[str, ...]) -> str | None:
    """Rewrite the record's account ids in their canonical form (``records.external_id_canonical``),
    in place, so that one account is stored, and meets its tombstone, under one id; or the
    reason an id cannot be used."""
    for name in names:
        try:
            value = external_id_canonical(network=record.network, external_id=getattr(record, name))
        except ExternalIdError as exc:
            return str(exc)
        setattr(record, name, value)
    return None


def plain_ids(actor: object, target: object, post: object) -> bool:
    """Whether an interaction's ids are of the common kind that passes the id checks: plain
    strings, only the post's may be empty, none longer than MAX_ID_LENGTH or holding a NUL,
    and the accounts' ids already in their one form on a network that needs no rewriting of
    them (``_PLAIN_FIRST``, ``_PLAIN_LAST``).

    The inline test of the JSON Lines parser and of ``_checked_interactions``, for networks
    outside ``records.CANONICALIZED_NETWORKS``; False only means the full check must give the
    answer (and the reason).
    """
    return (
        type(actor) is str
        and type(target) is str
        and type(post) is str
        and 0 < len(actor) <= MAX_ID_LENGTH
        and 0 < len(target) <= MAX_ID_LENGTH
        and len(post) <= MAX_ID_LENGTH
        and actor[0] in _PLAIN_FIRST
        and target[0] in _PLAIN_FIRST
        and actor[-1] in _PLAIN_LAST
        and target[-1] in _PLAIN_LAST
        and "\x00" not in actor
        and "\x00" not in target
        and "\x00" not in post
    )


def _checked(records: Sequence, problem_of, record_type: str, counts: Counts, result: IngestResult) -> list:
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


def _checked_interactions(
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


# --- 2. tombstones ----------------------------------------------------------------------


def _tombstoned_keys(keys: set[tuple[str, str]], known: _KnownIdentities) -> set[tuple[str, str]]:
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


# --- 3. storing -------------------------------------------------------------------------


def _merge_identity(old: IdentityRecord, new: IdentityRecord) -> IdentityRecord:
    """Two records of one identity in a batch: the later one wins where it says something."""
    merged = IdentityRecord(network=old.network, external_id=old.external_id)
    for name in ("handle", "name", "location", "bio", "url"):
        setattr(merged, name, getattr(new, name) or getattr(old, name))
    for name in ("followers", "following", "posts", "verified"):
        value = getattr(new, name)
        setattr(merged, name, value if value is not None else getattr(old, name))
    return merged


def _copy_text(lines: list[str], columns: int) -> str | None:
    """The lines joined, if they can go to COPY's text format unescaped; otherwise None.

    Only free-text values can hold a tab, newline, carriage return or backslash that the
    format would misread. Each line is known to hold ``columns - 1`` tabs and one newline of
    its own, so any other one shows in the counts.
    """
    data = "".join(lines)
    if (
        data.count("\t") != (columns - 1) * len(lines)
        or data.count("\n") != len(lines)
        or "\\" in data
        or "\r" in data
    ):
        return None
    return data


class _Loader:
    """Loads rows into a temporary table and runs statements, hiding backend differences."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.postgres = connection.vendor == "postgresql"
        self.distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"

    def dt(self, value: datetime):
        # SQLite stores naive UTC text; let Django do the same conversion as the ORM does.
        return value if self.postgres else connection.ops.adapt_datetimefield_value(value)

    def temp_table(self, name: str, columns: str) -> None:
        # Dropped first as well as at the end: when the caller holds an outer transaction
        # (a whole archive imported atomically), ON COMMIT DROP fires only at its end.
        if self.postgres:
            # One round trip: two statements in one string (no parameters).
            self.cursor.execute(
                f"DROP TABLE IF EXISTS pg_temp.{name}; CREATE TEMP TABLE {name} ({columns}) ON COMMIT DROP"
            )
        else:
            self.cursor.execute(f"DROP TABLE IF EXISTS temp.{name}")
            self.cursor.execute(f"CREATE TEMP TABLE {name} ({columns})")

    def load(
        self, name: str, column_names: Sequence[str], rows: Iterable[tuple], *, analyze: bool = True
    ) -> None:
        cols = ", ".join(column_names)
        if self.postgres:
            with self.cursor.cursor.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if analyze:
                # Temporary tables are never auto-analyzed; without statistics the planner
                # misjudges the joins of the post upsert. (The identity and interaction
                # statements need none: see _store_identities.)
                self.cursor.execute(f"ANALYZE {name}")
        else:
            marks = ", ".join(["%s"] * len(column_names))
            self.cursor.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", list(rows))  # noqa: S608

    def load_text(self, name: str, column_names: Sequence[str], lines: list[str], rows) -> None:
        """Load rows given as COPY text lines, one string per row, with ``rows`` as the fallback.

        Assembling the lines with one f-string each and sending them as one buffer is several
        times cheaper than ``write_row`` per row. When the text would need escaping (see
        ``_copy_text``) the rows go through ``load`` instead, which escapes them. On SQLite
        ``rows`` is loaded as is. ``rows`` is a callable so that it costs nothing on the fast
        path.
        """
        data = _copy_text(lines, len(column_names)) if self.postgres else None
        if data is None:
            self.load(name, column_names, rows(), analyze=False)
        else:
            self.copy_text(name, column_names, data)

    def copy_text(self, name: str, column_names: Sequence[str], data: str) -> None:
        """COPY rows already in the text format (PostgreSQL only)."""
        with self.cursor.cursor.copy(f"COPY {name} ({', '.join(column_names)}) FROM STDIN") as copy:
            copy.write(data.encode())

    def drop(self, *names: str) -> None:
        if self.postgres:
            self.cursor.execute(f"DROP TABLE IF EXISTS {', '.join('pg_temp.' + name for name in names)}")
            return
        for name in names:
            self.cursor.execute(f"DROP TABLE IF EXISTS temp.{name}")

    def existing_keys(self, temp: str, table: str) -> set[tuple[str, str]]:
        """Which of the temp table's (network, external_id) keys already exist (SQLite path)."""
        self.cursor.execute(
            f"SELECT t.network, t.external_id FROM {temp} t JOIN {table} r "  # noqa: S608
            "ON r.network = t.network AND r.external_id = t.external_id"
        )
        return {(n, e) for n, e in self.cursor.fetchall()}


# Ranks above every origin: a row that no source described yet (a bare identity) is changed
# by any.
_NO_ORIGIN = 32767


def _changed(
    loader: _Loader,
    new: str,
    old: str,
    text_cols: Sequence[str],
    value_cols: Sequence[str],
    *,
    author: str | None = None,
) -> str:
    """SQL that is true when an incoming row (alias ``new``) would change the stored one (``old``).

    Empty text and NULL values mean "the source did not say", so they never overwrite. Only a
    source at least as trusted as the stored row's (a lower ``origin``) may change it; ``origin``
    is among ``value_cols``, so a more trusted source saying the same is a change too. For a
    post, ``author`` is the incoming author's id: a source as trusted as the stored one changes
    only a post of the same author (one member's upload cannot rewrite another's post by its id),
    while a more trusted one also corrects the author.
    """
    parts = [f"({new}.{c} <> '' AND {new}.{c} {loader.distinct} {old}.{c})" for c in text_cols]
    parts += [f"({new}.{c} IS NOT NULL AND {new}.{c} {loader.distinct} {old}.{c})" for c in value_cols]
    trusted = f"{new}.origin <= COALESCE({old}.origin, {_NO_ORIGIN})"
    if author is not None:
        parts.append(f"({author} <> {old}.author_id)")
        trusted = f"({new}.origin < {old}.origin OR ({trusted} AND {author} = {old}.author_id))"
    return f"({trusted} AND ({' OR '.join(parts)}))"


def _assignments(
    table: str, text_cols: Sequence[str], value_cols: Sequence[str], replaced: Sequence[str] = ()
) -> str:
    """SET clauses for an upsert: text and values only where the source said something; the
    ``replaced`` columns taken as they come (an uploader's id, which the API's fetch clears)."""
    parts = [f"{c} = CASE WHEN excluded.{c} <> '' THEN excluded.{c} ELSE {table}.{c} END" for c in text_cols]
    parts += [f"{c} = COALESCE(excluded.{c}, {table}.{c})" for c in value_cols]
    parts += [f"{c} = excluded.{c}" for c in replaced]
    parts.append("updated_at = excluded.updated_at")
    return ", ".join(parts)


class _KnownIdentities:
    """The ids of identities an ``ingest_batches`` call has already stored or found.

    Valid for one transaction only: the tombstone lock it holds keeps every purge out until it
    ends, so an id learned here still names a stored identity at its end. (Deleting an identity
    by other means, such as the admin, was never guarded against: see ``_with_known_ids``.)
    Bounded, so that memory stays flat however many identities a file names: when full it is
    emptied between batches and fills again with those the next batches name. Written by the
    storing thread only; the preparing thread only looks ids up.
    """

    LIMIT = 500_000

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {}
        self.size = 0
        self.generation = 0  # how many times it was emptied
        # Transaction state the batches of a stream share: the tombstone lock and work_mem
        # are set, and whether any tombstone exists (None: not asked yet).
        self.locked = False
        self.any_tombstone: bool | None = None
        self.batches_learned = 0
        self._learning = threading.Condition()

    def batch_learned(self) -> None:
        """The storing thread has learned the ids of one more batch."""
        with self._learning:
            self.batches_learned += 1
            self._learning.notify_all()

    def wait_for(self, batches: int, stop: threading.Event) -> bool:
        """Wait until the ids of the first ``batches`` batches are learned; False if stopped."""
        with self._learning:
            while self.batches_learned < batches:
                if stop.is_set():
                    return False
                self._learning.wait(timeout=0.1)
        return True

    def prune(self) -> None:
        """Empty it if full. A new dict, not a cleared one: a batch being prepared in the
        other thread may still be reading the old one, whose ids stay valid."""
        if self.size > self.LIMIT:
            self.ids = {}
            self.size = 0
            self.generation += 1

    def unknown(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        ids = self.ids
        return {key for key in keys if key[1] not in ids.get(key[0], ())}

    def learn(self, found: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        """Add the ids a batch yielded; returns every id known, theirs included."""
        for network, by_id in found.items():
            mine = self.ids.setdefault(network, {})
            before = len(mine)
            mine.update(by_id)
            self.size += len(mine) - before
        return self.ids


_ID_TEXT = ("handle", "name", "location", "bio", "url")
_ID_VALUES = ("followers", "following", "posts_count", "verified", "origin")


def _store_identities(
    loader: _Loader,
    explicit: dict[tuple[str, str], IdentityRecord],
    bare: set[tuple[str, str]],
    now: datetime,
    result: IngestResult,
    *,
    want_ids: bool,
    origin: Origin,
    known: _KnownIdentities | None = None,
) -> dict[str, dict[str, int]]:
    """Upsert the identities; with ``want_ids``, return the id of every one, by network and external id.

    Bare identities already in ``known`` are not sent at all: their ids are taken from it, and
    it learns the ids this batch yields.

    Most rows of an activity batch are bare identities (an id and nothing else), loaded as
    two-column COPY text; the other columns take their "source did not say" defaults. No
    ANALYZE: the planner's row estimate for a never-analyzed table comes from its size on
    disk, which is enough for the hash joins these statements need. The explicit rows carry the
    batch's ``origin``, bare ones none: a bare row never changes a stored identity.
    """
    bare_keys = [key for key in bare if key not in explicit] if explicit else list(bare)
    if known is not None:
        bare_keys = list(known.unknown(bare_keys))
        if not (explicit or bare_keys):
            return known.ids
    columns = ("network", "external_id", *_ID_TEXT, *_ID_VALUES)
    loader.temp_table(
        "ingest_identity",
        "network varchar(16), external_id varchar(128), handle varchar(255) DEFAULT '', "
        "name varchar(255) DEFAULT '', location varchar(255) DEFAULT '', bio text DEFAULT '', "
        "url varchar(500) DEFAULT '', followers bigint, following bigint, posts_count bigint, "
        "verified boolean, origin smallint",
    )
    if explicit:
        loader.load(
            "ingest_identity",
            columns,
            (
                (
                    network,
                    external_id,
                    r.handle[:255],
                    r.name[:255],
                    r.location[:255],
                    r.bio,
                    r.url[:500],
                    r.followers,
                    r.following,
                    r.posts,
                    r.verified,
                    int(origin),
                )
                for (network, external_id), r in explicit.items()
            ),
            analyze=False,
        )
    if bare_keys:
        loader.load_text(
            "ingest_identity",
            ("network", "external_id"),
            [f"{network}\t{external_id}\n" for network, external_id in bare_keys],
            lambda: bare_keys,
        )
    cols = ", ".join(columns)
    conflict = (
        f"ON CONFLICT (network, external_id) DO UPDATE SET {_assignments(_IDENTITY, _ID_TEXT, _ID_VALUES)} "
        f"WHERE {_changed(loader, 'excluded', _IDENTITY, _ID_TEXT, _ID_VALUES)} "
    )
    ids: dict[str, dict[str, int]] = {}

    def remember(network: str, external_id: str, pk: int) -> None:
        by_id = ids.get(network)
        if by_id is None:
            by_id = ids[network] = {}
        by_id[external_id] = pk

    if loader.postgres:
        # One statement, one join with the identity table: the CTE ``j`` pairs each incoming
        # row with the stored one, the INSERT takes the rows that are new or would change,
        # and the final SELECT returns those (flagged inserted or not) plus the ids of the
        # rows that were already stored. (Every CTE sees the table as the statement began.)
        loader.cursor.execute(
            f"WITH j AS MATERIALIZED (SELECT {', '.join('t.' + c for c in columns)}, o.id AS old_id, "  # noqa: S608
            f"(o.id IS NULL OR {_changed(loader, 't', 'o', _ID_TEXT, _ID_VALUES)}) AS needed "
            f"FROM ingest_identity t LEFT JOIN {_IDENTITY} o "
            "ON o.network = t.network AND o.external_id = t.external_id), "
            f"up AS (INSERT INTO {_IDENTITY} ({cols}, first_seen, updated_at) "
            f"SELECT {cols}, %s, %s FROM j WHERE needed ORDER BY network, external_id {conflict}"
            "RETURNING id, network, external_id, (xmax = 0) AS inserted) "
            "SELECT id, network, external_id, inserted FROM up "
            "UNION ALL SELECT old_id, network, external_id, NULL FROM j WHERE old_id IS NOT NULL",
            [now, now],
        )
        rows = loader.cursor.fetchall()
        changed = [row for row in rows if row[3] is not None]
        if want_ids:
            for pk, network, external_id, _ in rows:
                by_id = ids.get(network)
                if by_id is None:
                    by_id = ids[network] = {}
                by_id[external_id] = pk
    else:
        existing = loader.existing_keys("ingest_identity", _IDENTITY)
        loader.cursor.execute(
            f"INSERT INTO {_IDENTITY} ({cols}, first_seen, updated_at) "  # noqa: S608
            f"SELECT {', '.join('t.' + c for c in columns)}, %s, %s FROM ingest_identity t "
            f"LEFT JOIN {_IDENTITY} o ON o.network = t.network AND o.external_id = t.external_id "
            f"WHERE o.id IS NULL OR {_changed(loader, 't', 'o', _ID_TEXT, _ID_VALUES)} "
            f"ORDER BY t.network, t.external_id {conflict}"
            "RETURNING id, network, external_id",
            [loader.dt(now), loader.dt(now)],
        )
        changed = [(pk, n, e, (n, e) not in existing) for pk, n, e in loader.cursor.fetchall()]

    new_explicit = updated = bare_new = 0
    for pk, network, external_id, inserted in changed:
        result.changed_identity_ids.add(pk)
        if (network, external_id) in explicit:
            if inserted:
                new_explicit += 1
            else:
                updated += 1
        elif inserted:
            bare_new += 1
    result.identities.new += new_explicit
    result.identities.updated += updated
    result.bare_identities_created += bare_new

    loaded = len(explicit) + len(bare_keys)
    if want_ids and sum(map(len, ids.values())) < loaded:
        # SQLite, or an identity another ingest committed after the statement above began
        # (its INSERT then met the row, but the join had not seen it): read them all.
        loader.cursor.execute(
            "SELECT t.network, t.external_id, o.id FROM ingest_identity t "  # noqa: S608
            f"JOIN {_IDENTITY} o ON o.network = t.network AND o.external_id = t.external_id"
        )
        for network, external_id, pk in loader.cursor.fetchall():
            remember(network, external_id, pk)
    if known is not None:
        return known.learn(ids)
    return ids


_POST_TEXT = ("kind", "text", "language", "url", "parent_external_id")
_POST_VALUES = ("reposts", "replies", "likes", "quotes", "views", "origin")


def _store_posts(
    loader: _Loader, posts: dict[tuple[str, str], PostRecord], now: datetime, result, provenance: Provenance
) -> None:
    loader.temp_table(
        "ingest_post",
        "network varchar(16), external_id varchar(128), author_external_id varchar(128), "
        "created_at timestamp with time zone, kind varchar(16), text text, language varchar(16), "
        "url varchar(500), parent_external_id varchar(128), reposts bigint, replies bigint, likes bigint, "
        "quotes bigint, views bigint, origin smallint, reported_by_id bigint",
    )
    columns = (
        "network", "external_id", "author_external_id", "created_at", *_POST_TEXT, *_POST_VALUES,
        "reported_by_id",
    )  # fmt: skip
    origin, reported_by = int(provenance.origin), provenance.reported_by
    loader.load(
        "ingest_post",
        columns,
        (
            (
                r.network,
                r.external_id,
                r.author_id,
                loader.dt(r.created_at),
                r.kind,
                r.text,
                r.language[:16],
                r.url[:500],
                r.parent_id,
                r.reposts,
                r.replies,
                r.likes,
                r.quotes,
                r.views,
                origin,
                reported_by,
            )
            for r in posts.values()
        ),
    )
    existing = set() if loader.postgres else loader.existing_keys("ingest_post", _POST)
    corrected = _posts_reattributed(loader) if not provenance.self_reported else []
    moved = ("network", "external_id", "created_at", *_POST_TEXT, *_POST_VALUES, "reported_by_id")
    inserted_flag = ", (xmax = 0)" if loader.postgres else ""
    assignments = _assignments(_POST, _POST_TEXT, _POST_VALUES, replaced=("reported_by_id", "author_id"))
    loader.cursor.execute(
        f"INSERT INTO {_POST} ({', '.join(moved)}, author_id, first_seen, updated_at) "  # noqa: S608
        f"SELECT {', '.join('t.' + c for c in moved)}, a.id, %s, %s FROM ingest_post t "
        f"JOIN {_IDENTITY} a ON a.network = t.network AND a.external_id = t.author_external_id "
        f"LEFT JOIN {_POST} o ON o.network = t.network AND o.external_id = t.external_id "
        f"WHERE o.id IS NULL OR {_changed(loader, 't', 'o', _POST_TEXT, _POST_VALUES, author='a.id')} "
        # Rows locked in key order, like identities and interactions, so that two batches
        # stored at once wait for each other instead of deadlocking.
        "ORDER BY t.network, t.external_id "
        f"ON CONFLICT (network, external_id) DO UPDATE SET {assignments} "
        f"WHERE {_changed(loader, 'excluded', _POST, _POST_TEXT, _POST_VALUES, author='excluded.author_id')} "
        f"RETURNING author_id, network, external_id{inserted_flag}",
        [loader.dt(now), loader.dt(now)],
    )
    for row in loader.cursor.fetchall():
        result.changed_identity_ids.add(row[0])
        inserted = row[3] if loader.postgres else (row[1], row[2]) not in existing
        if inserted:
            result.posts.new += 1
        else:
            result.posts.updated += 1
    if corrected:
        # Uploaded reactions were linked to these posts under the author an upload claimed for
        # them: they count for no one now that a trusted source says whose the posts are.
        _delete_uploaded(loader, result, f"post_id IN ({', '.join(str(int(pk)) for pk in corrected)})")


# The interactions members uploaded (both Origin.UPLOAD and UPLOAD_GIVEN), written into the
# statements so that the planner sees that the partial index of them fits.
_UPLOADED = f"origin >= {int(Origin.UPLOAD)}"


def _posts_reattributed(loader: _Loader) -> list[int]:
    """The stored posts of the batch to which it gives another author, being more trusted."""
    loader.cursor.execute(
        f"SELECT o.id FROM ingest_post t "  # noqa: S608
        f"JOIN {_IDENTITY} a ON a.network = t.network AND a.external_id = t.author_external_id "
        f"JOIN {_POST} o ON o.network = t.network AND o.external_id = t.external_id "
        "WHERE o.author_id <> a.id AND t.origin < o.origin"
    )
    return [row[0] for row in loader.cursor.fetchall()]


def _delete_uploaded(loader: _Loader, result: IngestResult, where: str) -> None:
    """Delete the uploaded interactions that satisfy ``where`` (over the interaction table), and
    count them as replaced; their actors and targets are re-scored."""
    loader.cursor.execute(
        f"DELETE FROM {_INTERACTION} WHERE {_UPLOADED} AND {where} RETURNING actor_id, target_id"  # noqa: S608
    )
    for actor_id, target_id in loader.cursor.fetchall():
        result.self_reported_replaced += 1
        result.changed_identity_ids.add(actor_id)
        result.changed_identity_ids.add(target_id)


def _uploaded_reactions_replace(loader: _Loader, result: IngestResult) -> None:
    """Delete the uploaded reactions of each kind to each post that the batch, fetched from the
    network, lists reactions of that kind for: the network's list replaces a member's word.

    Only the kinds the network listed: a post merely seen (in someone's timeline, say) replaces
    nothing, or any sync naming a post would erase its author's uploaded reactions for good.
    """
    kinds = (
        "SELECT DISTINCT network, post_external_id, kind FROM ingest_interaction WHERE post_external_id <> ''"
    )
    _delete_uploaded(
        loader,
        result,
        f"EXISTS (SELECT 1 FROM ({kinds}) k WHERE k.network = {_INTERACTION}.network "  # noqa: S608
        f"AND k.post_external_id = {_INTERACTION}.post_external_id AND k.kind = {_INTERACTION}.kind)",
    )


def _with_known_ids(
    interactions: list[InteractionRecord], ids: dict[str, dict[str, int]], result: IngestResult
) -> list[InteractionRecord]:
    """The interactions whose actor and target both have an id.

    All of them, unless an identity was deleted (a purge that does not take the tombstone
    lock) after the upsert: like the joins this replaced, its interactions are then left
    out, and counted as dropped.
    """
    kept = [
        r
        for r in interactions
        if r.actor_id in ids.get(r.network, ()) and r.target_id in ids.get(r.network, ())
    ]
    result.interactions.dropped += len(interactions) - len(kept)
    return kept


_INTERACTION_COLUMNS = ("network", "kind", "actor_id", "target_id", "post_external_id", "occurred_at")
# On PostgreSQL times travel as whole microseconds since 1970: cheaper to make than ISO text,
# and far cheaper for the server to read than timestamptz text. Turned back in SQL exactly
# (whole seconds and the microseconds apart: a float8 holds either, but not their product).
_INTERACTION_COPY = (*_INTERACTION_COLUMNS[:-1], "occurred_us")
_OCCURRED_AT = (
    "timestamptz 'epoch' + (t.occurred_us / 1000000) * interval '1 second' "
    "+ mod(t.occurred_us, 1000000) * interval '1 microsecond'"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _microseconds(at: datetime) -> int:
    return (at - _EPOCH) // _MICROSECOND


def _interaction_lines(
    records: list[InteractionRecord], ids: dict[str, dict[str, int]]
) -> tuple[str, int, list[InteractionRecord]]:
    """The COPY text of the records whose actor and target both have an id in ``ids``, its
    number of rows, and the other records.

    Also the other records, all of them, when the text would need escaping (a post id with
    a tab, newline, carriage return or backslash): ``_Loader.load_text`` deals with those.
    """
    lines: list[str] = []
    rest: list[InteractionRecord] = []
    add, defer = lines.append, rest.append
    epoch, us = _EPOCH, _MICROSECOND
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
    text = _copy_text(lines, len(_INTERACTION_COPY))
    if text is None:
        return "", 0, records
    return text, len(lines), rest


def _store_interactions(
    loader: _Loader,
    ready: tuple[str, int],
    interactions: list[InteractionRecord],
    ids: dict[str, dict[str, int]],
    result: IngestResult,
    provenance: Provenance,
) -> None:
    """Insert the new interactions, carrying actor and target ids resolved by the identity step.

    ``ready`` is COPY text already made (by ``_prepare``) and its number of rows; the text of
    ``interactions`` is made here, now that every identity has an id. With the ids in the
    temporary table the big INSERT joins nothing but posts, and that join finds nothing on
    the usual path (no post known) at the price of one index probe a row.

    The batch's provenance is the same for every row, so it travels as two parameters, not in
    each row. An interaction already stored from a less trusted source takes this one's
    origin (counted as updated); an upload adds nothing to a post the API fetched, whose
    reactions are the network's to tell.
    """
    time_column = "occurred_us bigint" if loader.postgres else "occurred_at timestamp with time zone"
    loader.temp_table(
        "ingest_interaction",
        "network varchar(16), kind varchar(16), actor_id bigint, target_id bigint, "
        f"post_external_id varchar(128), {time_column}",
    )
    text, rows = ready
    dropped = result.interactions.dropped
    if text:
        loader.copy_text("ingest_interaction", _INTERACTION_COPY, text)
    if loader.postgres:
        more, _, rest = _interaction_lines(interactions, ids)
        if more:
            loader.copy_text("ingest_interaction", _INTERACTION_COPY, more)
        # Left: a record whose text needs escaping, or an identity deleted after the upsert.
        columns, when = _INTERACTION_COPY, _microseconds
    else:
        rest, columns, when = interactions, _INTERACTION_COLUMNS, loader.dt
    if rest:
        rest = _with_known_ids(rest, ids, result)
        loader.load(
            "ingest_interaction",
            columns,
            (
                (
                    r.network,
                    r.kind,
                    ids[r.network][r.actor_id],
                    ids[r.network][r.target_id],
                    r.post_id,
                    when(r.occurred_at),
                )
                for r in rest
            ),
            analyze=False,
        )
    rows += len(interactions) - (result.interactions.dropped - dropped)
    into = (
        f"INSERT INTO {_INTERACTION} "  # noqa: S608
        "(network, kind, actor_id, target_id, post_id, post_external_id, occurred_at, "
        "origin, reported_by_id) "
    )
    uploaded, given = int(Origin.UPLOAD), int(Origin.UPLOAD_GIVEN)
    if provenance.self_reported:
        # About the uploader's own accounts (a reaction they received), or a reaction they gave,
        # which counts for no one and links to no post of its target's.
        own = sorted({ids[n][e] for n, e in provenance.own if e in ids.get(n, ())})
        received = f"t.target_id IN ({', '.join(str(int(pk)) for pk in own) or 'NULL'})"
        origin = f"CASE WHEN {received} THEN {uploaded} ELSE {given} END"
        post = f"CASE WHEN {received} THEN p.id END"
        # Nor a reaction of a kind the network listed for that post: the network's list stands.
        restriction = (
            f"AND NOT EXISTS (SELECT 1 FROM {_INTERACTION} f WHERE p.id IS NOT NULL AND f.post_id = p.id "  # noqa: S608
            f"AND f.kind = t.kind AND f.origin < {uploaded}) "
        )
    else:
        origin, post, restriction = str(int(provenance.origin)), "p.id", ""
        if provenance.origin == Origin.API:
            _uploaded_reactions_replace(loader, result)
    # Of rows with one key, the earliest is the one kept: on PostgreSQL the only one sent (DO
    # UPDATE may not meet a row of its own statement twice), on SQLite the first inserted.
    one_per_key = (
        "DISTINCT ON (t.actor_id, t.target_id, t.kind, t.post_external_id) " if loader.postgres else ""
    )
    source = (
        f"{one_per_key}t.network, t.kind, t.actor_id, t.target_id, {post}, t.post_external_id, "
        f"{_OCCURRED_AT if loader.postgres else 't.occurred_at'}, {origin}, %s "
        "FROM ingest_interaction t "
        f"LEFT JOIN {_POST} p ON t.post_external_id <> '' AND p.network = t.network "
        "AND p.external_id = t.post_external_id "
        # A reaction is about its target's post, a mention is in its actor's: a post of anyone
        # else named by id is not linked (it would count for them: top moments, outcomes).
        f"AND p.author_id = CASE WHEN t.kind = 'mention' THEN t.actor_id ELSE t.target_id END "
        f"WHERE 1 = 1 {restriction}"
        # In key order, the unique index is filled page after page instead of at random:
        # about a quarter faster on a large table.
        "ORDER BY t.actor_id, t.target_id, t.kind, t.post_external_id, "
        f"{'t.occurred_us' if loader.postgres else 't.occurred_at'} "
    )
    # A row stored from a less trusted source takes this one's origin and post link.
    conflict = (
        "DO UPDATE SET origin = excluded.origin, reported_by_id = excluded.reported_by_id, "
        f"post_id = COALESCE(excluded.post_id, {_INTERACTION}.post_id) "
        f"WHERE {_INTERACTION}.origin > excluded.origin "
    )
    params = [provenance.reported_by]
    insert = (
        f"{into}SELECT {source}ON CONFLICT (actor_id, target_id, kind, post_external_id) {conflict}"
        f"RETURNING actor_id, target_id{', (xmax = 0) AS inserted' if loader.postgres else ''}"
    )
    before = result.interactions.new
    if loader.postgres:
        # Fold the returned pairs in the server: a 50k batch returns a few thousand ids, not 100k.
        loader.cursor.execute(
            f"WITH ins AS ({insert}) SELECT (SELECT count(*) FILTER (WHERE inserted) FROM ins), "  # noqa: S608
            "(SELECT count(*) FILTER (WHERE NOT inserted) FROM ins), "
            "ARRAY(SELECT actor_id FROM ins UNION SELECT target_id FROM ins)",
            params,
        )
        new, upgraded, changed = loader.cursor.fetchone()
        result.interactions.new += new
        result.interactions.updated += upgraded
        result.changed_identity_ids.update(changed)
    else:
        loader.cursor.execute(
            f"SELECT count(*) FROM ingest_interaction t JOIN {_INTERACTION} i "  # noqa: S608
            "ON i.actor_id = t.actor_id AND i.target_id = t.target_id AND i.kind = t.kind "
            f"AND i.post_external_id = t.post_external_id WHERE i.origin > {origin}"
        )
        upgraded = loader.cursor.fetchone()[0]
        loader.cursor.execute(insert, params)
        returned = loader.cursor.fetchall()
        result.interactions.new += len(returned) - upgraded
        result.interactions.updated += upgraded
        for actor_id, target_id in returned:
            result.changed_identity_ids.add(actor_id)
            result.changed_identity_ids.add(target_id)
    result.interactions.duplicate += rows - (result.interactions.new - before) - upgraded


def _referenced(posts: list[PostRecord], interactions: list[InteractionRecord]) -> set[tuple[str, str]]:
    referenced = {(r.network, r.author_id) for r in posts}
    referenced.update([(r.network, r.actor_id) for r in interactions])
    referenced.update([(r.network, r.target_id) for r in interactions])
    return referenced


def _drop_tombstoned(identities, posts, interactions, referenced, result: IngestResult, known):
    """The records that involve no tombstoned identity, and the identities they refer to."""
    gone = _tombstoned_keys(referenced | {(r.network, r.external_id) for r in identities}, known)
    if not gone:
        return identities, posts, interactions, referenced
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
    return kept_identities, kept_posts, kept_interactions, _referenced(kept_posts, kept_interactions)


def _deduplicated(identities: list[IdentityRecord], posts: list[PostRecord], result: IngestResult):
    explicit: dict[tuple[str, str], IdentityRecord] = {}
    for r in identities:
        key = (r.network, r.external_id)
        previous = explicit.get(key)
        if previous is None:
            explicit[key] = r
        else:
            explicit[key] = _merge_identity(previous, r)
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
class _Prepared:
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


def _prepare(batch: Batch, provenance: Provenance) -> _Prepared:
    result = IngestResult()
    identities = _checked(batch.identities, identity_record_problem, "identity", result.identities, result)
    posts = _checked(batch.posts, post_record_problem, "post", result.posts, result)
    interactions = _checked_interactions(batch.interactions, result)
    if provenance.self_reported:
        identities, posts, interactions = _own_only(identities, posts, interactions, provenance.own, result)
    return _Prepared(result, identities, posts, interactions, ("", 0))


def _own_only(identities, posts, interactions, own: frozenset[tuple[str, str]], result: IngestResult):
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


def _make_ready(prepared: _Prepared, known: _KnownIdentities) -> None:
    """Make the COPY text of the interactions whose identities are known (PostgreSQL)."""
    if known.ids:
        text, count, prepared.interactions = _interaction_lines(prepared.interactions, known.ids)
        prepared.ready = (text, count)


def _store(prepared: _Prepared, known: _KnownIdentities, provenance: Provenance) -> IngestResult:
    """Store a prepared batch, all or nothing."""
    result = prepared.result
    identities, posts, interactions = prepared.identities, prepared.posts, prepared.interactions
    ready = prepared.ready
    if not (identities or posts or interactions or ready[1]):
        known.batch_learned()
        return result
    learned = False
    with transaction.atomic(), connection.cursor() as cursor:
        loader = _Loader(cursor)
        if loader.postgres and not known.locked:
            # Serializes with tombstone_add, which inserts into this table: a tombstone
            # committed before this lock is seen below, and one being added waits until
            # this batch has committed, then purges what it stored. Ingests share the lock.
            cursor.execute(f"LOCK TABLE {Tombstone._meta.db_table} IN SHARE MODE")
            # The interaction INSERT sorts the batch (see _store_interactions); at the
            # default 4 MB a 50k batch spills the sort to disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            # Both last until the transaction ends, so the later batches of a stream skip them.
            known.locked = True
        # Only identities not known need checking against tombstones and storing: known ones
        # were checked by an earlier batch of this transaction, and no tombstone can have
        # been added since, for the lock above is held until its end.
        known.prune()
        if prepared.fresh is not None and prepared.fresh[0] == known.generation:
            fresh = prepared.fresh[1]
        else:
            fresh = known.unknown(_referenced(posts, interactions))
        identities, posts, interactions, fresh = _drop_tombstoned(
            identities, posts, interactions, fresh, result, known
        )
        explicit, unique_posts = _deduplicated(identities, posts, result)
        if explicit or fresh or unique_posts or interactions or ready[1]:
            now = timezone.now()
            want_ids = bool(interactions) or bool(ready[1])
            ids = _store_identities(
                loader, explicit, fresh, now, result, want_ids=want_ids, origin=provenance.origin, known=known
            )
            known.batch_learned()
            learned = True
            if unique_posts:
                _store_posts(loader, unique_posts, now, result, provenance)
            if want_ids:
                _store_interactions(loader, ready, interactions, ids, result, provenance)
            loader.drop("ingest_identity", "ingest_post", "ingest_interaction")

        result.identities.duplicate += len(explicit) - result.identities.new - result.identities.updated
        result.posts.duplicate += len(unique_posts) - result.posts.new - result.posts.updated
    if not learned:
        known.batch_learned()
    return result


def ingest_batch(*, batch: Batch, provenance: Provenance = OPERATOR_IMPORT) -> IngestResult:
    """Store one batch of parsed records, all or nothing, idempotently. See the module docstring.

    ``provenance`` says who vouches for the batch: ``records.FETCHED`` for what a connector
    read from a network's API, ``Provenance.upload(...)`` for a member's upload, and the
    default, ``records.OPERATOR_IMPORT``, for the operator's own imports.
    """
    return _store(_prepare(batch, provenance), _KnownIdentities(), provenance)


def ingest_batches(
    *,
    batches: Iterable[Batch],
    provenance: Provenance = OPERATOR_IMPORT,
    on_stored: Callable[[IngestResult], None] | None = None,
) -> IngestResult:
    """Store a stream of batches in one transaction, all or nothing; returns their sum.

    What a whole file's import calls. Faster than ``ingest_batch`` on each, in two ways:
    - the ids of the identities stored or found are remembered for the later batches
      (``_KnownIdentities``), which then send only the identities they name for the first
      time, and check only those against tombstones;
    - each batch is prepared in a second thread while the one before is being stored, so
      that this Python work overlaps PostgreSQL's (which releases the GIL): checking the
      records, and making the COPY text of every interaction between known identities.
      That text waits for the ids the batch before learns, early in its storing; while
      its interactions are inserted, the text is made. The batches are pulled from
      ``batches`` in that thread too, so parsing overlaps as well; neither may touch the
      database. At most three batches are alive at once.
    ``on_stored`` is called with each batch's result once it is stored.
    """
    total = IngestResult()
    known = _KnownIdentities()
    postgres = connection.vendor == "postgresql"

    def prepare(batch: Batch, index: int, stop: threading.Event) -> _Prepared:
        prepared = _prepare(batch, provenance)
        # Once the batch before has learned its ids, nothing is learned until this batch's
        # own identity step: what is known now is what its storing will know.
        if known.wait_for(index, stop):
            if postgres:
                _make_ready(prepared, known)
            referred = _referenced(prepared.posts, prepared.interactions)
            prepared.fresh = (known.generation, known.unknown(referred))
        return prepared

    with transaction.atomic(), _switch_interval.shortened():
        for prepared in _prepared_ahead(batches, prepare):
            result = _store(prepared, known, provenance)
            total.add(result)
            if on_stored is not None:
                on_stored(result)
    return total


class _SwitchInterval:
    """Has CPython hand the GIL between threads every 0.5 ms instead of every 5 ms while
    any stream is being stored, then puts the setting back.

    When PostgreSQL answers, the storing thread needs the GIL back, but the preparing thread
    is busy in Python and gives it up only at the next switch: at the default 5 ms, a dozen
    statements a batch left the database idle for about a tenth of the time. The setting is
    the process's, hence the count of streams using it.
    """

    INTERVAL = 0.0005

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = sys.getswitchinterval()

    @contextmanager
    def shortened(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.INTERVAL))
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    sys.setswitchinterval(self._saved)


_switch_interval = _SwitchInterval()


def _prepared_ahead(
    batches: Iterable[Batch], prepare: Callable[[Batch, int, threading.Event], _Prepared]
) -> Iterator[_Prepared]:
    """``prepare`` of each batch (with its index, and an event set when the consumer stops),
    run in a thread one batch ahead of the consumer.

    An exception in the thread (a file found malformed, say) is raised here, in the
    consumer; when the consumer stops early, the thread stops after its current batch.
    """
    done = object()
    box: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for index, batch in enumerate(batches):
                if not put(prepare(batch, index, stop)):
                    return
        except BaseException as exc:  # noqa: BLE001  (handed to the consumer, which raises it)
            put(exc)
            return
        put(done)

    thread = threading.Thread(target=produce, name="ingest-prepare", daemon=True)
    thread.start()
    try:
        while (item := box.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
