"""What an incremental recompute reads: the neighbourhood of the identities whose data changed.

The ids travel through a temporary table, so the queries join on it instead of carrying
thousands of parameters, and every read is an index probe per id (``features.rows_of``):
interactions by target (``interaction_target_time``), by actor (the natural-key index starts
with the actor) and posts by author (``post_author_created``), each covering the columns read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.db import connection, transaction

from connectors.models import Identity
from klout.db.columnar import fetch_columns
from scoring.engine.model import DEFAULT_PARAMS, Params
from scoring.features import (
    REACTION_COLUMNS,
    REACTION_WINDOW,
    Extracted,
    aligned,
    assemble,
    identities_read,
    index_of,
    post_counts_read,
    posts_read,
    reaction_select,
    rows_of,
)
from scoring.models import IdentityScore


@dataclass(frozen=True)
class LocalExtract:
    extracted: Extracted
    affected: np.ndarray  # bool per row: the identities whose results are complete and stored
    local_targets: np.ndarray  # distinct targets per row among the edges read
    local_actors: np.ndarray  # distinct reactors per row among the edges read
    # The baseline snapshot's graph figures per row (NaN where there is none), if asked for.
    figures: dict[str, np.ndarray] | None = None


def _affected_add_members(cursor, name: str) -> None:
    """Add to the id table ``name`` every other identity of the members among its identities.

    The targets of a changed identity's reactions need no re-scoring for its sake: what a
    reaction is worth depends on the reactor's graph figures, which stay frozen until the
    next full run; a new reaction itself makes its target part of ``changed`` (ingest reports
    both ends of every new interaction).
    """
    identities = Identity._meta.db_table
    if connection.vendor == "postgresql":
        # Index probes per id and per member (see features.rows_of): as plain joins the planner
        # hashed the whole identity table.
        members = (
            f"SELECT DISTINCT d.member_id FROM {name} c CROSS JOIN LATERAL "
            f"(SELECT member_id FROM {identities} d WHERE d.id = c.id OFFSET 0) d "
            "WHERE d.member_id IS NOT NULL"
        )
        others = (
            f"SELECT o.id FROM ({members}) m CROSS JOIN LATERAL "
            f"(SELECT id FROM {identities} o WHERE o.member_id = m.member_id OFFSET 0) o"
        )
    else:
        members = f"SELECT d.member_id FROM {identities} d JOIN {name} c ON c.id = d.id"
        others = f"SELECT o.id FROM {identities} o WHERE o.member_id IN ({members})"
    cursor.execute(
        f"INSERT INTO {name} (id) SELECT id FROM ({others}) x "  # noqa: S608
        f"WHERE id NOT IN (SELECT id FROM {name})"
    )


def _temp_ids(cursor, name: str, ids: Iterable[int]) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMP TABLE {name} (id BIGINT PRIMARY KEY)")
    ids = sorted({int(i) for i in ids})
    if connection.vendor == "postgresql":
        # One buffer, not a write per row: a hundred thousand ids are a few hundred kilobytes.
        with cursor.cursor.copy(f"COPY {name} (id) FROM STDIN") as copy:
            copy.write("".join(f"{i}\n" for i in ids))
        cursor.execute(f"ANALYZE {name}")
    else:
        cursor.executemany(f"INSERT INTO {name} (id) VALUES (%s)", [(i,) for i in ids])


def _temp_ids_read(cursor, name: str) -> np.ndarray:
    cursor.execute(f"SELECT id FROM {name} ORDER BY id")  # noqa: S608 (a temporary table of this module)
    return np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)


FIGURES = ("inflow", "authority_rank", "targets", "distinct_actors")


def affected_extract(
    *, changed: Iterable[int], now: datetime, figures_day: date | None = None, params: Params = DEFAULT_PARAMS
) -> LocalExtract:
    """The affected identities' neighbourhood as of ``now``; with ``figures_day``, also the graph
    figures (FIGURES) of every identity read, from that day's snapshots."""
    start = now - timedelta(days=params.window_days)
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if outermost:
                # One snapshot for every query (see features_extract).
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            # JIT compiles for longer than these index probes take.
            cursor.execute("SET LOCAL jit = off")
        _temp_ids(cursor, "tmp_affected", changed)
        _affected_add_members(cursor, "tmp_affected")
        affected = _temp_ids_read(cursor, "tmp_affected")
        # Both directions: reactions to affected identities, and theirs to others (which the
        # reciprocity discount of the pairs they form needs).
        to_affected = rows_of(
            "connectors_interaction", "i", REACTION_WINDOW, column="target_id", only="tmp_affected"
        )
        by_affected = rows_of(
            "connectors_interaction",
            "i",
            f"{REACTION_WINDOW} AND i.target_id NOT IN (SELECT id FROM tmp_affected)",
            column="actor_id",
            only="tmp_affected",
        )
        reactions = fetch_columns(
            f"{reaction_select()} {to_affected} UNION ALL {reaction_select()} {by_affected}",
            [start, now, start, now],
            REACTION_COLUMNS,
        )
        # The identities whose data enters an affected identity's score: the affected and
        # those reacting to them. The far ends of the affected identities' own reactions only
        # close the edges (what those reactions are worth goes to them, and is not kept), so
        # they are not read: a third fewer index probes.
        to_affected_rows = index_of(affected, reactions["target"]) >= 0
        inner = _distinct(np.concatenate([affected, reactions["actor"][to_affected_rows]]))
        _temp_ids(cursor, "tmp_nodes", inner.tolist())
        identities = identities_read(only="tmp_nodes")
        figures = None
        if figures_day is not None:
            figures = _figures_read(figures_day, identities["id"])
        identities, figures = _with_far_ends(identities, figures, reactions, far=~to_affected_rows)
        posts = posts_read(now=now, start=start, params=params, only="tmp_affected")
        counts = post_counts_read(now=now, start=start, only="tmp_affected", params=params)
        cursor.execute("DROP TABLE IF EXISTS tmp_affected")
        cursor.execute("DROP TABLE IF EXISTS tmp_nodes")

    # Every endpoint is a node read in the same snapshot, so every edge is kept.
    extracted = assemble(
        identities=identities, posts=posts, reactions=reactions, counts=counts, now=now, params=params
    )
    size = len(extracted.identity_ids)
    pairs = _distinct(extracted.edges.actor.astype(np.int64) * max(size, 1) + extracted.edges.target)
    return LocalExtract(
        extracted=extracted,
        affected=np.isin(extracted.identity_ids, affected),
        local_targets=np.bincount(pairs // max(size, 1), minlength=size),
        local_actors=np.bincount(pairs % max(size, 1), minlength=size),
        figures=figures,
    )


def _with_far_ends(identities, figures, reactions, *, far: np.ndarray):
    """``identities`` (and ``figures``) with a row for each far end of the ``far`` reactions not
    already there: the network of the reaction (its actor's, read above), nothing else."""
    targets = reactions["target"][far]
    actors = reactions["actor"][far]
    new = index_of(identities["id"], targets) < 0
    by_end = np.argsort(targets[new], kind="stable")
    ends, their_actors = targets[new][by_end], actors[new][by_end]
    first = np.concatenate(([True], ends[1:] != ends[:-1])) if ends.size else np.zeros(0, dtype=bool)
    ends, their_actors = ends[first], their_actors[first]
    if not ends.size:
        return identities, figures
    network = identities["network"][index_of(identities["id"], their_actors)]
    added = {name: np.zeros(ends.shape, dtype=column.dtype) for name, column in identities.items()}
    added["id"], added["network"] = ends, network
    order = np.argsort(np.concatenate([identities["id"], ends]), kind="stable")
    identities = {name: np.concatenate([identities[name], added[name]])[order] for name in identities}
    if figures is not None:
        figures = {
            name: np.concatenate([column, np.full(ends.shape, np.nan)])[order]
            for name, column in figures.items()
        }
    return identities, figures


def _distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values. (numpy's unique hashes int64s, some fifty times slower here.)"""
    ordered = np.sort(values)
    if ordered.size:
        ordered = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
    return ordered


def _figures_read(day: date, ids: np.ndarray) -> dict[str, np.ndarray]:
    """FIGURES of the identities in ``tmp_nodes`` on ``day``, one row per id of ``ids`` (sorted)."""
    source = rows_of(
        IdentityScore._meta.db_table,
        "s",
        "s.day = %s",
        column="identity_id",
        only="tmp_nodes",
    )
    values = ", ".join(f"CAST(s.{name} AS DOUBLE PRECISION)" for name in FIGURES)
    found = fetch_columns(
        f"SELECT CAST(s.identity_id AS BIGINT), {values} {source}",
        [connection.ops.adapt_datefield_value(day)],
        [("id", "int8"), *[(name, "float8") for name in FIGURES]],
    )
    return aligned(ids, found, FIGURES)
