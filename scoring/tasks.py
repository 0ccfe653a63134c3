from celery import shared_task

from scoring.services import score_history_backfill, score_recompute, score_recompute_incremental


@shared_task(bind=True, max_retries=2, default_retry_delay=15 * 60)
def score_recompute_daily(self) -> int:
    """The daily full recompute; a failed run keeps yesterday's scores and retries later."""
    return score_recompute().pk


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def score_recompute_changed(self, identity_ids: list[int], backfill_days: int = 0) -> int:
    """Re-score what a sync or an import changed, without waiting for the daily run.

    ``backfill_days`` also reconstructs that many days of history (after an archive import).
    """
    run = score_recompute_incremental(identity_ids=identity_ids)
    if backfill_days:
        score_history_backfill(identity_ids=identity_ids, days=backfill_days)
    return run.pk
