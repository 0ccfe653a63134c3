"""The evaluation's inputs, read from the database: every identity, post and reaction over time."""

from __future__ import annotations

import numpy as np
from django.db import connection

from klout.db.columnar import fetch_columns
from scoring.engine.evaluation import ActivityColumns
from scoring.engine.model import COUNTED_KINDS, KINDS, NETWORKS
from scoring.features import _code_case, _int, index_of, time_column

# A post's public counts, in COUNTED_KINDS order; no network counts mentions per post.
_POST_COUNTS = {"repost": "reposts", "reply": "replies", "quote": "quotes", "like": "likes", "view": "views"}


def activity_columns_extract() -> tuple[ActivityColumns, np.ndarray]:
    """All stored activity as columns, and the identity ids of the rows.

    Posts come with their public counts as last seen (which may include reactions after a split;
    the evaluation only counts posts made before it), and each reaction with its post's row
    where it is linked to one.
    """
    real = "float8" if connection.vendor == "postgresql" else "REAL"
    identities = fetch_columns(
        f"""
        SELECT {_int("id", "int8")}, {_int(_code_case("network", NETWORKS), "int2")},
               {_int("COALESCE(followers, 0)", "int8")}, {_int("COALESCE(following, 0)", "int8")},
               {_int("COALESCE(listed, 0)", "int8")}
        FROM connectors_identity
        """,
        [],
        [
            ("id", "int8"),
            ("network", "int2"),
            ("followers", "int8"),
            ("following", "int8"),
            ("listed", "int8"),
        ],
        order_by="id",
    )
    ids = identities["id"]
    counts = ", ".join(
        f"CAST(COALESCE({_POST_COUNTS[kind]}, -1) AS {real})"
        if kind in _POST_COUNTS
        else f"CAST(-1 AS {real})"
        for kind in COUNTED_KINDS
    )
    posts = fetch_columns(
        f"SELECT {_int('id', 'int8')}, {_int('author_id', 'int8')}, {time_column('created_at')}, {counts} "
        "FROM connectors_post WHERE kind <> 'repost'",
        [],
        [
            ("id", "int8"),
            ("author", "int8"),
            ("time", "epoch"),
            *[(kind, "float8") for kind in COUNTED_KINDS],
        ],
        order_by="id",
    )
    reactions = fetch_columns(
        f"""
        SELECT {_int("actor_id", "int8")}, {_int("target_id", "int8")},
               {_int(_code_case("kind", KINDS), "int2")}, {time_column("occurred_at")},
               {_int("COALESCE(post_id, 0)", "int8")}
        FROM connectors_interaction
        """,
        [],
        [("actor", "int8"), ("target", "int8"), ("kind", "int2"), ("time", "epoch"), ("post", "int8")],
    )
    post_counts = np.stack([posts[kind] for kind in COUNTED_KINDS], axis=1) if posts["id"].size else None
    if post_counts is not None:
        post_counts[post_counts < 0] = np.nan
    columns = ActivityColumns(
        network=identities["network"].astype(np.int8),
        followers=identities["followers"].astype(np.float64),
        following=identities["following"].astype(np.float64),
        listed=identities["listed"].astype(np.float64),
        post_author=index_of(ids, posts["author"]),
        post_time=posts["time"],
        post_counts=post_counts if post_counts is not None else np.zeros((0, len(COUNTED_KINDS))),
        actor=index_of(ids, reactions["actor"]),
        target=index_of(ids, reactions["target"]),
        kind=reactions["kind"].astype(np.int8),
        time=reactions["time"],
        post=index_of(posts["id"], reactions["post"]).astype(np.int64),
    )
    return columns, ids
