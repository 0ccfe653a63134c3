"""Feature extraction: the engine's inputs, aggregated by the database.

Four queries feed a run: the identities (network, audience, lists), the posts authored in the
window (counted per author and day, then decayed), the public counts of those posts that report
any, with the reactions stored for each (the counted reactions, ``scoring.engine.counted``), and
the reactions in the window (one row per interaction, which the engine saturates and discounts
itself). Network and kind names become the
engine's integer codes inside SQL, so the rows cross into numpy as fixed-width records.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction

from connectors.records import Origin
from klout.db.columnar import fetch_columns
from scoring.engine.counted import PER_POST_KINDS, counted_reactions, reactions_per_post
from scoring.engine.inputs import EdgeList, FeatureTable
from scoring.engine.model import COUNTED_KINDS, DAY, DEFAULT_PARAMS, KINDS, NETWORKS, Params


@dataclass(frozen=True, slots=True)
class Extracted:
    identity_ids: np.ndarray  # sorted database ids; row i of the features is identity_ids[i]
    member_ids: np.ndarray  # member id per row, 0 where the identity belongs to no member
    features: FeatureTable
    edges: EdgeList
    now: float
    # Per row: linked to its member by the member's own say (an uploaded archive), not proven
    # by a connected account.
    claimed: np.ndarray


def _code_case(column: str, names: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN '{name}' THEN {code}" for code, name in enumerate(names))
    return f"(CASE {column} {whens} ELSE -1 END)"


def _epoch(column: str) -> str:
    """``column``'s seconds since 1970, as a number to compute with in SQL."""
    if connection.vendor == "postgresql":
        # date_part is float8 already; EXTRACT returns numeric, whose arithmetic and cast cost
        # more per row than the rest of a 20M-row scan.
        return f"date_part('epoch', {column})"
    return f"CAST(strftime('%%s', {column}) AS REAL)"


def time_column(column: str) -> str:
    """``column`` selected as an ``epoch`` column of ``fetch_columns``.

    On PostgreSQL the timestamptz goes as stored (numpy converts it): computing date_part for
    ten million rows was a third of the reactions query.
    """
    return column if connection.vendor == "postgresql" else _epoch(column)


def _int(expr: str, kind: str) -> str:
    return f"({expr})::{kind}" if connection.vendor == "postgresql" else f"CAST({expr} AS INTEGER)"


