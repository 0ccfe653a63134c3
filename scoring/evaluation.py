"""The evaluation's inputs, read from the database: every identity, post and reaction over time."""

from __future__ import annotations

import numpy as np

from klout.db.columnar import fetch_columns
from scoring.engine.evaluation import ActivityColumns
from scoring.engine.model import KINDS, NETWORKS
from scoring.features import _code_case, _int, time_column


def activity_columns_extract() -> tuple[ActivityColumns, np.ndarray]:
    """All stored activity as columns, and the identity ids of the rows."""
    identities = fetch_columns(
        f"""
        SELECT {_int("id", "int8")}, {_int(_code_case("network", NETWORKS), "int2")},
               {_int("COALESCE(followers, 0)", "int8")}, {_int("COALESCE(following, 0)", "int8")}
        FROM connectors_identity
        """,
        [],
        [("id", "int8"), ("network", "int2"), ("followers", "int8"), ("following", "int8")],
        order_by="id",
    )
    ids = identities["id"]
    posts = fetch_columns(
        f"SELECT {_int('author_id', 'int8')}, {time_column('created_at')} "
        "FROM connectors_post WHERE kind <> 'repost'",
        [],
        [("author", "int8"), ("time", "epoch")],
    )
    reactions = fetch_columns(
        f"""
        SELECT {_int("actor_id", "int8")}, {_int("target_id", "int8")},
               {_int(_code_case("kind", KINDS), "int2")}, {time_column("occurred_at")}
        FROM connectors_interaction
        """,
        [],
        [("actor", "int8"), ("target", "int8"), ("kind", "int2"), ("time", "epoch")],
    )
    columns = ActivityColumns(
        network=identities["network"].astype(np.int8),
        followers=identities["followers"].astype(np.float64),
        following=identities["following"].astype(np.float64),
        post_author=np.searchsorted(ids, posts["author"]).astype(np.int32),
        post_time=posts["time"],
        actor=np.searchsorted(ids, reactions["actor"]).astype(np.int32),
        target=np.searchsorted(ids, reactions["target"]).astype(np.int32),
        kind=reactions["kind"].astype(np.int8),
        time=reactions["time"],
    )
    return columns, ids
