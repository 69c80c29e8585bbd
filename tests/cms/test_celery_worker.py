"""A real Celery worker, in its own process and connected to Redis, runs a task that writes to
the database, and the task is sent only once the transaction that asked for it commits."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from cms import celery_app
from cms.models import WorkerHeartbeat
from cms.services import worker_heartbeat_request
from tests.conftest import REQUIRE_REDIS, skip_or_fail

PROJECT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PEERCERT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class RolledBack(Exception):
    pass


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}: {error}", required=REQUIRE_REDIS)
    return client


def database_url_for_worker() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "localhost"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def queue(redis_client):
    """A queue of this test's own; the test process sends to it through Redis."""
    name = f"peercert-test-{uuid.uuid4().hex[:12]}"
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    saved["task_default_queue"] = celery_app.conf.task_default_queue
    celery_app.conf.update(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=name)
    forget_connections()
    yield name
    celery_app.conf.update(saved)
    forget_connections()
    redis_client.delete(name)


def forget_connections():
    # Celery caches its connection pools; after the broker setting changes, build them anew.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def start_worker(queue, tmp_path):
    """Starts `celery worker` for the test's queue, in its own process, when called."""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "CELERY_BROKER_URL": REDIS_URL,
        "DATABASE_URL": database_url_for_worker(),
    }
    processes = []

    def start():
        with log.open("w") as output:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "cms", "worker",
                    "--pool=solo", "--queues", queue, "--hostname", f"{queue}@%h",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(process)
        return process, log

    yield start
    for process in processes:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


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
