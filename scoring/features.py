"""Feature extraction: the engine's inputs, aggregated by the database.

Three queries feed a run: the identities (network, audience), the posts authored in the window
(counted per author and day, then decayed), and the reactions in the window (one row per
interaction, which the engine saturates and discounts itself). Network and kind names become the
engine's integer codes inside SQL, so the rows cross into numpy as fixed-width records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction

from scoring.columnar import fetch_columns
from scoring.engine.inputs import EdgeList, FeatureTable
from scoring.engine.model import DAY, DEFAULT_PARAMS, KINDS, NETWORKS, Params


@dataclass(frozen=True, slots=True)
class Extracted:
    identity_ids: np.ndarray  # sorted database ids; row i of the features is identity_ids[i]
    member_ids: np.ndarray  # member id per row, 0 where the identity belongs to no member
    features: FeatureTable
    edges: EdgeList
    now: float


def _code_case(column: str, names: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN '{name}' THEN {code}" for code, name in enumerate(names))
    return f"(CASE {column} {whens} ELSE -1 END)"


def _epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        # date_part is float8 already; EXTRACT returns numeric, whose arithmetic and cast cost
        # more per row than the rest of a 20M-row scan.
        return f"date_part('epoch', {column})"
    return f"CAST(strftime('%%s', {column}) AS REAL)"


def _int(expr: str, kind: str) -> str:
    return f"({expr})::{kind}" if connection.vendor == "postgresql" else f"CAST({expr} AS INTEGER)"


def features_extract(*, now: datetime, params: Params = DEFAULT_PARAMS) -> Extracted:
    """Everything the engine needs to score every identity as of ``now``."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # One snapshot for the three queries: at the default READ COMMITTED each would
                # see the rows committed meanwhile, and an interaction of an identity created
                # between the identities query and the interactions query would point outside
                # the table. (SQLite's transaction is a snapshot already.)
                if outermost:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # For this transaction only. JIT spends seconds compiling expressions for scans
                # that are each read once; and the per-author aggregate spills to disk with the
                # default 4MB of work_mem (a million groups need about 100MB).
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '256MB'")
        return _extract(now=now, params=params)


def _extract(*, now: datetime, params: Params) -> Extracted:
    start = now - timedelta(days=params.window_days)
    identities = fetch_columns(
        f"""
        SELECT {_int("id", "int8")}, {_int(_code_case("network", NETWORKS), "int2")},
               {_int("COALESCE(followers, 0)", "int8")}, {_int("COALESCE(following, 0)", "int8")},
               {_int("COALESCE(member_id, 0)", "int8")}
        FROM connectors_identity ORDER BY id
        """,
        [],
        [
            ("id", "int8"),
            ("network", "int2"),
            ("followers", "int8"),
            ("following", "int8"),
            ("member", "int8"),
        ],
    )
    ids = identities["id"]
    decayed_posts = _decayed_posts(ids=ids, now=now, start=start, params=params)

    reactions = fetch_columns(
        f"""
        SELECT {_int("actor_id", "int8")}, {_int("target_id", "int8")},
               {_int(_code_case("kind", KINDS), "int2")}, {_epoch("occurred_at")},
               {_int(_code_case("network", NETWORKS), "int2")}
        FROM connectors_interaction
        WHERE occurred_at >= %s AND occurred_at <= %s AND kind <> 'follow' AND actor_id <> target_id
        """,
        [start, now],
        [("actor", "int8"), ("target", "int8"), ("kind", "int2"), ("time", "float8"), ("network", "int2")],
    )
    features = FeatureTable(
        network=identities["network"].astype(np.int8),
        followers=identities["followers"].astype(np.float64),
        following=identities["following"].astype(np.float64),
        posts=decayed_posts.astype(np.float64),
    )
    edges = EdgeList(
        actor=np.searchsorted(ids, reactions["actor"]).astype(np.int32),
        target=np.searchsorted(ids, reactions["target"]).astype(np.int32),
        kind=reactions["kind"].astype(np.int8),
        time=reactions["time"],
        network=reactions["network"].astype(np.int8),
    )
    return Extracted(
        identity_ids=ids, member_ids=identities["member"], features=features, edges=edges, now=now.timestamp()
    )


def _decayed_posts(*, ids: np.ndarray, now: datetime, start: datetime, params: Params) -> np.ndarray:
    """Posts authored in the window per identity, each weighing 0.5 ** ((whole days of age + 0.5)
    / half-life); reposts are not counted as posting (they are what others do *with* posts)."""
    size = len(ids)
    if connection.vendor == "postgresql":
        # Summed per author in SQL: a million groups instead of one per author and day, which
        # kept millions of rows in the aggregate and sent them all across.
        posts = fetch_columns(
            f"""
            SELECT author_id::int8,
                   SUM(power(0.5::float8,
                             (FLOOR((%s::float8 - {_epoch("created_at")}) / 86400) + 0.5) / %s::float8))
            FROM connectors_post
            WHERE created_at >= %s AND created_at <= %s AND kind <> 'repost'
            GROUP BY author_id
            """,
            [now.timestamp(), float(params.half_life_days), start, now],
            [("author", "int8"), ("weight", "float8")],
        )
        weight = posts["weight"]
    else:
        age = "FLOOR(julianday(%s) - julianday(created_at))"
        posts = fetch_columns(
            f"""
            SELECT author_id, {_int(age, "int4")} AS age_day, COUNT(*)
            FROM connectors_post
            WHERE created_at >= %s AND created_at <= %s AND kind <> 'repost'
            GROUP BY author_id, age_day
            """,
            [now, start, now],
            [("author", "int8"), ("age_day", "int4"), ("count", "int8")],
        )
        weight = posts["count"] * np.exp2(-(posts["age_day"] + 0.5) / params.half_life_days)
    if not size:
        return np.zeros(0)
    return np.bincount(np.searchsorted(ids, posts["author"]), weights=weight, minlength=size)


__all__ = ["DAY", "Extracted", "features_extract"]
