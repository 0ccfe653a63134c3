"""Full score recompute in PostgreSQL at scale (``python -m bench.recompute_bench``).

    .venv/bin/python -m bench.recompute_bench [--identities 1000000] [--interactions 20000000]
        [--reload] [--skip-networkx]

1. Setup, not measured: a database of its own (``klout_bench_recompute``, created and migrated
   here) holding a generated population (``demo.population``, demo data only): 1,000,000
   identities, 20,000,000 interactions, their posts with their public counts (30% of the likes,
   reposts, replies and quotes known only as those counts, their reactors unknown, as archives
   and the networks show them), and members for a share of the people. The
   columns go straight in with binary COPY (ids assigned here, strings made by the database),
   with the secondary indexes built once afterwards, then VACUUM ANALYZE. A marker table records
   which population is loaded, so a rerun skips the loading; ``--reload`` forces it. Generating
   and loading happen in a child process, so the peak memory printed below is the recompute's.
2. Measured: ``score_recompute`` for the day before the population's last day (a first run, no
   history), then for the last day (the daily case: yesterday's scores exist and are smoothed
   against). Seconds per stage as the ScoreRun records them, the total, and the process's peak
   resident memory (``ru_maxrss``). Then, as the comparison, the same daily run with model v1's
   parameters (no counted reactions, no lists), whose snapshots replace v2's for that day.
3. If ``scoring.services.score_recompute_incremental`` exists: new reactions for 1% of the
   identities go in through the ingest path, and the incremental recompute of those identities is
   timed as a share of the full one. The added rows are removed afterwards, so the cache holds.
4. Baseline, same run: networkx's PageRank on a tenth of the graph (the same generator at a tenth
   of the size), next to the engine's PageRank code on that tenth; the full run's
   ``engine.pagerank`` stage is the figure to compare them with.

Targets (2 cores): the whole recompute under 60 s, peak memory under 4 GB, the incremental under
10% of the full time.
"""

from __future__ import annotations

import argparse
import inspect
import multiprocessing
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/klout_bench_recompute"
# Bump when the loading changes what ends up in the tables, so a stale cache is reloaded.
LOADER_VERSION = 3
# People with two or more identities are members; so is this share of the others.
MEMBER_SHARE = 0.05
# The generator's genuine reactions per identity that give a little over the asked number of
# distinct stored interactions once bots, rings, duplicates and the reactions known only as
# counts are accounted for (1M identities).
REACTIONS_PER_IDENTITY = 19.5
# The incremental case: this share of identities receives this many new reactions each.
CHANGED_SHARE = 0.01
NEW_REACTIONS = 3
INCREMENTAL_PREFIX = "bench-incremental-"
# Of the likes, reposts, replies and quotes to posts, the share known only as the posts' counts.
HIDDEN_SHARE = 0.3

PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC).timestamp()


def _setup_environment() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.postgres import bench_environment

    bench_environment(database_url=DEFAULT_URL, root=ROOT)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def population_spec(*, identities: int, seed: int):
    from demo.population import PopulationSpec

    return PopulationSpec(
        identities=identities,
        reactions_per_identity=REACTIONS_PER_IDENTITY,
        seed=seed,
        hidden_share=HIDDEN_SHARE,
    )


def population_key(*, identities: int, interactions: int, seed: int) -> str:
    return f"v{LOADER_VERSION} identities={identities} interactions={interactions} seed={seed}"


# --- Loading (child process) ---------------------------------------------------------------


