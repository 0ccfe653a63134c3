"""The score lookup endpoint under concurrent load, over loopback (``python -m bench.api_bench``).

    .venv/bin/python -m bench.api_bench [--workers 2,3,4] [--connections 16] [--duration 20]
        [--warmup 3] [--tokens 64] [--sample 1000]

1. Setup, not measured: the population of ``bench.discovery_bench`` in its database
   (``klout_bench_discovery``: 1,000,000 identities on X, Mastodon and Bluesky with 31 days of
   score snapshots each, demo data only), loaded through its loader when its marker table does
   not hold it (about 4 minutes), and migrated; bench members (``bench-api-<n>@example.com``)
   holding ``--tokens`` personal tokens with ``scores:read``; a seeded random sample of
   ``--sample`` visible identities (of no member or of a public member) that have a score, whose
   rows are read once beforehand. With 1,000 the sample's 31,000 snapshots (on as many heap
   pages: one per day) stay in memory during the run; with 5,000 they do not on the 2-core
   machine (PostgreSQL's 128 MB of shared buffers, an OS cache that gives cold pages back) and
   the run measures its disk.
2. Served by gunicorn with sync workers (a fresh gunicorn for each count of ``--workers``),
   DEBUG=0, the project's settings read from the environment as in production, with
   ``bench.api_bench_site`` adding the baseline's URL; persistent database connections
   (CONN_MAX_AGE=60 with health checks, as ``klout.env`` parses DATABASE_URL); the Django cache,
   which the throttles use, in Redis (REDIS_URL, default database 13, apart from others').
3. Measured, for each worker count: the plain Django JSON view (``/bench/plain/``: a
   JsonResponse through the same middleware, no DRF and no database), then
   ``GET /api/v1/identities/<network>/<handle>/score/`` with ``Authorization: Bearer <key>``
   over the sample, each by a closed-loop asyncio client of ``--connections`` connections
   speaking HTTP/1.1 with keep-alive (gunicorn's sync workers close the connection after every
   response, so each request opens a new one, and its latency includes the connect): a warm-up
   that is not counted, then ``--duration`` seconds. Requests per second, p50/p95/p99/max
   latency, responses that are not 200 (or lack the expected body) and connection errors; the
   CPU taken by the load generator, gunicorn, PostgreSQL, Redis and anything else; per score
   lookup, PostgreSQL's transactions and the identity and snapshot rows it read, and Redis's
   commands (from the servers' own counters).
4. In-process, once: the SQL queries of one score lookup through Django's test client (every
   statement with its time and its plan), and the latency of both views one at a time, no HTTP.

Throttle: the production rate stays (``API_RATE_SCORES``, 6000/min per token by default); the
requests rotate over ``--tokens`` tokens (64: up to 6,400 requests/s in all before any token
reaches its rate), so each token's throttle carries what a client at rps/64 would carry. The
throttle histories are emptied before each run.

Target on the 2-core machine: at least 2,000 requests/s with p99 under 10 ms. The load generator
runs on the same two cores as gunicorn, PostgreSQL and Redis and takes CPU from them.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/klout_bench_discovery"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
POPULATION = {"identities": 1_000_000, "seed": 3}  # bench.discovery_bench's defaults
HOST = "127.0.0.1"
PLAIN_PATH = "/bench/plain/"
TARGET_RPS = 2_000
TARGET_P99_MS = 10.0
TOKENS_PER_MEMBER = 32  # accounts.tokens.MAX_TOKENS is 50


def _setup_environment() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    # Forced, not defaulted: the baseline's URL lives in this settings module, and the
    # benchmark measures a production configuration.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api_bench_site"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-" + "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdef"
    )
    os.environ.setdefault("TOKEN_ENCRYPTION_KEY", "bench-only-no-token-is-stored")
    os.environ.setdefault("ALLOWED_HOSTS", f"{HOST},localhost")
    os.environ.setdefault("KLOUT_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    Path(os.environ["KLOUT_VAR_DIR"]).mkdir(parents=True, exist_ok=True)


def percentile_ms(values: list[float], share: float) -> float:
    return float(np.percentile(values, share * 100)) * 1000 if values else float("nan")


# --- setup -----------------------------------------------------------------------------------------


def population_ensure() -> None:
    """bench.discovery_bench's population, loaded by its own loader when it is missing."""
    from datetime import UTC, datetime

    from bench.discovery_bench import ensure_population

    ensure_population(
        url=os.environ["DATABASE_URL"],
        identities=POPULATION["identities"],
        seed=POPULATION["seed"],
        day=datetime.now(UTC).date(),
        reload=False,
    )


