"""Discovery at scale in PostgreSQL, through the real view (``python -m bench.discovery_bench``).

    .venv/bin/python -m bench.discovery_bench [--identities 1000000] [--requests 100]
        [--baseline-requests 12] [--reload] [--refresh]

1. Setup, not measured, done once and kept (a marker table records what is loaded; ``--reload``
   forces it): a database of its own (``klout_bench_discovery``), migrated, holding a generated
   population, demo data only (handles ``demo_<n>``, names "Demo account <n>", bios that say so):
   1,000,000 identities on X, Mastodon and Bluesky with followers, a location and a bio; three
   posts each in the last 80 days, in words of a Zipf-distributed vocabulary (Faker's lorem list
   plus made-up words for the long tail) with hashtags of each identity's interests; 31 days of
   score snapshots each, appended day by day as the daily run writes them; 5% of the identities
   belong to members, a tenth of whom keep their profile private. Rows go in by COPY, secondary
   indexes are rebuilt once afterwards, then VACUUM ANALYZE.
2. The discovery refresh (``scoring.cards.discovery_refresh``: topics and search text from the
   posts and bios, then the cards), in a child process: seconds per stage and peak memory. Kept
   with the population; ``--refresh`` runs it again.
3. Measured: searches through ``/brands/<slug>/discover/`` with Django's test client, signed in
   as a brand owner (URL routing, session, the brand check, queries and template; no network),
   a seeded mix of three kinds: score range + network + topic; words in the bio; sorted by the
   change of score (with a network or "rising only" now and then). p50 and p95 per kind and
   overall, and the SQL queries per page.
4. Baseline, same run: the same searches (the first ``--baseline-requests`` of each kind) in a
   transaction that drops the discovery indexes (the cards' B-trees, the full-text and trigram
   indexes of the search text and IdentityTopic's (topic, identity) index) and is rolled back
   afterwards.

Before measuring, the tables and indexes the searches read (cards, texts, topics, identities:
about 1.6 GB) are read once into the operating system's cache with ``pg_prewarm``, as a server
with this machine's 24 GB keeps them; the score snapshots (9 GB) are not, so the sparklines of
the rows a search shows are read from wherever they are.

Target on the 2-core machine: p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/klout_bench_discovery"
# Bump when the loading changes what ends up in the tables, so a stale cache is reloaded.
LOADER_VERSION = 1
NETWORKS = ("x", "mastodon", "bluesky")
NETWORK_SHARES = (0.6, 0.25, 0.15)
LANGUAGES = ("en", "es", "pt", "de", "fr", "ja", "it", "nl", "tr", "pl")
LANGUAGE_SHARES = (0.55, 0.12, 0.08, 0.06, 0.05, 0.04, 0.03, 0.03, 0.02, 0.02)
PLACES = (
    "berlin, germany", "lisbon, portugal", "madrid, spain", "paris, france", "london, uk",
    "new york, usa", "são paulo, brazil", "tokyo, japan", "amsterdam, netherlands", "rome, italy",
    "mexico city, mexico", "toronto, canada", "sydney, australia", "istanbul, turkey",
    "warsaw, poland", "buenos aires, argentina", "seattle, usa", "porto, portugal",
    "munich, germany", "lyon, france", "osaka, japan", "austin, usa", "dublin, ireland",
    "barcelona, spain", "milan, italy", "utrecht, netherlands", "krakow, poland", "cape town",
)  # fmt: skip
HISTORY_DAYS = 31
POSTS_EACH = 3
MEMBER_SHARE = 0.05
PRIVATE_SHARE = 0.1
INTERESTS = 400  # the first words of the vocabulary, which identities post hashtags about
TAIL_WORDS = 20_000  # made-up words, for searches that match few people
BRAND_SLUG = "bench-brand"
TARGET_P95_MS = 50.0
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# The discovery indexes the baseline runs without (migrations scoring 0007 and 0008).
DISCOVERY_INDEXES = (
    "card_score", "card_network_score", "card_change", "card_network_change", "card_audience",
    "card_network_audience", "card_engagement", "card_network_engagement", "card_language",
    "identity_text_search", "identity_text_location_trgm", "identity_topic_by_topic",
)  # fmt: skip


def _setup_environment() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.postgres import bench_environment

    bench_environment(database_url=DEFAULT_URL, root=ROOT)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def population_key(*, identities: int, seed: int) -> str:
    return f"discovery v{LOADER_VERSION} identities={identities} seed={seed}"


def vocabulary(seed: int) -> list[str]:
    """Faker's English lorem words, then made-up ones: the later a word, the rarer it is."""
    from faker.providers.lorem.en_US import Provider

    words = sorted({w for w in Provider.word_list if len(w) >= 4 and w.isalpha()})
    random.Random(seed).shuffle(words)
    rng = np.random.default_rng(seed)
    syllables = ["ka", "lo", "mi", "ru", "te", "vo", "zan", "pel", "dor", "qui", "sha", "bex", "nu", "fi"]
    seen = set(words)
    target = len(words) + TAIL_WORDS
    while len(words) < target:
        word = "".join(rng.choice(syllables, size=int(rng.integers(3, 5))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_choice(rng: np.random.Generator, size: int, n: int, *, offset: float = 3.0) -> np.ndarray:
    weights = 1.0 / (np.arange(n) + offset)
    return rng.choice(n, size=size, p=weights / weights.sum())


# --- loading (child process) -------------------------------------------------------------------


def _binary_copy(cursor, table: str, columns: dict[str, tuple[str, np.ndarray]], chunk: int = 500_000):
    """COPY numpy columns in PostgreSQL's binary format; kinds: int2/int4/int8/float8/bool,
    date (days since 2000), timestamptz (microseconds since 2000) and fixed bytes ``S<n>``."""
    widths = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "bool": "?", "date": ">i4"}
    widths["timestamptz"] = ">i8"
    dtype = np.dtype(
        [("fields", ">i2")]
        + [
            f
            for name, (kind, _) in columns.items()
            for f in ((f"{name}_len", ">i4"), (name, widths.get(kind, kind)))
        ]
    )
    size = len(next(iter(columns.values()))[1])
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
        for begin in range(0, size, chunk):
            end = min(begin + chunk, size)
            records = np.empty(end - begin, dtype=dtype)
            records["fields"] = len(columns)
            for name, (_, values) in columns.items():
                records[f"{name}_len"] = dtype[name].itemsize
                records[name] = values[begin:end] if np.ndim(values) else values
            copy.write(records.tobytes())
        copy.write(b"\xff\xff")


def _drop_secondary_indexes(cur, tables) -> list[str]:
    from bench.recompute_bench import _drop_secondary_indexes as drop

    return drop(cur, tables)


def load_population(*, url: str, identities: int, seed: int, day: date) -> None:
    """Generate the population and COPY it in (runs in a child process)."""
    import psycopg

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    words = np.array(vocabulary(seed), dtype=object)
    size = identities
    network = rng.choice(len(NETWORKS), size=size, p=NETWORK_SHARES).astype(np.int16)
    followers = np.round(rng.lognormal(5.5, 1.9, size)).astype(np.int64)
    language = rng.choice(len(LANGUAGES), size=size, p=LANGUAGE_SHARES)
    place = np.where(rng.random(size) < 0.3, -1, zipf_choice(rng, size, len(PLACES)))
    interests = zipf_choice(rng, size * 3, INTERESTS, offset=8.0).reshape(size, 3)
    is_member = rng.random(size) < MEMBER_SHARE
    members = int(is_member.sum())
    member_of = np.where(is_member, np.cumsum(is_member), 0)
    member_public = rng.random(members) >= PRIVATE_SHARE

    def general(count: int) -> np.ndarray:
        return zipf_choice(rng, count, len(words), offset=20.0)

    bio_words = general(size * 3).reshape(size, 3)
    now = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    posts = size * POSTS_EACH
    post_author = np.repeat(np.arange(size), POSTS_EACH)
    post_age = rng.uniform(0.1, 80.0, posts)
    post_words = general(posts * 5).reshape(posts, 5)
    post_interest = interests[post_author, rng.integers(0, 3, posts)]
    post_tag = interests[post_author, rng.integers(0, 3, posts)]
    appeal = rng.lognormal(0.0, 1.0, size)
    post_likes = rng.poisson(appeal[post_author] * 3.0)
    print(f"  generated {size:,} identities and {posts:,} posts in {time.perf_counter() - started:.0f} s")

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        t0 = time.perf_counter()
        cur.execute(
            "TRUNCATE connectors_interaction, connectors_post, connectors_identity, scoring_identityscore, "
            "scoring_memberscore, scoring_identitytopic, scoring_identitytext, scoring_discoverycard, "
            "scoring_hiddentopic, perks_shortlistentry, perks_shortlist, accounts_brandmembership, "
            "accounts_brand, accounts_member, accounts_user RESTART IDENTITY CASCADE"
        )
        cur.execute("DELETE FROM bench_population")
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET maintenance_work_mem = '1GB'")
        tables = ("connectors_identity", "connectors_post", "scoring_identityscore")
        dropped = _drop_secondary_indexes(cur, tables)

        cur.execute(
            """
            INSERT INTO accounts_user (id, password, is_superuser, email, name, is_staff, is_active,
                                       date_joined)
            SELECT n, '!', false, 'demo-' || n || '@demo.invalid', 'Demo member ' || n, false, true, now()
            FROM generate_series(1, %s) AS n
            """,
            [members],
        )
        cur.execute("CREATE TEMP TABLE stage_member (n int8, public bool)")
        _binary_copy(
            cur,
            "stage_member",
            {"n": ("int8", np.arange(1, members + 1, dtype=np.int64)), "public": ("bool", member_public)},
        )
        cur.execute(
            "INSERT INTO accounts_member (id, user_id, slug, profile_public, created_at, country) "
            "SELECT n, n, 'demo-' || n, public, now(), '' FROM stage_member"
        )
        print(
            f"  {members:,} members ({int(member_public.sum()):,} public) in {time.perf_counter() - t0:.0f} s"
        )

        t0 = time.perf_counter()
        with cur.copy(
            "COPY connectors_identity (id, network, external_id, handle, name, followers, following, "
            "location, bio, url, member_id, member_claimed, origin, first_seen, updated_at) FROM STDIN"
        ) as copy:
            stamp = now.isoformat()
            for n in range(size):
                bio = " ".join(
                    [
                        f"Demo account {n}, not a real person.",
                        words[interests[n, 0]],
                        words[interests[n, 1]],
                        *words[bio_words[n]],
                    ]
                )
                copy.write_row(
                    (
                        n + 1, NETWORKS[network[n]], f"demo-{n}", f"demo_{n}", f"Demo account {n}",
                        int(followers[n]), 100, PLACES[place[n]] if place[n] >= 0 else "", bio, "",
                        int(member_of[n]) or None, False, 2, stamp, stamp,
                    )
                )  # fmt: skip
        print(f"  identities in {time.perf_counter() - t0:.0f} s")

        t0 = time.perf_counter()
        with cur.copy(
            "COPY connectors_post (id, network, external_id, author_id, created_at, kind, text, language, "
            "url, parent_external_id, likes, origin, first_seen, updated_at) FROM STDIN"
        ) as copy:
            for k in range(posts):
                author = int(post_author[k])
                text = (
                    " ".join([*words[post_words[k, :3]], words[post_interest[k]], *words[post_words[k, 3:]]])
                    + f" #{words[post_tag[k]]}"
                )
                created = (now - timedelta(days=float(post_age[k]))).isoformat()
                copy.write_row(
                    (
                        k + 1, NETWORKS[network[author]], f"demo-post-{k}", author + 1, created, "post", text,
                        LANGUAGES[language[author]], "", "", int(post_likes[k]), 2, created, created,
                    )
                )  # fmt: skip
        print(f"  posts in {time.perf_counter() - t0:.0f} s")

        t0 = time.perf_counter()
        ids = np.arange(1, size + 1, dtype=np.int64)
        base = np.clip(rng.normal(40, 13, size), 1, 95)
        trend = rng.normal(0.0, 0.2, size)
        reported = np.where(rng.random(size) < 0.03, 0.3, 0.0)
        likes_today = rng.poisson(appeal * 3.0 * POSTS_EACH)
        cur.execute(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = "
            "'scoring_identityscore'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'id'"
        )
        kinds = dict(cur.fetchall())
        computed = int((now - PG_EPOCH).total_seconds() * 1e6)
        for back in range(HISTORY_DAYS - 1, -1, -1):
            score = np.clip(base + trend * -back + rng.normal(0, 0.4, size), 0, 100).round(3)
            columns: dict[str, tuple[str, object]] = {}
            for name, kind in kinds.items():
                if kind == "double precision":
                    columns[name] = ("float8", np.zeros(size))
                elif kind in ("integer", "bigint"):
                    columns[name] = ("int4" if kind == "integer" else "int8", np.zeros(size, dtype=np.int64))
            columns.update(
                {
                    "identity_id": ("int8", ids),
                    "day": ("date", np.full(size, (day - timedelta(days=back) - PG_EPOCH.date()).days)),
                    "model_version": ("S5", np.full(size, b"bench")),
                    "computed_at": ("timestamptz", np.full(size, computed - back * 86_400_000_000)),
                    "score": ("float8", score),
                    "unsmoothed": ("float8", score),
                    "raw": ("float8", score / 10),
                    "self_reported": ("float8", (reported * score).round(2)),
                    "received_like": ("int4", likes_today if back == 0 else np.zeros(size, dtype=np.int64)),
                }
            )
            _binary_copy(cur, "scoring_identityscore", columns)
        print(f"  {HISTORY_DAYS} days of scores in {time.perf_counter() - t0:.0f} s")

        t0 = time.perf_counter()
        for statement in dropped:
            cur.execute(statement)
        for table in ("accounts_user", "accounts_member", "connectors_identity", "connectors_post"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            )
        cur.execute("RESET session_replication_role")
        for table in ("accounts_user", "accounts_member", *tables):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        print(f"  indexes and VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s")


def ensure_population(*, url: str, identities: int, seed: int, day: date, reload: bool) -> bool:
    """Load the population unless it is there; True when it was loaded now."""
    from django.db import connection

    key = population_key(identities=identities, seed=seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_population "
            "(key text PRIMARY KEY, day date, loaded_at timestamptz)"
        )
        cursor.execute("SELECT day FROM bench_population WHERE key = %s", [key])
        found = cursor.fetchone()
    if found and not reload:
        print(f"population already loaded ({key}, scored up to {found[0]}): loading skipped")
        return False
    print(f"loading the population ({key}) in a child process")
    started = time.perf_counter()
    _in_child(load_population, url=url, identities=identities, seed=seed, day=day)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_population (key, day, loaded_at) VALUES (%s, %s, now())", [key, day]
        )
    print(f"  setup took {time.perf_counter() - started:.0f} s")
    return True


