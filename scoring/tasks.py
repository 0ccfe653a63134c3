from celery import shared_task
from django.db import OperationalError

from scoring.changes import score_changes_drain as changes_drain
from scoring.services import ScoreRunFailed, score_recompute


@shared_task(bind=True, max_retries=2, default_retry_delay=15 * 60)
def score_recompute_daily(self) -> int:
    """The daily full recompute; a failed run keeps yesterday's scores and retries later."""
    try:
        return score_recompute().pk
    except (ScoreRunFailed, OperationalError) as exc:
        raise self.retry(exc=exc) from exc


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