def tokens_make(count: int) -> list[str]:
    """``count`` fresh member tokens with ``scores:read`` (the bench members' earlier ones go)."""
    from accounts.models import ApiToken, User
    from accounts.services import member_create
    from accounts.tokens import api_token_authenticate, api_token_create

    keys: list[str] = []
    for n in range((count + TOKENS_PER_MEMBER - 1) // TOKENS_PER_MEMBER):
        email = f"bench-api-{n}@example.com"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None
        )
        member = member_create(user=user)
        ApiToken.objects.filter(member=member).delete()
        for _ in range(min(TOKENS_PER_MEMBER, count - len(keys))):
            keys.append(api_token_create(user=user, member=member, name="bench", scopes="scores:read").key)
    for key in keys:  # the first use writes last_used_at (then at most every 5 minutes): not in the run
        api_token_authenticate(key)
    return keys


def sample_paths(*, size: int, seed: int) -> list[str]:
    """Score paths of ``size`` random visible identities with a score, in a seeded order."""
    from django.db.models import Exists, Max, OuterRef, Q

    from connectors.models import Identity
    from connectors.selectors import identities_visible
    from scoring.models import IdentityScore

    top = Identity.objects.aggregate(top=Max("pk"))["top"] or 0
    rng = random.Random(seed)
    ids = rng.sample(range(1, top + 1), min(top, size * 2))
    rows = list(
        identities_visible()
        .filter(pk__in=ids)
        .exclude(handle="")
        .filter(Exists(IdentityScore.objects.filter(identity=OuterRef("pk"))))
        .exclude(Q(network="") | Q(handle__contains="/"))
        .values_list("network", "handle")
    )
    rows.sort()
    rng.shuffle(rows)
    if len(rows) < size:
        print(f"  (only {len(rows):,} visible scored identities in the sample)")
    return [f"/api/v1/identities/{network}/{quote(handle)}/score/" for network, handle in rows[:size]]


