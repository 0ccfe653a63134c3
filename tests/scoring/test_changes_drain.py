"""The outbox between ingest and the score: nothing a sync or an import changed is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from connectors.changes import changes_nudge, changes_record
from connectors.ingest import ingest_batch
from connectors.models import Identity, IdentityChange
from connectors.records import Batch, InteractionRecord
from scoring import changes as drain_module
from scoring import tasks as scoring_tasks
from scoring.changes import STALE_CLAIM, score_changes_drain
from scoring.models import IdentityScore, ScoreRun
from scoring.services import ScoreRunFailed, score_recompute
from tests.personas import star_and_fans

pytestmark = pytest.mark.django_db


def new_fans_for(target: str, fans: int) -> Batch:
    """Reposts by new fans an hour ago: the drain scores as of now."""
    at = timezone.now() - timedelta(hours=1)
    return Batch(
        interactions=[
            InteractionRecord(
                network="x", kind="repost", actor_id=f"newfan{n}", target_id=target,
                occurred_at=at, post_id=f"{target}-1",
            )
            for n in range(fans)
        ]
    )  # fmt: skip


def test_ingest_records_what_it_changed_in_the_outbox_with_the_data():
    result = ingest_batch(batch=star_and_fans())
    pending = set(IdentityChange.objects.values_list("identity_id", flat=True))
    assert pending == result.changed_identity_ids and pending


def test_the_demo_loader_can_leave_the_outbox_alone():
    ingest_batch(batch=star_and_fans(), record_changes=False)
    assert not IdentityChange.objects.exists()


def test_a_drain_rescores_what_changed_and_empties_the_outbox():
    ingest_batch(batch=star_and_fans(), record_changes=False)
    score_recompute(now=timezone.now() - timedelta(days=1))
    ingest_batch(batch=new_fans_for("quiet", 6))

    result = score_changes_drain()

    assert not IdentityChange.objects.exists()
    quiet = IdentityScore.objects.get(identity__external_id="quiet", day=timezone.now().date())
    assert quiet.received["repost"] == 6
    assert result.identities == 7 and result.slices == 1
    assert ScoreRun.objects.filter(kind=ScoreRun.Kind.INCREMENTAL).count() == 1


def test_a_large_outbox_is_drained_a_slice_at_a_time():
    ingest_batch(batch=star_and_fans())
    pending = IdentityChange.objects.count()

    result = score_changes_drain(slice_size=3)

    assert result.identities == pending and result.slices == -(-pending // 3)
    assert not IdentityChange.objects.exists()


def test_history_is_rebuilt_for_the_identities_that_asked_for_it():
    ingest_batch(batch=star_and_fans(), record_changes=False)
    score_recompute(now=timezone.now() - timedelta(days=1))
    quiet = Identity.objects.get(external_id="quiet")
    changes_record(identity_ids=[quiet.pk], backfill_days=3)

    result = score_changes_drain()

    assert result.backfilled == 1
    days = set(IdentityScore.objects.filter(identity=quiet).values_list("day", flat=True))
    today = timezone.now().date()
    assert {today - timedelta(days=n) for n in (1, 2, 3)} <= days


def test_when_scoring_fails_the_rows_wait_for_the_next_drain(monkeypatch):
    ingest_batch(batch=star_and_fans())
    pending = IdentityChange.objects.count()

    def failing(**kwargs):
        raise ScoreRunFailed("the database went away")

    monkeypatch.setattr(drain_module, "score_recompute_incremental", failing)
    with pytest.raises(ScoreRunFailed):
        score_changes_drain()
    assert IdentityChange.objects.filter(claim="").count() == pending

    monkeypatch.undo()
    assert score_changes_drain().identities == pending


def test_rows_another_drain_holds_are_left_to_it_until_its_claim_is_stale():
    ingest_batch(batch=star_and_fans())
    IdentityChange.objects.update(claim="another-drain", claimed_at=timezone.now())

    assert score_changes_drain().identities == 0
    assert IdentityChange.objects.exists()

    IdentityChange.objects.update(claimed_at=timezone.now() - STALE_CLAIM - timedelta(minutes=1))
    assert score_changes_drain().identities > 0
    assert not IdentityChange.objects.exists()


def test_with_the_broker_down_the_nudge_is_lost_but_the_change_is_not(
    monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(scoring_tasks.score_changes_drain, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(batch=star_and_fans())
        changes_nudge()
    assert IdentityChange.objects.exists()

    # The periodic drain (every minute) finds them.
    monkeypatch.undo()
    scoring_tasks.score_changes_drain.apply()
    assert not IdentityChange.objects.exists()
    assert IdentityScore.objects.filter(day=timezone.now().date()).exists()


def test_a_nudge_after_commit_drains_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(batch=star_and_fans())
        changes_nudge()
    assert not IdentityChange.objects.exists()
    assert IdentityScore.objects.filter(day=timezone.now().date()).exists()
