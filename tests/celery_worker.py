"""A real Celery worker for the tests that need one: in its own process, on a queue of the
test's own in Redis, against the test database. Import the fixtures into a test module."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from cms import celery_app
from tests.conftest import REQUIRE_REDIS, skip_or_fail

PROJECT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("PEERCERT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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

    def start(
        *,
        concurrency: int = 1,
        private_media_root: Path | None = None,
        settings_module: str = "cms.settings.dev",
    ):
        pool = (
            ["--pool=solo"]
            if concurrency == 1
            else ["--pool=prefork", f"--concurrency={concurrency}"]
        )
        # Tasks the worker sends (a sweep sends batches) go to the queue it listens on.
        worker_env = {
            **env, "DJANGO_SETTINGS_MODULE": settings_module, "CELERY_TASK_DEFAULT_QUEUE": queue,
        }  # fmt: skip
        if private_media_root is not None:
            worker_env["PRIVATE_MEDIA_ROOT"] = str(private_media_root)
        with log.open("w") as output:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "cms", "worker",
                    *pool, "--queues", queue, "--hostname", f"{queue}@%h",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=PROJECT, env=worker_env, stdout=output, stderr=subprocess.STDOUT,
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