def prewarm(paths: list[str]) -> None:
    """Read the sample's identities and snapshots once, so the run starts from a warm cache (the
    snapshots are 7 GB, PostgreSQL's shared buffers 128 MB by default)."""
    from django.db import connection

    handles = [path.split("/")[5] for path in paths]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # A sequential scan of the identities, then the snapshots by the (identity, day) index.
        cursor.execute("SELECT array_agg(id) FROM connectors_identity WHERE UPPER(handle) = ANY(%s)",
                       [[handle.upper() for handle in handles]])  # fmt: skip
        ids = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*), SUM(score) FROM scoring_identityscore WHERE identity_id = ANY(%s)", [ids]
        )
        snapshots = cursor.fetchone()[0]
    print(f"  cache warmed with the identity table and the sample's {snapshots:,} snapshots in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip


def sessions_other() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def plan_summary(sql: str, params) -> str:
    """What PostgreSQL does for one statement: its scans, the rows it read and threw away, its time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]
    nodes: list[str] = []

    def walk(node: dict) -> None:
        if "Relation Name" in node:
            using = f" using {node['Index Name']}" if "Index Name" in node else ""
            removed = node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
            nodes.append(
                f"{node['Node Type']}{using} on {node['Relation Name']}"
                + (f" ({removed:,.0f} rows read and filtered out)" if removed else "")
            )
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return f"{'; '.join(nodes)}; {plan['Execution Time']:.1f} ms"


# --- in-process ------------------------------------------------------------------------------------


def queries_of_one_request(client, path: str) -> list[tuple[str, tuple, float]]:
    from django.db import connection

    queries: list[tuple[str, tuple, float]] = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((sql, params, (time.perf_counter() - started) * 1000))

    # Around the request, not CaptureQueriesContext: a request clears the query log.
    with connection.execute_wrapper(record):
        response = client.get(path)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return queries


def in_process(keys: list[str], paths: list[str], *, requests: int) -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    api = Client(headers={"authorization": f"Bearer {keys[0]}"})
    api.get(paths[-1])  # not counted: the first request loads the URL patterns and connects
    queries = queries_of_one_request(api, paths[0])
    print(f"\nSQL queries per score lookup (in-process, Django's test client): {len(queries)}")
    for sql, params, ms in queries:
        table = sql.split(" FROM ", 1)[1].split()[0] if " FROM " in sql else ""
        tail = sql[sql.index(" WHERE ") :] if " WHERE " in sql else ""
        print(f"  {ms:7.2f} ms  {sql.split()[0]} ... FROM {table} ...{tail[-150:]}")
        print(f"             plan: {plan_summary(sql, params)}")
    print(
        "  not in Django's log: one 'SELECT 1' per request (CONN_HEALTH_CHECKS on a reused connection) "
        "and the throttle's cache reads and writes"
    )
    plain = Client()
    timings: dict[str, list[float]] = {"plain Django JSON view": [], "score lookup": []}
    for n in range(requests):
        for name, client, path in (
            ("plain Django JSON view", plain, PLAIN_PATH),
            ("score lookup", api, paths[(n + 1) % len(paths)]),
        ):
            started = time.perf_counter()
            response = client.get(path)
            timings[name].append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    print(f"in-process, one request at a time, no HTTP ({requests} requests each):")
    for name, values in timings.items():
        print(
            f"  {name:<24} p50 {percentile_ms(values, 0.5):7.2f} ms   "
            f"p95 {percentile_ms(values, 0.95):7.2f} ms"
        )


# --- the server --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, *, workers: int, log: Path):
        self.port = free_port()
        binary = Path(sys.executable).parent / "gunicorn"
        command = [str(binary)] if binary.exists() else [sys.executable, "-m", "gunicorn"]
        command += ["klout.wsgi", "--bind", f"{HOST}:{self.port}", "--workers", str(workers)]
        command += ["--worker-class", "sync", "--backlog", "2048", "--log-level", "warning"]
        self.log = log
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=os.environ.copy()
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}: see {log}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", PLAIN_PATH)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer {PLAIN_PATH} within 60 s: see {log}")

    def pids(self) -> list[int]:
        return [
            self.process.pid,
            *(pid for pid, (_, ppid, _) in _processes().items() if ppid == self.process.pid),
        ]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- CPU and the servers' counters -------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[str, int, float]]:
    """pid -> (command name, parent pid, CPU seconds so far), from /proc."""
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index(b"(") + 1 : raw.rindex(b")")].decode(errors="replace")
        fields = raw[raw.rindex(b")") + 2 :].split()
        out[int(entry.name)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return out


def cpu_snapshot(server_pids: set[int]) -> dict[str, float]:
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    busy = (sum(cpu) - cpu[3] - cpu[4]) / TICK  # all but idle and iowait
    shares = {"client": 0.0, "gunicorn": 0.0, "postgres": 0.0, "redis": 0.0, "all": busy}
    me = os.getpid()
    for pid, (name, _, seconds) in _processes().items():
        if pid == me:
            shares["client"] += seconds
        elif pid in server_pids:
            shares["gunicorn"] += seconds
        elif name.startswith("postgres"):
            shares["postgres"] += seconds
        elif name.startswith("redis"):
            shares["redis"] += seconds
    return shares


def server_counters() -> dict[str, float]:
    """PostgreSQL's transactions, sessions and the rows it read from the two tables; Redis's commands."""
    import redis
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT xact_commit + xact_rollback, sessions FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
        counters = dict(zip(("transactions", "sessions"), cursor.fetchone(), strict=True))
        cursor.execute(
            "SELECT relname, seq_tup_read + COALESCE(idx_tup_fetch, 0) FROM pg_stat_user_tables "
            "WHERE relname IN ('connectors_identity', 'scoring_identityscore')"
        )
        counters.update(cursor.fetchall())
    stats = redis.Redis.from_url(os.environ["REDIS_URL"]).info("commandstats")
    counters["redis"] = sum(v["calls"] for k, v in stats.items() if k != "cmdstat_info")
    return counters


def throttle_reset(keys_pks: list[int]) -> int:
    """Empty the tokens' throttle histories; return the longest one found."""
    from django.core.cache import cache

    names = [f"throttle:scores:token-{pk}" for pk in keys_pks]
    longest = max((len(v) for v in cache.get_many(names).values()), default=0)
    cache.delete_many(names)
    return longest


# --- the load generator ------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    bad_bodies: int = 0
    errors: int = 0
    sent: int = 0  # warm-up included
    window: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.window if self.window else 0.0

    @property
    def non_200(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200) + self.bad_bodies


def encode(path: str, port: int, key: str | None) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "Connection: keep-alive",
        "Accept: application/json",
    ]
    if key:
        lines.append(f"Authorization: Bearer {key}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _connection(run: Run, requests: list[bytes], expect: bytes, *, first: int, step: int,
                      port: int, warm_end: float, end: float, last: list[float]) -> None:  # fmt: skip
    reader = writer = None
    index = first
    while True:
        started = time.perf_counter()
        if started >= end:
            break
        request = requests[index % len(requests)]
        index += step
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            lower = head.lower()
            at = lower.find(b"\r\ncontent-length:")
            if at >= 0:
                body = await reader.readexactly(int(lower[at + 17 : lower.index(b"\r\n", at + 2)]))
                close = b"\r\nconnection: close" in lower
            else:
                body, close = await reader.read(), True
            if close:
                # At once: the sync worker waits for this FIN before it accepts the next request.
                writer.close()
                writer = None
        except (OSError, EOFError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            run.errors += started >= warm_end
            if writer is not None:
                writer.close()
                writer = None
            continue
        done = time.perf_counter()
        run.sent += 1
        if started >= warm_end:
            run.latencies.append(done - started)
            run.statuses[status] += 1
            run.bad_bodies += status == 200 and expect not in body
            last[0] = max(last[0], done)
    if writer is not None:
        writer.close()


async def _load(run: Run, requests: list[bytes], expect: bytes, *, port: int, connections: int,
                warmup: float, duration: float, server_pids: set[int]) -> None:  # fmt: skip
    begin = time.perf_counter()
    warm_end, end = begin + warmup, begin + warmup + duration
    last = [warm_end]

    async def meter() -> None:
        await asyncio.sleep(warm_end - time.perf_counter())
        before = cpu_snapshot(server_pids)
        await asyncio.sleep(end - time.perf_counter())
        after = cpu_snapshot(server_pids)
        run.cpu = {k: (after[k] - before[k]) / duration for k in after}

    await asyncio.gather(
        meter(),
        *(
            _connection(
                run,
                requests,
                expect,
                first=c,
                step=connections,
                port=port,
                warm_end=warm_end,
                end=end,
                last=last,
            )  # fmt: skip
            for c in range(connections)
        ),
    )
    run.window = last[0] - warm_end


def load(name: str, requests: list[bytes], expect: bytes, **kwargs) -> Run:
    run = Run(name)
    asyncio.run(_load(run, requests, expect, **kwargs))
    return run


# --- report ------------------------------------------------------------------------------------------


CPU_PARTS = ("client", "gunicorn", "postgres", "redis", "other")


def report_row(run: Run) -> str:
    lat = run.latencies
    cpu = dict(run.cpu)
    cpu["other"] = max(0.0, cpu.get("all", 0) - sum(cpu.get(part, 0) for part in CPU_PARTS[:-1]))
    return (
        f"  {run.name:<24} {run.rps:7,.0f} {percentile_ms(lat, 0.5):8.2f} {percentile_ms(lat, 0.95):8.2f} "
        f"{percentile_ms(lat, 0.99):8.2f} {max(lat, default=0) * 1000:8.1f} {len(lat):8,} {run.non_200:7,} "
        f"{run.errors:6,}  " + " ".join(f"{cpu.get(part, 0):8.2f}" for part in CPU_PARTS)
    )


HEADER = (
    f"  {'':<24} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'requests':>8} "
    f"{'non-200':>7} {'errors':>6}  " + " ".join(f"{part:>8}" for part in CPU_PARTS) + "  (CPU, cores)"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", default="2,3,4", help="gunicorn sync worker counts, one run each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per target")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds per target, not counted")
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--sample", type=int, default=1000, help="identities the requests rotate over")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--in-process", type=int, default=100, help="requests of each view, in-process")
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",")]
    sys.stdout.reconfigure(line_buffering=True)

    _setup_environment()
    from bench.postgres import bench_django_ready

    bench_django_ready()
    from django.conf import settings
    from django.db import connection

    from accounts.models import ApiToken

    population_ensure()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM connectors_identity")
        identities = cursor.fetchone()[0]
    others = sessions_other()
    keys = tokens_make(args.tokens)
    token_pks = list(
        ApiToken.objects.filter(prefix__in=[k.split("_")[1] for k in keys]).values_list("pk", flat=True)
    )
    paths = sample_paths(size=args.sample, seed=args.seed)
    database = settings.DATABASES["default"]
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["scores"]
    print(
        f"PostgreSQL {database['NAME']}: {identities:,} identities; requests over {len(paths):,} random "
        f"visible scored ones\n{len(keys)} member tokens (scores:read) in rotation, throttle rate "
        f"API_RATE_SCORES={rate} per token (unchanged)\n"
        f"DEBUG={settings.DEBUG}, CONN_MAX_AGE={database['CONN_MAX_AGE']}, "
        f"CONN_HEALTH_CHECKS={database['CONN_HEALTH_CHECKS']}, cache {settings.CACHES['default']['BACKEND']}"
    )
    if others:
        print(f"  warning: {others} other session(s) on this database: the figures may be disturbed")
    prewarm(paths)
    in_process(keys, paths, requests=args.in_process)
    connection.close()
    results = [measure(workers=w, args=args, keys=keys, token_pks=token_pks, paths=paths) for w in workers]
    summary(results, args)


