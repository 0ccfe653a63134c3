from celery import shared_task

from scoring.services import score_recompute


@shared_task(bind=True, max_retries=2, default_retry_delay=15 * 60)
def score_recompute_daily(self) -> int:
    """The daily full recompute; a failed run keeps yesterday's scores and retries later."""
    return score_recompute().pk
