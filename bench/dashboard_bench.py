"""How fast the member's dashboard answers (``python -m bench.dashboard_bench``).

The member has five connected accounts (two on X, two on Mastodon, one on Bluesky) inside a
generated population (demo.population, demo data) and a year of daily score history,
reconstructed by ``score_history_backfill`` from the stored activity like after an archive
import. The dashboard is requested through Django's test client, as a signed-in member,
which measures the whole server side (URL routing, session, queries, template) but no network.

Baseline, measured in the same run: the anonymous home page, a template render with no query
of its own, so the difference is what the dashboard itself costs.

Set DATABASE_URL to measure on PostgreSQL (a database named ``test_<name>`` is created once and
kept for reruns); unset, it runs on SQLite in memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klout.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET_P95_MS = 50.0


def build(*, identities: int, history_days: int):
    from accounts.models import Member
    from accounts.services import member_create
    from connectors.ingest import ingest_batch
    from connectors.models import ConnectedAccount, Identity
    from demo.population import PopulationSpec, generate, iter_batches
    from scoring.models import MemberScore
    from scoring.services import score_history_backfill, score_recompute
    from tests.factories import UserFactory

    existing = Member.objects.filter(user__email="bench-member@example.com").first()
    if existing and MemberScore.objects.filter(member=existing).count() > history_days:
        return existing
    now = timezone.now()
    start = now - timezone.timedelta(days=400)
    spec = PopulationSpec(identities=identities, days=400.0, seed=11, start=start)
    population = generate(spec=spec)
    for batch in iter_batches(population=population, batch_size=20_000):
        ingest_batch(batch=batch, record_changes=False)
    member = member_create(user=UserFactory(email="bench-member@example.com"))
    chosen = []
    for network, count in (("x", 2), ("mastodon", 2), ("bluesky", 1)):
        candidates = (
            Identity.objects.filter(network=network, member__isnull=True)
            .order_by("-followers")
            .values_list("pk", flat=True)[20 : 20 + count]
        )
        chosen.extend(candidates)
    for pk in chosen:
        identity = Identity.objects.get(pk=pk)
        identity.member = member
        identity.save(update_fields=["member"])
        ConnectedAccount.objects.create(member=member, identity=identity, network=identity.network)
    score_recompute(now=now)
    score_history_backfill(identity_ids=chosen, days=history_days, now=now)
    return member


def measure(client: Client, path: str, *, requests: int) -> tuple[list[float], int]:
    client.get(path)  # warm caches and the template loader
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Counted around the request, not with CaptureQueriesContext: Django clears the query log
    # when a request starts.
    with connection.execute_wrapper(count):
        client.get(path)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return timings, len(queries)


def describe(name: str, timings: list[float], queries: int) -> str:
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    return (
        f"{name:<22} p50 {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   "
        f"p99 {p99:7.2f} ms   {queries:3d} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--identities", type=int, default=5_000)
    parser.add_argument("--history-days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    started = time.perf_counter()
    member = build(identities=args.identities, history_days=args.history_days)
    print(
        f"data ready in {time.perf_counter() - started:.1f} s on {connection.vendor}: "
        f"{member.identities.count()} connected accounts, {member.scores.count()} days of history"
    )

    client = Client()
    client.force_login(member.user)
    dashboard, dashboard_queries = measure(client, "/dashboard/", requests=args.requests)
    anonymous = Client()
    home, home_queries = measure(anonymous, "/", requests=args.requests)
    print(describe("dashboard (member)", dashboard, dashboard_queries))
    print(describe("baseline: home page", home, home_queries))
    p95 = sorted(dashboard)[int(0.95 * (len(dashboard) - 1))]
    verdict = "meets" if p95 < TARGET_P95_MS else "misses"
    print(f"target: p95 under {TARGET_P95_MS:.0f} ms: {verdict} it ({p95:.1f} ms)")


if __name__ == "__main__":
    main()