def _binary_copy(cursor, table: str, columns: dict[str, tuple[str, np.ndarray]], chunk: int = 1_000_000):
    """COPY numpy columns into ``table`` in PostgreSQL's binary format, built as numpy records.

    Every field is fixed-width (int2/int4/int8/float8/timestamptz as int64 microseconds since
    2000-01-01), so a row is one structured record and no Python object is made per row.
    """
    widths = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "timestamptz": ">i8"}
    dtype = np.dtype(
        [("fields", ">i2")]
        + [f for name, (kind, _) in columns.items() for f in ((f"{name}_len", ">i4"), (name, widths[kind]))]
    )
    size = len(next(iter(columns.values()))[1])
    names = ", ".join(columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
        for begin in range(0, size, chunk):
            end = min(begin + chunk, size)
            records = np.empty(end - begin, dtype=dtype)
            records["fields"] = len(columns)
            for name, (_, values) in columns.items():
                records[f"{name}_len"] = dtype[name].itemsize
                records[name] = values[begin:end]
            copy.write(records.tobytes())
        copy.write(b"\xff\xff")


def _pg_time(seconds: np.ndarray) -> np.ndarray:
    return np.round((seconds - PG_EPOCH) * 1e6).astype(np.int64)


def _distinct_interactions(population, *, limit: int | None, seed: int) -> np.ndarray:
    """Indices of interactions with distinct natural keys (what the ingest path would keep),
    the first occurrence of each, then a seeded sample of ``limit`` of them in time order."""
    post = population.post
    order = np.lexsort((population.time, post, population.kind, population.target, population.actor))
    a, t, k, p = population.actor[order], population.target[order], population.kind[order], post[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (t[1:] != t[:-1]) | (k[1:] != k[:-1]) | (p[1:] != p[:-1])
    kept = order[first]
    if limit is not None and kept.size > limit:
        kept = np.random.default_rng(seed).choice(kept, size=limit, replace=False)
    return np.sort(kept)


def load_population(*, url: str, identities: int, interactions: int, seed: int) -> None:
    """Generate the population and COPY it in (runs in a child process)."""
    import psycopg

    from demo.population import generate
    from scoring.engine import COUNTED_KINDS, KINDS, NETWORKS

    started = time.perf_counter()
    spec = population_spec(identities=identities, seed=seed)
    population = generate(spec=spec)
    distinct = _distinct_interactions(population, limit=None, seed=seed)
    # The posts' public counts: every distinct reaction to them, hidden or not; of the others,
    # ``interactions`` go in as interactions.
    keep = distinct
    posts_count = population.post_author.size
    countable = np.array([COUNTED_KINDS.index(k) if k in COUNTED_KINDS else -1 for k in KINDS])
    column = countable[population.kind[keep]]
    on_post = (population.post[keep] >= 0) & (column >= 0)
    flat = population.post[keep][on_post] * len(COUNTED_KINDS) + column[on_post]
    post_counts = np.bincount(flat, minlength=posts_count * len(COUNTED_KINDS)).reshape(posts_count, -1)
    keep = distinct[~population.hidden[distinct]]
    if keep.size > interactions:
        keep = np.sort(np.random.default_rng(seed).choice(keep, size=interactions, replace=False))
    if keep.size < interactions:
        print(f"  note: the generator gave {keep.size:,} distinct interactions, fewer than asked")
    print(
        f"  generated {population.size:,} identities, {population.post_author.size:,} posts, "
        f"{population.actor.size:,} interactions ({keep.size:,} kept) in "
        f"{time.perf_counter() - started:.0f} s"
    )

    # Members: every person with several identities, and a share of the others.
    rng = np.random.default_rng(seed)
    per_person = np.bincount(population.person, minlength=population.persons)
    is_member = (per_person > 1) | (rng.random(population.persons) < MEMBER_SHARE)
    member_of_person = np.where(is_member, np.cumsum(is_member), 0)
    members = int(is_member.sum())
    identity_member = member_of_person[population.person]

    tables = ("connectors_identity", "connectors_post", "connectors_interaction")
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        t0 = time.perf_counter()
        cur.execute(
            "TRUNCATE connectors_interaction, connectors_post, connectors_identity, "
            "accounts_member, accounts_user RESTART IDENTITY CASCADE"
        )
        cur.execute("DELETE FROM bench_population")
        # The FK triggers would look each row's references up one by one; every id below is
        # made to exist, so they are skipped for this session (the constraints stay in place).
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET maintenance_work_mem = '1GB'")
        dropped = _drop_secondary_indexes(cur, tables)

        now_sql = "now()"
        cur.execute(
            f"""
            INSERT INTO accounts_user (id, password, is_superuser, email, name, is_staff, is_active,
                                       date_joined)
            SELECT n, '!', false, 'demo-' || n || '@demo.invalid', 'Demo member ' || n, false, true,
                   {now_sql}
            FROM generate_series(1, %s) AS n
            """,  # noqa: S608 (names and literals are this script's own)
            [members],
        )
        cur.execute(
            f"""
            INSERT INTO accounts_member (id, user_id, slug, profile_public, country, created_at)
            SELECT n, n, 'demo-' || n, false, '', {now_sql} FROM generate_series(1, %s) AS n
            """,  # noqa: S608 (names and literals are this script's own)
            [members],
        )

        networks = "ARRAY[" + ", ".join(f"'{n}'" for n in NETWORKS) + "]"
        kinds = "ARRAY[" + ", ".join(f"'{k}'" for k in KINDS) + "]"
        size = population.size
        cur.execute(
            "CREATE TEMP TABLE stage_identity (n int8, network int2, followers int8, following int8, "
            "member int8)"
        )
        _binary_copy(
            cur,
            "stage_identity",
            {
                "n": ("int8", np.arange(size, dtype=np.int64)),
                "network": ("int2", population.network),
                "followers": ("int8", population.followers),
                "following": ("int8", population.following),
                "member": ("int8", identity_member),
            },
        )
        cur.execute(
            f"""
            INSERT INTO connectors_identity (id, network, external_id, handle, name, followers,
                following, location, bio, url, member_id, first_seen, updated_at)
            SELECT n + 1, ({networks})[network + 1], 'demo-' || n, 'demo_' || n,
                   'Demo account ' || n, followers, following, '',
                   'Synthetic demo account (demo.population); not a real person.', '',
                   NULLIF(member, 0), {now_sql}, {now_sql}
            FROM stage_identity
            """  # noqa: S608 (names and literals are this script's own)
        )
        cur.execute("DROP TABLE stage_identity")

        posts = population.post_author.size
        cur.execute(
            "CREATE TEMP TABLE stage_post (n int8, author int8, network int2, created_at timestamptz, "
            "reposts int8, replies int8, quotes int8, likes int8)"
        )
        _binary_copy(
            cur,
            "stage_post",
            {
                "n": ("int8", np.arange(posts, dtype=np.int64)),
                "author": ("int8", population.post_author.astype(np.int64)),
                "network": ("int2", population.network[population.post_author]),
                "created_at": ("timestamptz", _pg_time(population.post_time)),
                **{
                    name: ("int8", post_counts[:, COUNTED_KINDS.index(kind)].astype(np.int64))
                    for name, kind in (
                        ("reposts", "repost"),
                        ("replies", "reply"),
                        ("quotes", "quote"),
                        ("likes", "like"),
                    )
                },
            },
        )
        cur.execute(
            f"""
            INSERT INTO connectors_post (id, network, external_id, author_id, created_at, kind, text,
                language, url, parent_external_id, reposts, replies, quotes, likes, first_seen, updated_at)
            SELECT n + 1, ({networks})[network + 1], 'demo-post-' || n, author + 1, created_at, 'post',
                   'Demo post ' || n, '', '', '', reposts, replies, quotes, likes, {now_sql}, {now_sql}
            FROM stage_post
            """  # noqa: S608 (names and literals are this script's own)
        )
        cur.execute("DROP TABLE stage_post")

        actor = population.actor[keep].astype(np.int64)
        target = population.target[keep].astype(np.int64)
        cur.execute(
            "CREATE TEMP TABLE stage_interaction (actor int8, target int8, kind int2, network int2, "
            "post int8, occurred_at timestamptz)"
        )
        _binary_copy(
            cur,
            "stage_interaction",
            {
                "actor": ("int8", actor),
                "target": ("int8", target),
                "kind": ("int2", population.kind[keep]),
                "network": ("int2", population.network[target]),
                "post": ("int8", population.post[keep]),
                "occurred_at": ("timestamptz", _pg_time(population.time[keep])),
            },
        )
        del actor, target, population
        cur.execute(
            f"""
            INSERT INTO connectors_interaction (network, kind, actor_id, target_id, post_id,
                post_external_id, occurred_at)
            SELECT ({networks})[network + 1], ({kinds})[kind + 1], actor + 1, target + 1,
                   CASE WHEN post >= 0 THEN post + 1 END,
                   CASE WHEN post >= 0 THEN 'demo-post-' || post ELSE '' END, occurred_at
            FROM stage_interaction
            """  # noqa: S608 (names and literals are this script's own)
        )
        cur.execute("DROP TABLE stage_interaction")
        copied = time.perf_counter() - t0

        t0 = time.perf_counter()
        for statement in dropped:
            cur.execute(statement)
        for table in ("accounts_user", "accounts_member", *tables):
            last = f"SELECT COALESCE(MAX(id), 1) FROM {table}"  # noqa: S608 (this script's own names)
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({last}))")
        indexed = time.perf_counter() - t0
        t0 = time.perf_counter()
        cur.execute("RESET session_replication_role")
        for table in ("accounts_user", "accounts_member", *tables):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        analysed = time.perf_counter() - t0
        cur.execute(
            "INSERT INTO bench_population (key, loaded_at) VALUES (%s, now())",
            [population_key(identities=identities, interactions=interactions, seed=seed)],
        )
    print(
        f"  loaded {members:,} members, the identities, posts and interactions: COPY and insert "
        f"{copied:.0f} s, indexes {indexed:.0f} s, VACUUM ANALYZE {analysed:.0f} s"
    )


def _drop_secondary_indexes(cur, tables) -> list[str]:
    """Drop the unique constraints and plain indexes (not primary keys) of ``tables``; return
    the statements that recreate them. One bulk build per index after the load is several times
    faster than keeping 20M rows' worth of them up to date row by row."""
    recreate: list[str] = []
    for table in tables:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        constraints = cur.fetchall()
        for name, definition in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
            [table],
        )
        for name, definition in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
            recreate.append(definition)
    return recreate


