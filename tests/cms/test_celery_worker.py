"""A real Celery worker, in its own process and connected to Redis, runs a task that writes to
the database, and the task is sent only once the transaction that asked for it commits."""

import time
from pathlib import Path

import pytest
from django.db import transaction

from cms.models import WorkerHeartbeat
from cms.services import worker_heartbeat_request

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class RolledBack(Exception):
    pass


def request_heartbeat_then_roll_back():
    with transaction.atomic():
        worker_heartbeat_request(source="rolled-back")
        raise RolledBack


def wait_for_heartbeat(source: str, process, log: Path, timeout: float = 60.0) -> WorkerHeartbeat:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        heartbeat = WorkerHeartbeat.objects.filter(source=source).first()
        if heartbeat is not None:
            return heartbeat
        if process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"The worker did not write the heartbeat {source!r}. Its log:\n{log.read_text()}")


def test_a_real_worker_runs_the_task_only_after_the_transaction_commits(
    start_worker, queue, redis_client
):
    with pytest.raises(RolledBack):
        request_heartbeat_then_roll_back()
    assert redis_client.llen(queue) == 0, "a rolled-back transaction sent its task"

    with transaction.atomic():
        worker_heartbeat_request(source="committed")
        assert redis_client.llen(queue) == 0, "the task was sent before the commit"
    assert redis_client.llen(queue) == 1, "the commit did not send the task to Redis"

    process, log = start_worker()
    heartbeat = wait_for_heartbeat("committed", process, log)

    assert heartbeat.beats == 1
    assert not WorkerHeartbeat.objects.filter(source="rolled-back").exists()
    assert "Task cms.tasks.worker_heartbeat" in log.read_text()