def measure(
    *, workers: int, args, keys: list[str], token_pks: list[int], paths: list[str]
) -> tuple[int, Run, Run]:
    log = Path(os.environ["KLOUT_VAR_DIR"]) / "api_bench_gunicorn.log"
    sessions = sessions_other()
    server = Gunicorn(workers=workers, log=log)
    print(
        f"\ngunicorn, {workers} sync workers, {args.connections} connections, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s each"
    )
    print(HEADER)
    try:
        pids = set(server.pids())
        options = {"port": server.port, "connections": args.connections, "warmup": args.warmup,
                   "duration": args.duration, "server_pids": pids}  # fmt: skip
        plain = load("plain Django JSON view", [encode(PLAIN_PATH, server.port, None)], b'"plain"', **options)
        print(report_row(plain))
        throttle_reset(token_pks)
        requests = [encode(path, server.port, keys[n % len(keys)]) for n, path in enumerate(paths)]
        before = server_counters()
        api = load("score lookup", requests, b'"score":', **options)
        longest = throttle_reset(token_pks)
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while sessions_other() > sessions and time.monotonic() < deadline:
        time.sleep(0.1)
    # A session leaves pg_stat_activity just before it flushes its last statistics.
    time.sleep(1.0)
    after = server_counters()
    print(report_row(api))
    each = {name: (after[name] - before[name]) / (api.sent or 1) for name in after}
    print(
        f"  per score lookup: {each['transactions']:.1f} PostgreSQL transactions; rows read: "
        f"{each['connectors_identity']:,.0f} identities, {each['scoring_identityscore']:,.0f} snapshots; "
        f"{each['redis']:.1f} Redis commands; longest throttle history {longest:,} entries; "
        f"{after['sessions'] - before['sessions']:,} database sessions opened by the workers"
    )
    return workers, plain, api