def ensure_population(*, url: str, identities: int, interactions: int, seed: int, reload: bool) -> None:
    from django.db import connection

    key = population_key(identities=identities, interactions=interactions, seed=seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_population (key text PRIMARY KEY, loaded_at timestamptz)"
        )
        cursor.execute("SELECT 1 FROM bench_population WHERE key = %s", [key])
        cached = cursor.fetchone() is not None
    if cached and not reload:
        print(f"population already loaded ({key}): loading skipped")
        return
    print(f"loading the population ({key}) in a child process")
    started = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(
        target=_child_load,
        kwargs={"url": url, "identities": identities, "interactions": interactions, "seed": seed},
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit("loading the population failed")
    print(f"  setup took {time.perf_counter() - started:.0f} s")


def _child_load(**kwargs) -> None:
    _setup_environment()
    load_population(**kwargs)


# --- Measuring ------------------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in ("connectors_identity", "connectors_post", "connectors_interaction", "accounts_member"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (names are these)
            counts[table] = cursor.fetchone()[0]
    return counts


def print_run(label: str, run, seconds: float) -> None:
    print(f"\n{label}: {run.identities:,} identities, {run.members:,} members, {run.edges:,} edges read")
    for stage, value in run.timings.items():
        indent = "    " if stage.startswith("engine.") else "  "
        print(f"{indent}{stage:<{24 - len(indent)}}{value:8.2f} s")
    print(f"  {'total':<22}{seconds:8.2f} s   (peak RSS so far {peak_rss_mb():,.0f} MB)")


def measure_incremental(*, now: datetime, full_seconds: float, seed: int) -> None:
    from django.db import connection

    from connectors.ingest import ingest_batch
    from connectors.records import Batch, InteractionRecord
    from scoring import services

    incremental = getattr(services, "score_recompute_incremental", None)
    if incremental is None:
        print("\nincremental: scoring.services.score_recompute_incremental does not exist yet; skipped")
        return
    rng = np.random.default_rng(seed + 7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM connectors_identity")
        size = cursor.fetchone()[0]
    changed = np.sort(rng.choice(size, size=int(size * CHANGED_SHARE), replace=False)) + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, network, external_id FROM connectors_identity WHERE id = ANY(%s)",
            [changed.tolist()],
        )
        rows = cursor.fetchall()
        # Actors: any identity of the same network (here, the next changed one of that network).
    by_network: dict[str, list[str]] = {}
    for _, network, external in rows:
        by_network.setdefault(network, []).append(external)
    batch = Batch()
    at = now - timedelta(hours=2)
    for network, externals in by_network.items():
        for position, target in enumerate(externals):
            for step in range(1, NEW_REACTIONS + 1):
                actor = externals[(position + step) % len(externals)]
                batch.interactions.append(
                    InteractionRecord(
                        network=network,
                        kind="like",
                        actor_id=actor,
                        target_id=target,
                        occurred_at=at,
                        post_id=f"{INCREMENTAL_PREFIX}{target}-{step}",
                    )
                )
    started = time.perf_counter()
    ingest_batch(batch=batch, record_changes=False)
    ingested = time.perf_counter() - started

    parameters = inspect.signature(incremental).parameters
    kwargs = {"now": now} if "now" in parameters else {}
    if "day" in parameters:
        kwargs["day"] = now.date()
    started = time.perf_counter()
    run = incremental(identity_ids=[int(i) for i, _, _ in rows], **kwargs)
    seconds = time.perf_counter() - started
    print(
        f"\nincremental: {len(batch.interactions):,} new reactions to {len(rows):,} identities "
        f"({CHANGED_SHARE:.0%}) ingested in {ingested:.1f} s"
    )
    timings = getattr(run, "timings", None) or {}
    for stage, value in timings.items():
        print(f"    {stage:<20}{value:8.2f} s")
    print(
        f"  score_recompute_incremental {seconds:8.2f} s = {seconds / full_seconds:.1%} of the full "
        f"recompute (target < 10%); peak RSS {peak_rss_mb():,.0f} MB"
    )


def remove_incremental_rows() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM connectors_interaction WHERE post_external_id LIKE %s", [f"{INCREMENTAL_PREFIX}%"]
        )


