"""The recompute service: SQL extraction, the engine, member folding, history and failures."""

from datetime import timedelta
from unittest import mock

import pytest

from accounts.services import member_create
from connectors.ingest import ingest_batch
from connectors.models import Identity
from privacy.services import member_opt_out
from scoring import services, store
from scoring.engine.model import KINDS, SIGNALS
from scoring.models import RECEIVED_COLUMNS, SIGNAL_COLUMNS, IdentityScore, MemberScore, ScoreRun
from scoring.services import ScoreRunFailed, score_recompute, score_recompute_incremental
from tests.factories import UserFactory
from tests.personas import NOON, star_and_fans

pytestmark = pytest.mark.django_db

NOW = NOON


def score_of(external_id: str, network: str = "x") -> IdentityScore:
    return IdentityScore.objects.get(identity__network=network, identity__external_id=external_id)


def test_recompute_scores_every_identity_and_records_the_run():
    ingest_batch(batch=star_and_fans())
    run = score_recompute(now=NOW)
    assert run.status == ScoreRun.Status.SUCCEEDED
    assert run.identities == Identity.objects.count() == 10
    assert run.edges == 16
    assert {"extract", "engine", "write"} <= set(run.timings)
    star, quiet = score_of("star"), score_of("quiet")
    assert star.score > quiet.score
    assert star.received["repost"] == 8
    assert star.received["like"] == 8
    assert star.distinct_actors == 8
    assert sum(star.signals.values()) == pytest.approx(star.unsmoothed, abs=0.05)


def test_recompute_twice_on_one_day_changes_nothing():
    ingest_batch(batch=star_and_fans())
    score_recompute(now=NOW)
    columns = ("identity_id", "score", *SIGNAL_COLUMNS.values())
    first = list(IdentityScore.objects.order_by("identity_id").values_list(*columns))
    score_recompute(now=NOW + timedelta(minutes=5))
    second = list(IdentityScore.objects.order_by("identity_id").values_list(*columns))
    assert IdentityScore.objects.count() == 10
    assert [row[0] for row in first] == [row[0] for row in second]
    assert [row[1] for row in first] == pytest.approx([row[1] for row in second], abs=0.01)
    assert [row[2:] for row in first] == [row[2:] for row in second]


def test_every_signal_and_kind_has_its_column():
    fields = {f.name for f in IdentityScore._meta.get_fields()}
    assert set(SIGNAL_COLUMNS) == set(SIGNALS)
    assert set(RECEIVED_COLUMNS) == set(KINDS)
    assert set(SIGNAL_COLUMNS.values()) | set(RECEIVED_COLUMNS.values()) <= fields


@pytest.mark.parametrize("look_up", ["by id", "whole table"])
@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
def test_a_member_who_opts_out_while_the_run_computes_leaves_no_snapshot(incremental, look_up, monkeypatch):
    if look_up == "whole table":
        monkeypatch.setattr(store, "_FEW", 0)
    ingest_batch(batch=star_and_fans())
    member = member_create(user=UserFactory())
    Identity.objects.filter(external_id="star").update(member=member)
    other = member_create(user=UserFactory())
    Identity.objects.filter(external_id="quiet").update(member=other)
    if incremental:
        score_recompute(now=NOW - timedelta(hours=1))
    star = Identity.objects.get(handle="star")
    real_engine = services.score_identities

    def opt_out_then_score(**kwargs):
        # The run has read its data; the member opts out before it writes.
        member_opt_out(member=member)
        return real_engine(**kwargs)

    with mock.patch("scoring.services.score_identities", side_effect=opt_out_then_score):
        if incremental:
            score_recompute_incremental(
                identity_ids=list(Identity.objects.values_list("id", flat=True)), now=NOW
            )
        else:
            score_recompute(now=NOW)
    assert not IdentityScore.objects.filter(identity_id=star.pk).exists()
    assert not MemberScore.objects.filter(member=member).exists()
    assert IdentityScore.objects.filter(day=NOW.date()).count() == 9
    assert MemberScore.objects.filter(member=other, day=NOW.date()).exists()


def test_failed_run_keeps_the_previous_days_scores():
    ingest_batch(batch=star_and_fans())
    score_recompute(now=NOW - timedelta(days=1))
    before = list(IdentityScore.objects.values_list("identity_id", "day", "score"))
    with mock.patch("scoring.services.score_identities", side_effect=RuntimeError("engine broke")):
        with pytest.raises(ScoreRunFailed):
            score_recompute(now=NOW)
    assert list(IdentityScore.objects.values_list("identity_id", "day", "score")) == before
    failed = ScoreRun.objects.get(status=ScoreRun.Status.FAILED)
    assert "engine broke" in failed.error


def test_member_score_combines_networks_and_never_drops_when_one_is_added():
    member = member_create(user=UserFactory())
    ingest_batch(batch=star_and_fans("x"))
    Identity.objects.filter(network="x", external_id="star").update(member=member)
    score_recompute(now=NOW - timedelta(days=1))
    x_only = MemberScore.objects.get(member=member).unsmoothed

    ingest_batch(batch=star_and_fans("mastodon", fans=3))
    Identity.objects.filter(network="mastodon", external_id="star").update(member=member)
    score_recompute(now=NOW)
    both = MemberScore.objects.get(member=member, day=NOW.date())
    assert both.unsmoothed >= x_only
    assert set(k for k, v in both.networks.items() if v > 0) == {"x", "mastodon"}
    assert sum(both.networks.values()) == pytest.approx(both.unsmoothed, abs=0.05)


def test_a_quiet_week_lowers_the_published_score_gradually():
    ingest_batch(batch=star_and_fans(days_ago=95))  # 88 days old at the first run
    score_recompute(now=NOW - timedelta(days=7))
    before = score_of("star").score
    # A week without activity: the reactions leave the 90-day window and the day's own score
    # collapses, but the published one falls by at most 2 points a day.
    score_recompute(now=NOW)
    today = IdentityScore.objects.get(identity__external_id="star", day=NOW.date())
    assert today.unsmoothed < before - 14
    assert today.score == pytest.approx(before - 14, abs=0.01)


@pytest.mark.django_db(transaction=True)
def test_recompute_outside_any_transaction_reads_one_snapshot():
    # Outside a test transaction, as in the worker: the extraction runs in a transaction of
    # its own (REPEATABLE READ on PostgreSQL), and an incremental run does too.
    from scoring.services import score_recompute_incremental

    ingest_batch(batch=star_and_fans())
    run = score_recompute(now=NOW - timedelta(days=1))
    assert run.status == ScoreRun.Status.SUCCEEDED
    star = Identity.objects.get(external_id="star")
    assert score_recompute_incremental(identity_ids=[star.pk], now=NOW).status == ScoreRun.Status.SUCCEEDED


def test_index_of_finds_rows_by_id_dense_or_sparse():
    import numpy as np

    from scoring.features import index_of

    dense = np.array([2, 3, 5, 9], dtype=np.int64)
    assert index_of(dense, np.array([9, 2, 4, 11, 5])).tolist() == [3, 0, -1, -1, 2]
    sparse = np.array([7, 10**12], dtype=np.int64)
    assert index_of(sparse, np.array([10**12, 8, 7])).tolist() == [1, -1, 0]