def index_of(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The row of each value in the sorted ``ids`` (int32), or -1 where it is not there.

    Database ids are dense, so a lookup table indexed by id answers ten million edges in a
    fraction of the time binary searches take; sparse ids fall back to the searches.
    """
    values = np.asarray(values, dtype=np.int64)
    if not ids.size:
        return np.full(values.shape, -1, dtype=np.int32)
    top = int(ids[-1])
    if top < 4 * ids.size + 1_000_000:
        table = np.full(top + 1, -1, dtype=np.int32)
        table[ids] = np.arange(ids.size, dtype=np.int32)
        inside = (values >= 0) & (values <= top)
        out = np.full(values.shape, -1, dtype=np.int32)
        out[inside] = table[values[inside]]
        return out
    position = np.minimum(np.searchsorted(ids, values), ids.size - 1)
    return np.where(ids[position] == values, position, -1).astype(np.int32)


def aligned(ids: np.ndarray, found: dict[str, np.ndarray], names) -> dict[str, np.ndarray]:
    """The float columns ``names`` of ``found`` (rows keyed by ``found["id"]``) in the order of
    the sorted ``ids``; NaN where an id was not found, and found rows of other ids left out."""
    row = index_of(ids, found["id"])
    hit = row >= 0
    out = {name: np.full(ids.shape, np.nan) for name in names}
    for name in names:
        out[name][row[hit]] = found[name][hit]
    return out


def features_extract(*, now: datetime, params: Params = DEFAULT_PARAMS) -> Extracted:
    """Everything the engine needs to score every identity as of ``now``.

    On PostgreSQL, outside any transaction (as in the worker), the three queries read one
    snapshot, and the identities and posts are read on a second connection that shares it
    (``pg_export_snapshot``) while this one streams the interactions: the two table scans then
    use two cores.
    """
    outermost = not connection.in_atomic_block
    start = now - timedelta(days=params.window_days)

    def in_sequence() -> Extracted:
        return assemble(
            identities=identities_read(),
            posts=posts_read(now=now, start=start, params=params),
            reactions=_reactions(now=now, start=start),
            counts=post_counts_read(now=now, start=start, params=params),
            now=now,
            params=params,
        )

    with transaction.atomic():
        if connection.vendor != "postgresql":
            return in_sequence()
        with connection.cursor() as cursor:
            if outermost:
                # One snapshot for the three queries: at the default READ COMMITTED each would
                # see the rows committed meanwhile, and an interaction of an identity created
                # between the queries would point outside the table.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            _session_settings(cursor)
            if not outermost:
                return in_sequence()
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        with ThreadPoolExecutor(max_workers=1) as pool:
            side = pool.submit(
                _in_snapshot,
                snapshot,
                lambda: (
                    identities_read(),
                    posts_read(now=now, start=start, params=params),
                    post_counts_read(now=now, start=start, params=params),
                ),
            )
            reactions = _reactions(now=now, start=start)
            identities, posts, counts = side.result()
        return assemble(
            identities=identities, posts=posts, reactions=reactions, counts=counts, now=now, params=params
        )


def _session_settings(cursor) -> None:
    # For this transaction only. JIT spends seconds compiling expressions for scans that are
    # each read once; and the per-author aggregate spills to disk with the default 4MB of
    # work_mem (a million groups need about 100MB).
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL work_mem = '256MB'")


_SNAPSHOT_ID = re.compile(r"^[0-9A-Fa-f-]+$")


def _in_snapshot(snapshot: str, job):
    """Run ``job`` on this thread's own connection, in the snapshot another transaction exported."""
    if not _SNAPSHOT_ID.match(snapshot):
        raise ValueError(f"unexpected snapshot id {snapshot!r}")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            _session_settings(cursor)
            return job()
    finally:
        connection.close()


def rows_of(table: str, alias: str, where: str, *, column: str = "", only: str | None = None) -> str:
    """``FROM ... WHERE ...`` for the rows of ``table`` (as ``alias``) that satisfy ``where``,
    and, with ``only``, whose ``column`` is an id in that temporary table.

    On PostgreSQL the restricted form is a LATERAL subquery per id, fenced with OFFSET 0 so it
    is not flattened into a join: the planner overestimates how many rows a few thousand ids
    reach (popular targets skew its statistics) and would scan the whole table, where one
    index probe per id, answered from the covering indexes, reads a tiny part of it.
    """
    if only is None:
        return f"FROM {table} {alias} WHERE {where}"
    if connection.vendor == "postgresql":
        return (
            f"FROM {only} o CROSS JOIN LATERAL (SELECT * FROM {table} {alias} "
            f"WHERE {alias}.{column} = o.id AND {where} OFFSET 0) {alias}"
        )
    return f"FROM {table} {alias} JOIN {only} ON {only}.id = {alias}.{column} WHERE {where}"


_UPLOADED = int(Origin.UPLOAD)
# Linked to a member by the member's own claim (an uploaded archive), not proven.
_CLAIMED = "CASE WHEN d.member_id IS NOT NULL AND d.member_claimed THEN 1 ELSE 0 END"


# Lists as X reports them (no other network has lists; an import's number for another is not read).
_LISTED = "CASE WHEN d.network = 'x' THEN COALESCE(d.listed, 0) ELSE 0 END"


def identities_read(*, only: str | None = None) -> dict[str, np.ndarray]:
    return fetch_columns(
        f"""
        SELECT {_int("d.id", "int8")}, {_int(_code_case("d.network", NETWORKS), "int2")},
               {_int("COALESCE(d.followers, 0)", "int8")}, {_int("COALESCE(d.following, 0)", "int8")},
               {_int("COALESCE(d.member_id, 0)", "int8")}, {_int(_LISTED, "int8")},
               {_int(f"CASE WHEN d.origin = {_UPLOADED} THEN 1 ELSE 0 END", "int2")},
               {_int(_CLAIMED, "int2")}
        {rows_of("connectors_identity", "d", "TRUE", column="id", only=only)}
        """,
        [],
        [
            ("id", "int8"),
            ("network", "int2"),
            ("followers", "int8"),
            ("following", "int8"),
            ("member", "int8"),
            ("listed", "int8"),
            ("audience_reported", "int2"),
            ("claimed", "int2"),
        ],
        order_by="id",
    )


# Reactions inside the window (follows are audience, not reactions; self-interactions count
# nothing; nor does a reaction only its giver uploaded, which is not the target's to vouch for).
REACTION_WINDOW = (
    "i.occurred_at >= %s AND i.occurred_at <= %s AND i.kind <> 'follow' AND i.actor_id <> i.target_id "
    f"AND i.origin <> {int(Origin.UPLOAD_GIVEN)}"
)
REACTION_COLUMNS = [
    ("actor", "int8"),
    ("target", "int8"),
    ("kind", "int2"),
    ("time", "epoch"),
    ("reported", "int2"),
]


def reaction_select() -> str:
    """The select list of REACTION_COLUMNS over ``connectors_interaction i``.

    No network: an interaction's is its actor's, which ``assemble`` takes from the identities.
    Every column read is in the covering indexes an incremental recompute reads from.
    """
    return (
        f"SELECT {_int('i.actor_id', 'int8')}, {_int('i.target_id', 'int8')}, "
        f"{_int(_code_case('i.kind', KINDS), 'int2')}, {time_column('i.occurred_at')}, "
        f"{_int(f'CASE WHEN i.origin = {_UPLOADED} THEN 1 ELSE 0 END', 'int2')}"
    )


def _reactions(*, now: datetime, start: datetime) -> dict[str, np.ndarray]:
    """The window's reactions, each with the post it is linked to (0 for none): a full run
    counts the stored reactions of each post from them (``known_per_post``)."""
    return fetch_columns(
        f"{reaction_select()}, {_int('COALESCE(i.post_id, 0)', 'int8')} "
        f"FROM connectors_interaction i WHERE {REACTION_WINDOW}",
        [start, now],
        [*REACTION_COLUMNS, ("post", "int8")],
    )


def assemble(
    *, identities, posts, reactions, counts, now: datetime, params: Params = DEFAULT_PARAMS
) -> Extracted:
    """The engine's inputs from the four queries' columns (rows found by id)."""
    ids = identities["id"]
    author, weight = posts
    author_row = index_of(ids, author)
    known_author = author_row >= 0
    decayed_posts = np.bincount(author_row[known_author], weights=weight[known_author], minlength=len(ids))
    actor, target = index_of(ids, reactions["actor"]), index_of(ids, reactions["target"])
    known = (actor >= 0) & (target >= 0)
    if not known.all():  # cannot happen within one snapshot; never index outside the table
        reactions = {name: column[known] for name, column in reactions.items()}
        actor, target = actor[known], target[known]
    followers = identities["followers"].astype(np.float64)
    counted_author = index_of(ids, counts["author"])
    on_table = counted_author >= 0
    if "known_repost" in counts:
        stored = np.stack([counts[f"known_{kind}"] for kind in COUNTED_KINDS], axis=1)
        vouched = counts["vouched"]
    else:
        stored = known_per_post(counts, reactions)
        fetched = {
            "post": reactions["post"][reactions["reported"] == 0],
            "kind": reactions["kind"][reactions["reported"] == 0],
        }
        vouched = known_per_post(counts, fetched).sum(axis=1)
    # An upload's typed follower count is limited here too, or it would make room for counts.
    typed = identities["audience_reported"] > 0
    cap_followers = np.where(typed, np.minimum(followers, params.self_reported_followers_max), followers)
    counted = counted_reactions(
        owner=counted_author[on_table],
        time=counts["time"][on_table],
        counts=np.stack([counts[f"count_{kind}"][on_table] for kind in COUNTED_KINDS], axis=1),
        known=stored[on_table],
        vouched=vouched[on_table],
        followers=cap_followers,
        size=len(ids),
        now=now.timestamp(),
        params=params,
        self_reported=counts["reported"][on_table] > 0,
    )
    features = FeatureTable(
        network=identities["network"].astype(np.int8),
        followers=followers,
        following=identities["following"].astype(np.float64),
        posts=decayed_posts.astype(np.float64),
        audience_self_reported=identities["audience_reported"] > 0,
        listed=identities["listed"].astype(np.float64),
        counted=counted.counted,
        counted_self_reported=counted.self_reported,
        counted_capped=counted.capped,
    )
    edges = EdgeList(
        actor=actor,
        target=target,
        kind=reactions["kind"].astype(np.int8),
        time=reactions["time"],
        network=features.network[actor],
        self_reported=reactions["reported"] > 0,
    )
    return Extracted(
        identity_ids=ids,
        member_ids=identities["member"],
        features=features,
        edges=edges,
        now=now.timestamp(),
        claimed=identities["claimed"] > 0,
    )


_IN_WINDOW = "p.created_at >= %s AND p.created_at <= %s AND p.kind <> 'repost'"


def posts_read(
    *, now: datetime, start: datetime, params: Params, only: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per author, their posts in the window, each weighing 0.5 ** ((whole days of age + 0.5)
    / half-life); reposts are not counted as posting (they are what others do *with* posts)."""
    if connection.vendor == "postgresql":
        # Summed per author in SQL: a million groups instead of one per author and day, which
        # kept millions of rows in the aggregate and sent them all across.
        posts = fetch_columns(
            f"""
            SELECT p.author_id::int8,
                   SUM(power(0.5::float8,
                             (FLOOR((%s::float8 - {_epoch("p.created_at")}) / 86400) + 0.5) / %s::float8))
            {rows_of("connectors_post", "p", _IN_WINDOW, column="author_id", only=only)}
            GROUP BY p.author_id
            """,
            [now.timestamp(), float(params.half_life_days), start, now],
            [("author", "int8"), ("weight", "float8")],
        )
        weight = posts["weight"]
    else:
        age = "FLOOR(julianday(%s) - julianday(p.created_at))"
        posts = fetch_columns(
            f"""
            SELECT p.author_id, {_int(age, "int4")} AS age_day, COUNT(*)
            {rows_of("connectors_post", "p", _IN_WINDOW, column="author_id", only=only)}
            GROUP BY p.author_id, age_day
            """,
            [now, start, now],
            [("author", "int8"), ("age_day", "int4"), ("count", "int8")],
        )
        weight = posts["count"] * np.exp2(-(posts["age_day"] + 0.5) / params.half_life_days)
    return posts["author"], weight


# The public count of each counted kind on a post (views too); a network reports no count of
# mentions per post, so that column is always "none".
_POST_COUNT = {
    "repost": "p.reposts",
    "reply": "p.replies",
    "quote": "p.quotes",
    "like": "p.likes",
    "view": "p.views",
}
POST_COUNT_COLUMNS = [
    ("id", "int8"),
    ("author", "int8"),
    ("time", "epoch"),
    ("reported", "int2"),
    *[(f"count_{kind}", "float8") for kind in COUNTED_KINDS],
]
KNOWN_COLUMNS = [*[(f"known_{kind}", "float8") for kind in COUNTED_KINDS], ("vouched", "float8")]
_PER_POST = "(" + ", ".join(f"'{kind}'" for kind in PER_POST_KINDS) + ")"
# The stored reactions a post's count includes: those the engine reads (REACTION_WINDOW).
_KNOWN_REACTION = (
    "i.post_id = p.id AND i.kind <> 'follow' AND i.actor_id <> i.target_id "
    f"AND i.origin <> {int(Origin.UPLOAD_GIVEN)} AND i.occurred_at >= %s AND i.occurred_at <= %s"
)


def post_counts_read(
    *, now: datetime, start: datetime, only: str | None = None, params: Params = DEFAULT_PARAMS
) -> dict[str, np.ndarray]:
    """Per post in the window with a public count above 0: its id, author, time, whether an
    upload brought it, and each count (NaN: not reported); sorted by id.

    For the identities of ``only`` (an incremental run), also the reactions of each kind stored
    for each post (``known_*``), looked up per post; a full run counts them from the reactions
    it reads anyway (``assemble``), instead of an index probe for each of millions of posts.
    The stored reactions are those linked to the post (``Interaction.post``, set at ingest when
    the post is known) that the engine reads. A model that counts none of them (v1) reads none.
    """
    columns = POST_COUNT_COLUMNS + (KNOWN_COLUMNS if only else [])
    if params.counted_weight == 0:
        return {name: np.zeros(0, dtype=np.int64 if kind == "int8" else np.float64) for name, kind in columns}
    some = " + ".join(f"COALESCE({column}, 0)" for column in _POST_COUNT.values())
    real = "float8" if connection.vendor == "postgresql" else "REAL"
    counts = ", ".join(
        f"CAST(COALESCE({_POST_COUNT[kind]}, -1) AS {real})" if kind in _POST_COUNT else f"CAST(-1 AS {real})"
        for kind in COUNTED_KINDS
    )
    reported = _int(f"CASE WHEN p.origin = {_UPLOADED} THEN 1 ELSE 0 END", "int2")
    source = rows_of("connectors_post", "p", f"{_IN_WINDOW} AND {some} > 0", column="author_id", only=only)
    select = (
        f"SELECT {_int('p.id', 'int8')}, {_int('p.author_id', 'int8')}, {time_column('p.created_at')}, "
        f"{reported}, {counts}"
    )
    params_sql: list = [start, now]
    if not only:
        sql = f"{select} {source}"
    elif connection.vendor == "postgresql":
        known = ", ".join(
            f"COUNT(*) FILTER (WHERE i.kind = '{kind}')::float8 AS known_{kind}" for kind in COUNTED_KINDS
        )
        known += (
            f", COUNT(*) FILTER (WHERE i.origin < {_UPLOADED} AND i.kind IN {_PER_POST})::float8 AS vouched"
        )
        sql = f"""
            {select}, {", ".join(f"k.known_{kind}" for kind in COUNTED_KINDS)}, k.vouched
            FROM (SELECT p.* {source}) p
            CROSS JOIN LATERAL (SELECT {known} FROM connectors_interaction i WHERE {_KNOWN_REACTION}) k
        """
        params_sql = [start, now, start, now]
    else:
        known = ", ".join(
            f"CAST((SELECT COUNT(*) FROM connectors_interaction i WHERE {_KNOWN_REACTION} "
            f"AND i.kind = '{kind}') AS REAL)"
            for kind in COUNTED_KINDS
        )
        known += (
            f", CAST((SELECT COUNT(*) FROM connectors_interaction i WHERE {_KNOWN_REACTION} "
            f"AND i.origin < {_UPLOADED} AND i.kind IN {_PER_POST}) AS REAL)"
        )
        sql = f"{select}, {known} {source}"
        params_sql = [*[start, now] * (len(COUNTED_KINDS) + 1), start, now]
    found = fetch_columns(sql, params_sql, columns, order_by="id")
    for kind in COUNTED_KINDS:
        column = found[f"count_{kind}"]
        column[column < 0] = np.nan
    return found


def known_per_post(counts: dict[str, np.ndarray], reactions: dict[str, np.ndarray]) -> np.ndarray:
    """(posts, len(COUNTED_KINDS)): the reactions of each kind the run read that are linked to
    each post of ``counts`` (sorted by id), from the reactions' ``post`` column."""
    rows = index_of(counts["id"], reactions["post"])
    return reactions_per_post(post=rows, kind=reactions["kind"], posts=counts["id"].size)


__all__ = ["DAY", "Extracted", "features_extract"]