def baseline(*, identities: int, seed: int, full_pagerank: float) -> None:
    """networkx PageRank on a tenth of the graph: the same generator at a tenth of the size."""
    from bench.engine_bench import networkx_baseline
    from demo.population import generate
    from scoring.engine.graph import plain_pagerank

    small = generate(spec=population_spec(identities=identities // 10, seed=seed + 1))
    tenth = small.size
    # Self-reactions are dropped for both sides: networkx would keep them as self-loops.
    kept = small.actor != small.target
    actor, target = small.actor[kept], small.target[kept]
    print(f"\nbaseline on a tenth of the graph: {tenth:,} nodes, {actor.size:,} reactions")
    started = time.perf_counter()
    ours = plain_pagerank(actor=actor, target=target, size=tenth)
    print(f"  engine PageRank code (unweighted)   {time.perf_counter() - started:8.2f} s")
    networkx_baseline(actor=actor, target=target, size=tenth, ours=ours)
    print(f"  compare: the full run's engine.pagerank stage, on the whole graph, {full_pagerank:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--identities", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=20_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reload", action="store_true", help="load the population even if cached")
    parser.add_argument("--skip-networkx", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, even into a file

    _setup_environment()
    from bench.postgres import bench_django_ready

    url = bench_django_ready()
    from django.db import connection

    ensure_population(
        url=url,
        identities=args.identities,
        interactions=args.interactions,
        seed=args.seed,
        reload=args.reload,
    )
    remove_incremental_rows()  # left over by an interrupted run
    counts = table_counts()
    print(
        f"PostgreSQL {connection.settings_dict['NAME']}: {counts['connectors_identity']:,} identities, "
        f"{counts['connectors_post']:,} posts, {counts['connectors_interaction']:,} interactions, "
        f"{counts['accounts_member']:,} members"
    )

    from scoring.services import score_recompute

    spec = population_spec(identities=args.identities, seed=args.seed)
    now = spec.start + timedelta(days=spec.days)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE scoring_identityscore, scoring_memberscore, scoring_scorerun")
    print(f"2 cores; peak RSS before the runs {peak_rss_mb():,.0f} MB")

    started = time.perf_counter()
    first = score_recompute(now=now - timedelta(days=1))
    label = f"first run ({(now - timedelta(days=1)).date()}, no history)"
    print_run(label, first, time.perf_counter() - started)

    started = time.perf_counter()
    daily = score_recompute(now=now)
    daily_seconds = time.perf_counter() - started
    print_run(f"daily run ({now.date()}, smoothed against the day before)", daily, daily_seconds)
    print(
        f"\nfull recompute {daily_seconds:.1f} s (target < 60 s), peak RSS {peak_rss_mb():,.0f} MB "
        "(target < 4,096 MB)"
    )

    try:
        measure_incremental(now=now, full_seconds=daily_seconds, seed=args.seed)
    finally:
        remove_incremental_rows()

    # The comparison: model v1 on the same data, the same day (its snapshots replace v2's).
    from scoring.engine import MODEL_VERSION, PARAMS_V1

    started = time.perf_counter()
    previous = score_recompute(now=now, params=PARAMS_V1)
    v1_seconds = time.perf_counter() - started
    print_run(f"daily run with model {PARAMS_V1.version}'s parameters, same data", previous, v1_seconds)
    print(
        f"\nfull recompute: model {MODEL_VERSION} {daily_seconds:.1f} s, model {PARAMS_V1.version} "
        f"{v1_seconds:.1f} s in the same run ({daily_seconds - v1_seconds:+.1f} s for the counted "
        f"reactions and lists); peak RSS of the whole run {peak_rss_mb():,.0f} MB"
    )

    if not args.skip_networkx:
        baseline(
            identities=args.identities,
            seed=args.seed,
            full_pagerank=daily.timings.get("engine.pagerank", 0.0),
        )


if __name__ == "__main__":
    main()
