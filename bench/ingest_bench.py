"""Ingest benchmark: a generated JSON Lines file of interactions into PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/klout_bench_ingest \
        .venv/bin/python bench/ingest_bench.py [--events 1000000] [--batch 50000] [--baseline 100000] \
        [--workers 1]

1. Writes N interaction lines to a temporary file, streamed (never held in memory).
2. Empties the activity tables, then reads the file with the JSON Lines parser (in a thread)
   and stores it through ``connectors.ingest.ingest_batch`` in batches, ``--workers`` of them
   at once on separate connections; prints events/s and resident memory after the first
   batches and at the end (flat memory: the two stay close).
3. Baseline, same run, same data: the first ``--baseline`` lines parsed the same way and
   stored with Django's ``bulk_create`` (identities, an id lookup, interactions), on empty tables.
4. Re-ingests the first batch to show that the second pass adds no rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/klout_bench_ingest")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klout.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("KLOUT_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

KINDS = ["like"] * 55 + ["repost"] * 15 + ["reply"] * 12 + ["mention"] * 8 + ["quote"] * 4 + ["follow"] * 6


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class ServerCpu:
    """CPU seconds spent by the PostgreSQL backends of the connections in use.

    Read from /proc, so only when the server runs on this machine; otherwise ``None``.
    Unlike wall time it hardly moves with other work on the machine.
    """

    def __init__(self) -> None:
        self.start: dict[int, float] = {}

    @staticmethod
    def _read(pid: int) -> float | None:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def track(self) -> None:
        """Start counting the current thread's connection."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        if (cpu := self._read(pid)) is not None:
            self.start[pid] = cpu

    def seconds(self) -> float | None:
        used = [self._read(pid) for pid in self.start]
        if not used or None in used:
            return None
        return sum(now - self.start[pid] for pid, now in zip(self.start, used, strict=True))


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, events: int, seed: int = 7) -> None:
    """A skewed population: 200k actors, 20k targets with Zipf-like popularity, 5 posts each."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    targets = 20_000
    with path.open("w") as out:
        for _ in range(events):
            kind = rng.choice(KINDS)
            target = int(targets * rng.random() ** 3)
            line = {
                "network": "x",
                "kind": kind,
                "actor": {"id": str(10_000_000 + rng.randrange(200_000))},
                "target": {"id": str(target)},
                "occurred_at": (start + timedelta(seconds=rng.randrange(90 * 86400))).isoformat(),
            }
            if kind != "follow":
                line["post_id"] = str(5_000_000_000 + target * 5 + rng.randrange(5))
            out.write(json.dumps(line))
            out.write("\n")


def empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE connectors_interaction, connectors_post, connectors_connectedaccount, "
            "connectors_syncrun, connectors_identity RESTART IDENTITY CASCADE"
        )


def counts() -> tuple[int, int]:
    from connectors.models import Identity, Interaction

    return Identity.objects.count(), Interaction.objects.count()


def prefetched(chunks, depth: int = 1):
    """Parse the next chunk in a thread while the database stores the current one.

    The parser needs no database; PostgreSQL work releases the GIL, so the two overlap.
    At most ``depth`` + 2 chunks are alive at once, which keeps memory flat.
    """
    import queue
    import threading

    done = object()
    box: queue.Queue = queue.Queue(maxsize=depth)

    def produce():
        try:
            for chunk in chunks:
                box.put(chunk)
        except BaseException as exc:  # handed to the consumer, which raises it
            box.put(exc)
        box.put(done)

    threading.Thread(target=produce, daemon=True).start()
    while (item := box.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item


def stored(chunks, workers: int, server: ServerCpu):
    """Yield ``(chunk, IngestResult)`` with up to ``workers`` batches being stored at once.

    Each worker thread stores whole batches through ``ingest_batch`` on its own connection,
    as separate import workers would. While one batch is in PostgreSQL the next is being
    prepared in Python, so more than one core is used; at most ``workers`` batches (plus
    the parser's) are alive at once, which keeps memory flat.
    """
    import queue
    import threading

    from django.db import connection

    from connectors.ingest import ingest_batch

    if workers == 1:
        server.track()
        for chunk in chunks:
            yield chunk, ingest_batch(batch=chunk.batch)
        return
    todo: queue.Queue = queue.Queue(maxsize=workers)
    done: queue.Queue = queue.Queue()

    def work():
        try:
            server.track()
            while (chunk := todo.get()) is not None:
                try:
                    done.put((chunk, ingest_batch(batch=chunk.batch)))
                except BaseException as exc:  # handed to the consumer, which raises it
                    done.put((chunk, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    pending = 0
    try:
        for chunk in chunks:
            todo.put(chunk)
            pending += 1
            while pending >= workers:
                item = done.get()
                pending -= 1
                if isinstance(item[1], BaseException):
                    raise item[1]
                yield item
        while pending:
            item = done.get()
            pending -= 1
            if isinstance(item[1], BaseException):
                raise item[1]
            yield item
    finally:
        for _ in threads:
            todo.put(None)
        for thread in threads:
            thread.join()


def run_ingest(path: Path, batch: int, workers: int) -> dict:
    from connectors.archives.jsonl import jsonl_chunks
    from connectors.ingest import IngestResult

    total = IngestResult()
    events = 0
    rss_after_first = None
    server = ServerCpu()
    started = time.perf_counter()
    client_started = time.process_time()
    with path.open("rb") as stream:
        chunks = prefetched(jsonl_chunks(stream=stream, chunk_records=batch))
        for n, (chunk, result) in enumerate(stored(chunks, workers, server)):
            events += len(chunk.batch.interactions)
            total.add(result)
            if n == 1:
                rss_after_first = rss_mb()
    elapsed = time.perf_counter() - started
    return {
        "events": events,
        "seconds": elapsed,
        "client_cpu": time.process_time() - client_started,
        "server_cpu": server.seconds(),
        "new": total.interactions.new,
        "duplicates": total.interactions.duplicate,
        "changed_identities": len(total.changed_identity_ids),
        "rss_after_2_batches": rss_after_first,
        "rss_end": rss_mb(),
    }


def run_baseline(path: Path, lines: int) -> dict:
    """Same parser, then the ORM: bulk_create identities, look their ids up, bulk_create interactions."""
    import io
    import itertools

    from connectors.archives.jsonl import jsonl_chunks
    from connectors.models import Identity, Interaction

    with path.open("rb") as stream:
        head = b"".join(itertools.islice(stream, lines))
    started = time.perf_counter()
    records = []
    for chunk in jsonl_chunks(stream=io.BytesIO(head), chunk_records=lines):
        records.extend(chunk.batch.interactions)
    t0 = time.perf_counter()
    keys = {r.actor_id for r in records} | {r.target_id for r in records}
    Identity.objects.bulk_create(
        [Identity(network="x", external_id=k) for k in keys], batch_size=5000, ignore_conflicts=True
    )
    ids: dict[str, int] = {}
    key_list = list(keys)
    for i in range(0, len(key_list), 5000):
        ids.update(
            Identity.objects.filter(network="x", external_id__in=key_list[i : i + 5000]).values_list(
                "external_id", "id"
            )
        )
    Interaction.objects.bulk_create(
        [
            Interaction(
                network=r.network,
                kind=r.kind,
                actor_id=ids[r.actor_id],
                target_id=ids[r.target_id],
                post_external_id=r.post_id,
                occurred_at=r.occurred_at,
            )
            for r in records
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    end = time.perf_counter()
    return {"events": len(records), "seconds": end - started, "store_seconds": end - t0}


def calibrate(rows: int = 200_000) -> float:
    """How fast this machine's PostgreSQL inserts into a table shaped like interactions.

    Rows generated by the server itself (no client, no parsing), random keys, the same
    indexes: the ceiling any ingest path could reach here.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_calibration")
        cursor.execute("CREATE TABLE bench_calibration (LIKE connectors_interaction INCLUDING ALL)")
        t0 = time.perf_counter()
        cursor.execute(
            "INSERT INTO bench_calibration "
            "(network, kind, actor_id, target_id, post_external_id, occurred_at) "
            "SELECT 'x', 'like', (random() * 200000)::bigint, (random() * 20000)::bigint, g::text, now() "
            "FROM generate_series(1, %s) g ORDER BY 3, 4 ON CONFLICT DO NOTHING",
            [rows],
        )
        seconds = time.perf_counter() - t0
        cursor.execute("DROP TABLE bench_calibration")
    return rows / seconds


TARGET_RATE = 100_000
TARGET_SPEEDUP = 5


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--baseline", type=int, default=100_000)
    parser.add_argument(
        "--workers", type=int, default=1, help="batches stored at once, on as many connections"
    )
    args = parser.parse_args()

    import django
    from django.core.management import call_command
    from django.db import connection

    from bench.postgres import database_ensure

    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://...")
    database_ensure(os.environ["DATABASE_URL"])
    django.setup()
    call_command("migrate", verbosity=0)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "activity.jsonl"
        t0 = time.perf_counter()
        generate(path, args.events)
        size_mb = path.stat().st_size / 1024**2
        print(
            f"generated {args.events:,} interactions, {size_mb:,.0f} MB, in {time.perf_counter() - t0:.1f}s"
        )
        print(
            f"PostgreSQL: {connection.settings_dict['NAME']}, batches of {args.batch:,}, "
            f"{args.workers} stored at once; {os.cpu_count()} CPUs, load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine skews every figure)"
        )

        empty_tables()
        ceiling = calibrate()
        print(
            f"machine ceiling: server-side INSERT of 200,000 generated rows into a copy of the "
            f"interaction table, one connection = {ceiling:,.0f} rows/s"
        )
        rss_before = rss_mb()
        result = run_ingest(path, args.batch, args.workers)
        identities, interactions = counts()
        rate = result["events"] / result["seconds"]
        print("\ningest path over the whole file (JSON Lines parser in a thread + ingest_batch)")
        print(
            f"  events          {result['events']:,} "
            f"({result['new']:,} new, {result['duplicates']:,} duplicates)"
        )
        print(f"  rows            {identities:,} identities, {interactions:,} interactions")
        print(f"  end to end      {result['seconds']:.1f}s = {rate:,.0f} events/s")
        print(f"  CPU per event   {_cpu_per_event(result)}")
        # A file of one batch has no second one to measure after.
        after_two = result["rss_after_2_batches"]
        after_two = f"{after_two:.0f} MB after 2 batches, " if after_two is not None else ""
        print(
            f"  memory (RSS)    {rss_before:.0f} MB before, {after_two}"
            f"{result['rss_end']:.0f} MB at the end; peak {peak_rss_mb():.0f} MB"
        )

        t0 = time.perf_counter()
        with path.open("rb") as stream:
            from connectors.archives.jsonl import jsonl_chunks
            from connectors.ingest import ingest_batch

            first = next(jsonl_chunks(stream=stream, chunk_records=args.batch))
        again = ingest_batch(batch=first.batch)
        print(
            f"  re-ingest of the first batch: {again.interactions.new} new, "
            f"{again.interactions.duplicate:,} duplicates, rows now {counts()[1]:,} "
            f"({time.perf_counter() - t0:.1f}s)"
        )
        # Measured again, because other work on the machine may have come or gone meanwhile;
        # the verdict below uses the higher of the two, which flatters the ingest path least.
        ceiling_after = calibrate()
        print(f"machine ceiling measured again after the ingest: {ceiling_after:,.0f} rows/s")
        ceiling = max(ceiling, ceiling_after)

        # Same slice, same empty tables, for both: the fair comparison.
        head = Path(tmp) / "head.jsonl"
        with path.open("rb") as source, head.open("wb") as out:
            for _ in range(args.baseline):
                out.write(source.readline())
        empty_tables()
        ours = run_ingest(head, min(args.batch, args.baseline), args.workers)
        ours_rate = ours["events"] / ours["seconds"]
        print(f"\ningest path on the first {ours['events']:,} interactions, empty tables")
        print(f"  end to end      {ours['seconds']:.1f}s = {ours_rate:,.0f} events/s")

        empty_tables()
        base = run_baseline(path, args.baseline)
        base_rate = base["events"] / base["seconds"]
        base_store = base["events"] / base["store_seconds"]
        print(f"\nbaseline: Django bulk_create of the first {base['events']:,} interactions (same parser)")
        print(f"  end to end      {base['seconds']:.1f}s = {base_rate:,.0f} events/s")
        print(f"  storing only    {base['store_seconds']:.1f}s = {base_store:,.0f} events/s")

        speedup = rate / base_rate
        print(
            f"\nspeed-up: {ours_rate / base_rate:.1f}x on the same slice; "
            f"{speedup:.1f}x for the whole file against the baseline's rate"
        )
        slice_speedup = ours_rate / base_rate
        verdicts = [
            f"{'met' if x >= TARGET_SPEEDUP else 'NOT met'} {where} ({x:.1f}x)"
            for x, where in ((speedup, "over the whole file"), (slice_speedup, "on the same slice"))
        ]
        print(f"target >= {TARGET_SPEEDUP}x the baseline: {'; '.join(verdicts)}")
        if rate >= TARGET_RATE:
            print(f"target >= {TARGET_RATE:,} events/s: met ({rate:,.0f})")
        else:
            print(
                f"target >= {TARGET_RATE:,} events/s: NOT met ({rate:,.0f}, {rate / ceiling:.0%} of the "
                "ceiling above). Each event is a row of the interaction table, whose unique key and "
                f"indexes this PostgreSQL maintains at {ceiling:,.0f} rows/s on one connection even for "
                f"rows it generates itself; {TARGET_RATE:,} events/s takes a cheaper table (fewer "
                "indexes) or more database cores, not a faster client."
            )
        empty_tables()


def _cpu_per_event(result: dict) -> str:
    client = result["client_cpu"] / result["events"] * 1e6
    if result["server_cpu"] is None:
        return f"{client:.0f} us in Python (parser and client); the server's is not readable from here"
    server = result["server_cpu"] / result["events"] * 1e6
    return (
        f"{client:.0f} us in Python (parser and client) + {server:.0f} us in PostgreSQL; "
        f"at best, each on its own idle core and fully overlapped, {1e6 / max(client, server):,.0f} events/s"
    )


if __name__ == "__main__":
    main()
