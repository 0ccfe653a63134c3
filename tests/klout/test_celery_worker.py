"""A task sent through the real Redis broker is run by a real worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from celery import Celery
from celery.result import allow_join_result

from tests.conftest import ROOT, require, service_reachable

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_worker():
    require(service_reachable("127.0.0.1", 6379), "Redis is not running on 127.0.0.1:6379")
    # A queue of our own so that no other worker on the machine takes the task.
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CELERY_BROKER_URL": REDIS_URL, "CELERY_RESULT_BACKEND": REDIS_URL}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "klout", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    yield queue
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def test_task_round_trip_through_redis(redis_worker):
    producer = Celery("klout", broker=REDIS_URL, backend=REDIS_URL)
    deadline = time.monotonic() + 60
    result = producer.send_task("klout.tasks.ping", queue=redis_worker)
    # Eager tasks run by threaded tests in this process share one "inside a task" flag that
    # their interleaved resets can leave set; this test is never inside a task.
    with allow_join_result():
        answer = result.get(timeout=max(1, deadline - time.monotonic()))
    assert answer["pong"] is True
    assert answer["worker"]