def summary(results: list[tuple[int, Run, Run]], args) -> None:
    print(f"\ntarget: at least {TARGET_RPS:,} requests/s with p99 under {TARGET_P99_MS:g} ms (score lookup)")
    for workers, plain, api in results:
        p99 = percentile_ms(api.latencies, 0.99)
        verdict = "meets" if api.rps >= TARGET_RPS and p99 < TARGET_P99_MS else "misses"
        print(
            f"  {workers} workers: {api.rps:,.0f} requests/s, p99 {p99:.1f} ms: {verdict} it; "
            f"the plain view {plain.rps:,.0f} requests/s, p99 {percentile_ms(plain.latencies, 0.99):.1f} ms "
            f"({api.rps / plain.rps:.1%} of its rate)"
        )
    print(
        f"notes: the client keeps {args.connections} requests in flight, so mean latency = "
        f"{args.connections} / (requests/s) (Little's law: {args.connections / TARGET_RPS * 1000:.0f} ms at "
        f"{TARGET_RPS:,}/s); gunicorn's sync workers close every connection, so each request includes a "
        "new TCP connection; the load generator (this process, one Python core at most) runs on the same "
        f"{os.cpu_count()} cores as gunicorn, PostgreSQL and Redis (its share is the 'client' column)."
    )


if __name__ == "__main__":
    main()
