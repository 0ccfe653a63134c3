"""The score tasks: a run that fails is tried again, and the task answers with the run that worked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import OperationalError

from connectors.ingest import ingest_batch
from connectors.models import IdentityChange
from scoring import tasks as scoring_tasks
from scoring.models import ScoreRun
from scoring.services import ScoreRunFailed
from tests.personas import star_and_fans

pytestmark = pytest.mark.django_db

# The tasks run in the test process as a worker would run them: ``throw=False`` hands a failed
# attempt to Celery's retry (which, run eagerly, tries again at once) instead of raising it here,
# as the eager settings (CELERY_TASK_EAGER_PROPAGATES) otherwise would.

FAILURES = [ScoreRunFailed("the engine ran out of memory"), OperationalError("the database went away")]


def failing_once(real: Callable, failure: Exception) -> tuple[Callable, list[dict]]:
    """Replace ``real`` with a stand-in whose first call raises ``failure`` and whose later
    calls are ``real``'s; returns the stand-in and the list of its calls."""
    calls: list[dict] = []

    def stand_in(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise failure
        return real(**kwargs)

    return stand_in, calls


@pytest.mark.parametrize("failure", FAILURES, ids=lambda failure: type(failure).__name__)
def test_the_daily_recompute_is_tried_again_after_a_failed_run(monkeypatch, failure):
    ingest_batch(batch=star_and_fans(), record_changes=False)
    stand_in, calls = failing_once(scoring_tasks.score_recompute, failure)
    monkeypatch.setattr(scoring_tasks, "score_recompute", stand_in)

    result = scoring_tasks.score_recompute_daily.apply(throw=False)

    assert len(calls) == 2
    assert result.successful()
    run = ScoreRun.objects.get(pk=result.get())
    assert (run.kind, run.status) == (ScoreRun.Kind.FULL, ScoreRun.Status.SUCCEEDED)


@pytest.mark.parametrize("failure", FAILURES, ids=lambda failure: type(failure).__name__)
def test_the_drain_is_tried_again_after_a_failed_run(monkeypatch, failure):
    ingest_batch(batch=star_and_fans())
    pending = IdentityChange.objects.count()
    stand_in, calls = failing_once(scoring_tasks.changes_drain, failure)
    monkeypatch.setattr(scoring_tasks, "changes_drain", stand_in)

    result = scoring_tasks.score_changes_drain.apply(throw=False)

    assert len(calls) == 2
    assert result.successful() and result.get() == pending
    assert not IdentityChange.objects.exists()
