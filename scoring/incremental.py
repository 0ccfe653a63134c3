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
from scoring.engine.model import DEFAULT_PARAMS, Params
from scoring.features import (
    REACTION_COLUMNS,
    REACTION_WINDOW,
    Extracted,
    assemble,
    identities_read,
    posts_read,
    reaction_select,
)

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
            {reaction_select()} FROM connectors_interaction i JOIN tmp_affected a ON a.id = i.target_id
            WHERE {REACTION_WINDOW}
            UNION ALL
            {reaction_select()} FROM connectors_interaction i JOIN tmp_affected a ON a.id = i.actor_id
            WHERE {REACTION_WINDOW} AND i.target_id NOT IN (SELECT id FROM tmp_affected)
            """,
            [start, now, start, now],
            REACTION_COLUMNS,
        )
        nodes = np.union1d(
            np.fromiter(affected, dtype=np.int64), np.union1d(reactions["actor"], reactions["target"])
        )
        _temp_ids(cursor, "tmp_nodes", nodes.tolist())
        identities = identities_read(only="tmp_nodes")
        posts = posts_read(now=now, start=start, params=params, only="tmp_affected")
        cursor.execute("DROP TABLE IF EXISTS tmp_affected")
        cursor.execute("DROP TABLE IF EXISTS tmp_nodes")

    # Every endpoint is a node read in the same snapshot, so every edge is kept.
    extracted = assemble(identities=identities, posts=posts, reactions=reactions, now=now)
    size = len(extracted.identity_ids)
    pairs = np.unique(extracted.edges.actor.astype(np.int64) * max(size, 1) + extracted.edges.target)
    return LocalExtract(
        extracted=extracted,
        affected=np.isin(extracted.identity_ids, list(affected)),
        local_targets=np.bincount(pairs // max(size, 1), minlength=size),
        local_actors=np.bincount(pairs % max(size, 1), minlength=size),
    )