def _in_child(target, **kwargs) -> None:
    child = multiprocessing.get_context("spawn").Process(target=_child, args=(target,), kwargs=kwargs)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"{target.__name__} failed")


def _child(target, **kwargs) -> None:
    _setup_environment()
    import django

    django.setup()
    target(**kwargs)


def refresh_discovery(*, day: date) -> None:
    """The real discovery refresh, timed, in a child process (its peak memory is its own)."""
    from django.db import connection

    from scoring.cards import discovery_refresh

    now = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    started = time.perf_counter()
    result = discovery_refresh(day=day, now=now)
    seconds = time.perf_counter() - started
    print(
        f"  discovery refresh of {result.topics.identities:,} identities: topics and text "
        f"{result.timings['topics']:.1f} s ({result.topics.topics_rewritten:,} topic sets, "
        f"{result.topics.texts_rewritten:,} texts written), cards {result.timings['cards']:.1f} s "
        f"({result.cards:,}); {seconds:.1f} s in all, peak RSS {peak_rss_mb():,.0f} MB"
    )
    with connection.cursor() as cursor:
        for table in ("scoring_identitytopic", "scoring_identitytext", "scoring_discoverycard"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


# --- measuring -----------------------------------------------------------------------------------


# What the searches read, warmed before measuring (see the module's docstring).
PREWARMED = (
    "scoring_discoverycard", "scoring_discoverycard_pkey", *DISCOVERY_INDEXES, "scoring_identitytext",
    "scoring_identitytext_pkey", "scoring_identitytopic", "identity_topic", "connectors_identity",
    "connectors_identity_pkey", "accounts_member", "accounts_member_pkey", "accounts_user",
    "accounts_user_pkey",
)  # fmt: skip


def prewarm() -> None:
    from django.db import connection

    started = time.perf_counter()
    blocks = 0
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        for name in PREWARMED:
            cursor.execute("SELECT pg_prewarm(%s::regclass, 'read')", [name])
            blocks += cursor.fetchone()[0]
    print(f"  {blocks * 8 / 1024:,.0f} MB of cards, texts, topics and identities read into the OS cache "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip


def brand_client():
    from django.test import Client

    from accounts.models import Brand, BrandMembership, User

    user = User.objects.filter(email="bench-brand@example.com").first()
    if user is None:
        user = User.objects.create_user(email="bench-brand@example.com", password=None)
        brand = Brand.objects.create(name="Bench brand", slug=BRAND_SLUG)
        BrandMembership.objects.create(brand=brand, user=user, role=BrandMembership.Role.OWNER)
    client = Client()
    client.force_login(user)
    return client


def searches(*, seed: int, count: int) -> dict[str, list[dict]]:
    """``count`` searches of each kind, seeded: the same for the indexed and the baseline runs."""
    rng = random.Random(seed)
    words = vocabulary(seed)
    interests, general = words[:INTERESTS], words
    kinds: dict[str, list[dict]] = {
        "score range + network + topic": [],
        "words in bio": [],
        "sort by change": [],
    }
    for _ in range(count):
        low = rng.choice((20, 30, 40, 50))
        kinds["score range + network + topic"].append(
            {
                "score_min": low,
                "score_max": low + rng.choice((15, 25, 40)),
                "network": rng.choice(NETWORKS),
                # Popular and rare interests alike.
                "topic": interests[min(int(rng.paretovariate(0.6)) - 1, INTERESTS - 1)],
            }
        )
        kinds["words in bio"].append(
            {"words": general[min(int(rng.paretovariate(0.35)) - 1, len(general) - 1)]}
        )
        change = {"sort": "change"}
        pick = rng.random()
        if pick < 0.4:
            change["network"] = rng.choice(NETWORKS)
        elif pick < 0.6:
            change["rising"] = "on"
        kinds["sort by change"].append(change)
    return kinds


def _count_queries(client, path: str, params: dict) -> int:
    from django.db import connection

    queries = []

    def count(execute, sql, params_, many, context):
        queries.append(sql)
        return execute(sql, params_, many, context)

    # Around the request, not with CaptureQueriesContext: a request clears the query log.
    with connection.execute_wrapper(count):
        response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    return len(queries)


def run(client, kinds: dict[str, list[dict]], *, limit: int | None = None) -> dict[str, dict]:
    path = f"/brands/{BRAND_SLUG}/discover/"
    out = {}
    for kind, params_list in kinds.items():
        params_list = params_list[:limit] if limit else params_list
        timings, rows = [], []
        for params in params_list:
            started = time.perf_counter()
            response = client.get(path, params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            rows.append(response.content.count(b'data-testid="discover-row"'))
        out[kind] = {
            "timings": timings,
            "queries": _count_queries(client, path, params_list[0]),
            "rows": statistics.mean(rows),
            "empty": sum(1 for r in rows if r == 0),
        }
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(label: str, results: dict[str, dict]) -> float:
    print(f"\n{label}")
    everything = []
    for kind, result in results.items():
        timings = result["timings"]
        everything += timings
        print(
            f"  {kind:<32} p50 {statistics.median(timings):8.1f} ms   p95 {percentile(timings, 0.95):8.1f} ms"
            f"   {result['queries']:2d} queries/page   {result['rows']:4.1f} rows/page"
            f" ({result['empty']} of {len(timings)} empty)"
        )
    p95 = percentile(everything, 0.95)
    print(f"  {'all':<32} p50 {statistics.median(everything):8.1f} ms   p95 {p95:8.1f} ms")
    return p95


def baseline(client, kinds, *, limit: int) -> dict[str, dict]:
    """The same searches without the discovery indexes: dropped in a transaction, rolled back."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in DISCOVERY_INDEXES:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        results = run(client, kinds, limit=limit)
        transaction.set_rollback(True)
    return results


def explain(params: dict) -> None:
    """The plan of a search's page query, for the README."""
    from django.db import connection
    from django.http import QueryDict

    from perks.filters import DiscoveryFilter
    from scoring.selectors import discovery_cards

    query = QueryDict(mutable=True)
    query.update(params)
    sql, sql_params = DiscoveryFilter(query, queryset=discovery_cards()).qs[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", sql_params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--identities", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--requests", type=int, default=100, help="indexed searches of each kind")
    parser.add_argument("--baseline-requests", type=int, default=12, help="unindexed searches of each kind")
    parser.add_argument("--reload", action="store_true", help="load the population even if it is there")
    parser.add_argument("--refresh", action="store_true", help="run the discovery refresh again")
    parser.add_argument("--explain", action="store_true", help="print the plans of one search of each kind")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    _setup_environment()
    from bench.postgres import bench_django_ready

    url = bench_django_ready()
    from django.conf import settings
    from django.core.management import call_command

    # The pages are rendered as in production (DEBUG off), whose static files need their manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    day = datetime.now(UTC).date()
    loaded = ensure_population(
        url=url, identities=args.identities, seed=args.seed, day=day, reload=args.reload
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT day FROM bench_population WHERE key = %s",
            [population_key(identities=args.identities, seed=args.seed)],
        )
        day = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM scoring_discoverycard")
        cards = cursor.fetchone()[0]
    if loaded or args.refresh or not cards:
        print("discovery refresh (child process)")
        _in_child(refresh_discovery, day=day)
    with connection.cursor() as cursor:
        counts = {}
        for table in (
            "connectors_identity",
            "connectors_post",
            "scoring_identityscore",
            "scoring_identitytopic",
            "scoring_discoverycard",
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (names are these)
            counts[table] = cursor.fetchone()[0]
    print(
        f"PostgreSQL {connection.settings_dict['NAME']}: {counts['connectors_identity']:,} identities, "
        f"{counts['connectors_post']:,} posts, {counts['scoring_identityscore']:,} score snapshots, "
        f"{counts['scoring_identitytopic']:,} topics, {counts['scoring_discoverycard']:,} cards"
    )

    # Not Django's test environment: it copies every template context it renders (for
    # response.context), which would be measured as the page's own cost.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = brand_client()
    kinds = searches(seed=args.seed, count=args.requests)
    if args.explain:
        for kind, params_list in kinds.items():
            print(f"\n{kind}: {params_list[0]}")
            explain(params_list[0])
    prewarm()
    for params_list in kinds.values():  # warm the caches and the template loader
        for params in params_list[:3]:
            client.get(f"/brands/{BRAND_SLUG}/discover/", params)
    indexed = report("indexed (the discovery indexes in place)", run(client, kinds))
    unindexed = report(
        f"baseline: the same searches without the discovery indexes (first {args.baseline_requests} of each)",
        baseline(client, kinds, limit=args.baseline_requests),
    )
    verdict = "meets" if indexed < TARGET_P95_MS else "misses"
    print(
        f"\ntarget: p95 under {TARGET_P95_MS:.0f} ms: {verdict} it ({indexed:.1f} ms; "
        f"{unindexed / indexed:.0f}x faster than without the indexes)"
    )


if __name__ == "__main__":
    main()
