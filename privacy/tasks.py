"""Privacy jobs for the worker: each loads ids and calls one service."""

from __future__ import annotations

from celery import shared_task

from privacy import challenges, exports


@shared_task(acks_late=True)
def data_export_build_task(export_id: int) -> None:
    # Not retried: a failure is recorded on the export, and the person can ask again.
    exports.data_export_build(export_id=export_id)


@shared_task
def data_exports_expire_task() -> int:
    expired = exports.data_exports_expire()
    challenges.optout_challenges_expire()
    return expired


@shared_task(acks_late=True)
def optout_challenge_check_task(challenge_id: int, manual: bool = False) -> bool:
    return challenges.optout_challenge_check(challenge_id=challenge_id, manual=manual).verified


@shared_task
def optout_challenges_check_due_task() -> int:
    due = challenges.optout_challenges_due()
    for challenge_id in due:
        optout_challenge_check_task.delay(challenge_id)
    return len(due)
