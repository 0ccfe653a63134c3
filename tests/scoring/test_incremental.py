"""Incremental recompute: re-score what a change touches, agree with a full run on it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from connectors.ingest import ingest_batch
from connectors.models import Identity
from connectors.records import Batch, InteractionRecord
from scoring.models import IdentityScore, ScoreRun
from scoring.services import score_recompute, score_recompute_incremental
from tests.personas import NOON as NOW
from tests.personas import star_and_fans

pytestmark = pytest.mark.django_db


def new_fans_for(target: str, fans: int) -> Batch:
    return Batch(
        interactions=[
            InteractionRecord(
                network="x", kind="repost", actor_id=f"newfan{n}", target_id=target,
                occurred_at=NOW - timedelta(hours=2), post_id=f"{target}-1",
            )
            for n in range(fans)
        ]
    )  # fmt: skip


def today(external_id: str) -> IdentityScore | None:
    return IdentityScore.objects.filter(identity__external_id=external_id, day=NOW.date()).first()


def test_without_a_full_run_it_runs_a_full_one():
    ingest_batch(batch=star_and_fans())
    run = score_recompute_incremental(identity_ids=[Identity.objects.get(external_id="star").pk], now=NOW)
    assert run.kind == ScoreRun.Kind.FULL
    assert IdentityScore.objects.filter(day=NOW.date()).count() == Identity.objects.count()


def test_only_the_neighbourhood_of_a_change_is_rescored():
    ingest_batch(batch=star_and_fans())
    score_recompute(now=NOW - timedelta(days=1))
    before = IdentityScore.objects.get(identity__external_id="quiet").score
    result = ingest_batch(batch=new_fans_for("quiet", 6))
    changed = Identity.objects.filter(external_id__in=["quiet"] + [f"newfan{n}" for n in range(6)])
    run = score_recompute_incremental(identity_ids=changed.values_list("id", flat=True), now=NOW)
    assert run.kind == ScoreRun.Kind.INCREMENTAL and run.status == ScoreRun.Status.SUCCEEDED
    assert today("quiet").score > before
    assert today("quiet").received["repost"] == 6
    assert today("star") is None  # untouched by the change: keeps yesterday's snapshot
    assert result.imported > 0


def test_incremental_agrees_with_a_full_run_on_what_it_rescored():
    ingest_batch(batch=star_and_fans())
    score_recompute(now=NOW - timedelta(days=1))
    ingest_batch(batch=new_fans_for("quiet", 6))
    changed = Identity.objects.filter(external_id="quiet").values_list("id", flat=True)
    score_recompute_incremental(identity_ids=changed, now=NOW)
    incremental = today("quiet").unsmoothed
    score_recompute(now=NOW)
    full = today("quiet").unsmoothed
    # The change's own signals are recomputed; the identity's authority (PageRank inflow) stays
    # as the last full run left it until the next one, so the two agree to within a few points.
    assert incremental == pytest.approx(full, abs=2.0)


def test_backfill_reconstructs_history_without_touching_existing_days():
    from scoring.services import score_history_backfill

    ingest_batch(batch=star_and_fans(days_ago=20))
    score_recompute(now=NOW - timedelta(days=5))
    kept = IdentityScore.objects.get(identity__external_id="star", day=(NOW - timedelta(days=5)).date())
    star = Identity.objects.get(external_id="star")
    assert score_history_backfill(identity_ids=[star.pk], days=30, now=NOW) == 30
    days = IdentityScore.objects.filter(identity=star).values_list("day", flat=True)
    assert len(days) == 30
    # Before the reactions happened there was nothing to score; after, the score is there.
    assert IdentityScore.objects.get(identity=star, day=(NOW - timedelta(days=25)).date()).unsmoothed == 0
    assert IdentityScore.objects.get(identity=star, day=(NOW - timedelta(days=10)).date()).unsmoothed > 20
    assert IdentityScore.objects.get(pk=kept.pk).computed_at == kept.computed_at
    assert ScoreRun.objects.filter(kind=ScoreRun.Kind.BACKFILL).count() == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's")
def test_the_incremental_reads_are_answered_from_covering_indexes():
    # The plans the incremental recompute relies on (see scoring.features.rows_of): one index
    # probe per identity, with every column read in the index, whatever the table statistics.
    from scoring.features import REACTION_WINDOW, reaction_select, rows_of

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'connectors_interaction'"
        )
        definitions = dict(cursor.fetchall())
        # The origin too: self-reported reactions are weighed apart (connectors.records.Origin).
        assert "INCLUDE (occurred_at, origin)" in definitions["interaction_natural_key"]
        assert "INCLUDE (actor_id, kind, origin)" in definitions["interaction_target_time"]
        cursor.execute("CREATE TEMP TABLE tmp_probe (id BIGINT PRIMARY KEY)")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for column in ("target_id", "actor_id"):
            source = rows_of("connectors_interaction", "i", REACTION_WINDOW, column=column, only="tmp_probe")
            now = timezone.now()
            cursor.execute(f"EXPLAIN {reaction_select()} {source}", [now, now])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan" in plan and "Seq Scan on connectors_interaction" not in plan


def test_incremental_reproduces_the_full_run_on_a_generated_population():
    # With no new data, re-scoring a tenth of a population against that day's full run must give
    # exactly what the full run gave: the neighbourhood read holds everything their scores use.
    from demo.seed import demo_population_seed

    demo_population_seed(identities=300, history_days=0, seed=3)
    now = timezone.now()
    score_recompute(now=now)
    full = dict(IdentityScore.objects.filter(day=now.date()).values_list("identity_id", "unsmoothed"))
    ids = sorted(full)
    changed = ids[::10]
    run = score_recompute_incremental(identity_ids=changed, now=now + timedelta(minutes=1))
    assert run.kind == ScoreRun.Kind.INCREMENTAL and run.identities >= len(changed)
    again = dict(IdentityScore.objects.filter(day=now.date()).values_list("identity_id", "unsmoothed"))
    assert sum(1 for i in changed if full[i] > 0) > 5
    for identity_id in changed:
        assert again[identity_id] == pytest.approx(full[identity_id], abs=0.002), identity_id
