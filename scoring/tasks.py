from celery import shared_task
from django.db import OperationalError

from scoring.cards import discovery_refresh
from scoring.changes import score_changes_drain as changes_drain
from scoring.models import ScoreRun
from scoring.services import ScoreRunFailed, score_recompute


@shared_task(bind=True, max_retries=2, default_retry_delay=15 * 60)
def score_recompute_daily(self, run_id: int | None = None) -> int:
    """The daily full recompute, then the topics and discovery cards of its day.

    A failed run keeps yesterday's scores and retries later. The refresh is a stage of its own:
    when it fails, the retry is handed the run that succeeded and refreshes again without
    recomputing every score.
    """
    if run_id is None:
        try:
            run = score_recompute()
        except (ScoreRunFailed, OperationalError) as exc:
            raise self.retry(exc=exc) from exc
    else:
        run = ScoreRun.objects.get(pk=run_id)
    try:
        discovery_refresh(day=run.day)
    except OperationalError as exc:
        raise self.retry(exc=exc, kwargs={"run_id": run.pk}) from exc
    return run.pk


@shared_task(
    autoretry_for=(ScoreRunFailed, OperationalError),
    max_retries=3,
    retry_backoff=60,
    retry_jitter=True,
)
def score_changes_drain() -> int:
    """Re-score what syncs and imports changed, without waiting for the daily run. Asked for
    after each of them and every minute; the rows of a failed drain wait for the next."""
    return changes_drain().identities
