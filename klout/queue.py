"""Queueing a task once the transaction commits, without a 500 when the broker is down.

``transaction.on_commit(lambda: task.delay(...))`` raises out of the request when the broker
cannot be reached, after the row the task was for has been committed: the page answers 500 and
the row waits forever for a task that was never sent. ``enqueue_on_commit`` sends (with the
short publish retry of ``CELERY_TASK_PUBLISH_RETRY_POLICY``, so a request is not held for
long) and, when sending fails, logs a typed error and calls ``on_failure``, which marks the
row failed with ``QUEUE_DOWN_MESSAGE`` and cleans up after it. The periodic sweeper
(``klout.tasks.stuck_work_sweep``) re-sends what stays queued anyway, for example a message
lost by a broker that restarted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import import_module

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

QUEUE_DOWN_MESSAGE = (
    "Klout could not start this just now: its job queue is not reachable. Nothing was lost; "
    "please try again in a few minutes."
)


def enqueue(task, *args) -> bool:
    """Send ``task`` with ``args`` now; False (and a logged error) when the broker is down."""
    try:
        task.delay(*args)
    except BrokerUnavailable as error:
        logger.error("could not queue %s%r: broker unavailable (%s)", task.name, args, error)
        return False
    return True


def enqueue_on_commit(task, *args, on_failure: Callable[[], None]) -> None:
    """Send ``task`` once the current transaction commits; ``on_failure`` if it cannot be sent."""

    def send() -> None:
        if not enqueue(task, *args):
            on_failure()

    transaction.on_commit(send)


def enqueue_named(name: str, *args) -> bool:
    """``enqueue`` for a task known by its name only: a module below the task's app asks for it
    without importing that app (``connectors.changes`` and the score's drain). The task's module
    is imported here, at run time, so that a web process that never imported it registers it."""
    from celery import current_app

    import_module(name.rpartition(".")[0])
    return enqueue(current_app.tasks[name], *args)
