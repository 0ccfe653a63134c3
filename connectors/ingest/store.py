"""Storing a prepared batch: identities, posts, interactions, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from connectors.ingest.known import KnownIdentities
from connectors.ingest.prepare import (
    INTERACTION_COLUMNS,
    INTERACTION_COPY,
    OCCURRED_AT,
    Prepared,
    deduplicated,
    interaction_lines,
    microseconds,
    referenced,
)
from connectors.ingest.results import IngestResult
from connectors.ingest.tombstones import drop_tombstoned
from connectors.models import Identity, Interaction, Post, Tombstone
from connectors.records import IdentityRecord, InteractionRecord, Origin, PostRecord, Provenance
from klout.db.copy import TempLoader

_IDENTITY = Identity._meta.db_table
_POST = Post._meta.db_table
_INTERACTION = Interaction._meta.db_table


# Ranks above every origin: a row that no source described yet (a bare identity) is changed
# by any.
_NO_ORIGIN = 32767


def _changed(
    loader: TempLoader,
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
    ``replaced`` columns taken as they come (an uploader's id, which the API's fetch clears).

    When a source that is not an upload replaces a row that one was (a profile or post a member
    uploaded, then read from the network), everything is taken as the network says it, its
    silences too: a count or text only the upload gave must not stay on under the network's
    origin, where it would count as fetched."""
    replaces_upload = f"(excluded.origin < {int(Origin.UPLOAD)} AND {table}.origin >= {int(Origin.UPLOAD)})"
    parts = [
        f"{c} = CASE WHEN {replaces_upload} OR excluded.{c} <> '' THEN excluded.{c} ELSE {table}.{c} END"
        for c in text_cols
    ]
    parts += [
        f"{c} = CASE WHEN {replaces_upload} THEN excluded.{c} ELSE COALESCE(excluded.{c}, {table}.{c}) END"
        for c in value_cols
    ]
    parts += [f"{c} = excluded.{c}" for c in replaced]
    parts.append("updated_at = excluded.updated_at")
    return ", ".join(parts)


_ID_TEXT = ("handle", "name", "location", "bio", "url")
_ID_VALUES = ("followers", "following", "posts_count", "listed", "verified", "origin")


def _store_identities(
    loader: TempLoader,
    explicit: dict[tuple[str, str], IdentityRecord],
    bare: set[tuple[str, str]],
    now: datetime,
    result: IngestResult,
    *,
    want_ids: bool,
    origin: Origin,
    known: KnownIdentities | None = None,
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
        "listed bigint, verified boolean, origin smallint",
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
                    r.listed,
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
    loader: TempLoader,
    posts: dict[tuple[str, str], PostRecord],
    now: datetime,
    result,
    provenance: Provenance,
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


def _posts_reattributed(loader: TempLoader) -> list[int]:
    """The stored posts of the batch to which it gives another author, being more trusted."""
    loader.cursor.execute(
        f"SELECT o.id FROM ingest_post t "  # noqa: S608
        f"JOIN {_IDENTITY} a ON a.network = t.network AND a.external_id = t.author_external_id "
        f"JOIN {_POST} o ON o.network = t.network AND o.external_id = t.external_id "
        "WHERE o.author_id <> a.id AND t.origin < o.origin"
    )
    return [row[0] for row in loader.cursor.fetchall()]


def _delete_uploaded(loader: TempLoader, result: IngestResult, where: str) -> None:
    """Delete the uploaded interactions that satisfy ``where`` (over the interaction table), and
    count them as replaced; their actors and targets are re-scored."""
    loader.cursor.execute(
        f"DELETE FROM {_INTERACTION} WHERE {_UPLOADED} AND {where} RETURNING actor_id, target_id"  # noqa: S608
    )
    for actor_id, target_id in loader.cursor.fetchall():
        result.self_reported_replaced += 1
        result.changed_identity_ids.add(actor_id)
        result.changed_identity_ids.add(target_id)


def _uploaded_reactions_replace(loader: TempLoader, result: IngestResult) -> None:
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


def _store_interactions(
    loader: TempLoader,
    ready: tuple[str, int],
    interactions: list[InteractionRecord],
    ids: dict[str, dict[str, int]],
    result: IngestResult,
    provenance: Provenance,
) -> None:
    """Insert the new interactions, carrying actor and target ids resolved by the identity step.

    ``ready`` is COPY text already made (by ``prepare``) and its number of rows; the text of
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
        loader.copy_text("ingest_interaction", INTERACTION_COPY, text)
    if loader.postgres:
        more, _, rest = interaction_lines(interactions, ids)
        if more:
            loader.copy_text("ingest_interaction", INTERACTION_COPY, more)
        # Left: a record whose text needs escaping, or an identity deleted after the upsert.
        columns, when = INTERACTION_COPY, microseconds
    else:
        rest, columns, when = interactions, INTERACTION_COLUMNS, loader.dt
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
        f"{OCCURRED_AT if loader.postgres else 't.occurred_at'}, {origin}, %s "
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


def store(prepared: Prepared, known: KnownIdentities, provenance: Provenance) -> IngestResult:
    """Store a prepared batch, all or nothing."""
    result = prepared.result
    identities, posts, interactions = prepared.identities, prepared.posts, prepared.interactions
    ready = prepared.ready
    if not (identities or posts or interactions or ready[1]):
        known.batch_learned()
        return result
    learned = False
    with transaction.atomic(), connection.cursor() as cursor:
        loader = TempLoader(cursor)
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
            fresh = known.unknown(referenced(posts, interactions))
        identities, posts, interactions, fresh = drop_tombstoned(
            identities, posts, interactions, fresh, result, known
        )
        explicit, unique_posts = deduplicated(identities, posts, result)
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
