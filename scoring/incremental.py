"""What an incremental recompute reads: the neighbourhood of the identities whose data changed.

The ids travel through a temporary table, so the queries join on it instead of carrying
thousands of parameters, and every filter uses an index: interactions by target
(``interaction_target_time``) and by actor (the natural-key index starts with the actor).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction

from connectors.models import Identity
from scoring.columnar import fetch_columns
from scoring.engine.inputs import EdgeList, FeatureTable
from scoring.engine.model import DEFAULT_PARAMS, KINDS, NETWORKS, Params
from scoring.features import Extracted, _code_case, _epoch, _int, index_of

_CHUNK = 5_000


@dataclass(frozen=True)
class LocalExtract:
    extracted: Extracted
    affected: np.ndarray  # bool per row: the identities whose results are complete and stored
    local_targets: np.ndarray  # distinct targets per row among the edges read
    local_actors: np.ndarray  # distinct reactors per row among the edges read


def _chunks(values: list[int]):
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _affected_ids(changed: set[int]) -> set[int]:
    """The changed identities and every other identity of their members.

    The targets of a changed identity's reactions need no re-scoring for its sake: what a
    reaction is worth depends on the reactor's graph figures, which stay frozen until the
    next full run; a new reaction itself makes its target part of ``changed`` (ingest reports
    both ends of every new interaction).
    """
    affected = set(changed)
    members: set[int] = set()
    for chunk in _chunks(sorted(affected)):
        members.update(
            Identity.objects.filter(id__in=chunk, member__isnull=False).values_list("member_id", flat=True)
        )
    for chunk in _chunks(sorted(members)):
        affected.update(Identity.objects.filter(member_id__in=chunk).values_list("id", flat=True))
    return affected


def _temp_ids(cursor, name: str, ids: Iterable[int]) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMP TABLE {name} (id BIGINT PRIMARY KEY)")
    rows = [(int(i),) for i in ids]
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {name} (id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {name}")
    else:
        cursor.executemany(f"INSERT INTO {name} (id) VALUES (%s)", rows)


def affected_extract(
    *, changed: Iterable[int], now: datetime, params: Params = DEFAULT_PARAMS
) -> LocalExtract:
    start = now - timedelta(days=params.window_days)
    affected = _affected_ids({int(i) for i in changed})
    window = (
        "i.occurred_at >= %s AND i.occurred_at <= %s AND i.kind <> 'follow' AND i.actor_id <> i.target_id"
    )
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every query (see features_extract).
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        _temp_ids(cursor, "tmp_affected", affected)
        # Both directions: reactions to affected identities, and theirs to others (which the
        # reciprocity discount of the pairs they form needs).
        reactions = fetch_columns(
            f"""
            SELECT {_int("i.actor_id", "int8")}, {_int("i.target_id", "int8")},
                   {_int(_code_case("i.kind", KINDS), "int2")}, {_epoch("i.occurred_at")},
                   {_int(_code_case("i.network", NETWORKS), "int2")}
            FROM connectors_interaction i JOIN tmp_affected a ON a.id = i.target_id WHERE {window}
            UNION ALL
            SELECT {_int("i.actor_id", "int8")}, {_int("i.target_id", "int8")},
                   {_int(_code_case("i.kind", KINDS), "int2")}, {_epoch("i.occurred_at")},
                   {_int(_code_case("i.network", NETWORKS), "int2")}
            FROM connectors_interaction i JOIN tmp_affected a ON a.id = i.actor_id
            WHERE {window} AND i.target_id NOT IN (SELECT id FROM tmp_affected)
            """,
            [start, now, start, now],
            [
                ("actor", "int8"),
                ("target", "int8"),
                ("kind", "int2"),
                ("time", "float8"),
                ("network", "int2"),
            ],
        )
        nodes = np.union1d(
            np.fromiter(affected, dtype=np.int64), np.union1d(reactions["actor"], reactions["target"])
        )
        _temp_ids(cursor, "tmp_nodes", nodes.tolist())
        identities = fetch_columns(
            f"""
            SELECT {_int("d.id", "int8")}, {_int(_code_case("d.network", NETWORKS), "int2")},
                   {_int("COALESCE(d.followers, 0)", "int8")}, {_int("COALESCE(d.following, 0)", "int8")},
                   {_int("COALESCE(d.member_id, 0)", "int8")}
            FROM connectors_identity d JOIN tmp_nodes n ON n.id = d.id ORDER BY d.id
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
        if connection.vendor == "postgresql":
            age = "FLOOR(EXTRACT(EPOCH FROM (%s - p.created_at)) / 86400)"
        else:
            age = "FLOOR(julianday(%s) - julianday(p.created_at))"
        posts = fetch_columns(
            f"""
            SELECT {_int("p.author_id", "int8")}, {_int(age, "int4")} AS age_day, {_int("COUNT(*)", "int8")}
            FROM connectors_post p JOIN tmp_affected a ON a.id = p.author_id
            WHERE p.created_at >= %s AND p.created_at <= %s AND p.kind <> 'repost'
            GROUP BY p.author_id, age_day
            """,
            [now, start, now],
            [("author", "int8"), ("age_day", "int4"), ("count", "int8")],
        )
        cursor.execute("DROP TABLE IF EXISTS tmp_affected")
        cursor.execute("DROP TABLE IF EXISTS tmp_nodes")

    ids = identities["id"]
    size = len(ids)
    weight = posts["count"] * np.exp2(-(posts["age_day"] + 0.5) / params.half_life_days)
    author = index_of(ids, posts["author"])
    decayed = np.bincount(author[author >= 0], weights=weight[author >= 0], minlength=size)
    # Every endpoint is a node read in the same snapshot, so each id is found.
    actor = index_of(ids, reactions["actor"])
    target = index_of(ids, reactions["target"])
    pairs = np.unique(actor.astype(np.int64) * max(size, 1) + target)
    local_targets = np.bincount(pairs // max(size, 1), minlength=size)
    local_actors = np.bincount(pairs % max(size, 1), minlength=size)
    extracted = Extracted(
        identity_ids=ids,
        member_ids=identities["member"],
        features=FeatureTable(
            network=identities["network"].astype(np.int8),
            followers=identities["followers"].astype(np.float64),
            following=identities["following"].astype(np.float64),
            posts=decayed.astype(np.float64),
        ),
        edges=EdgeList(
            actor=actor,
            target=target,
            kind=reactions["kind"].astype(np.int8),
            time=reactions["time"],
            network=reactions["network"].astype(np.int8),
        ),
        now=now.timestamp(),
    )
    return LocalExtract(
        extracted=extracted,
        affected=np.isin(ids, list(affected)),
        local_targets=local_targets,
        local_actors=local_actors,
    )
