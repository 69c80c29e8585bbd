"""2. Verification under load: the public page and the JSON API, served by gunicorn with two
workers on loopback, against a minimal view returning a one-row lookup through the same
server, in the same run. Load from locust."""

import csv
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from certificates import services
from tests.celery_worker import PROJECT, database_url_for_worker

from .data import complete_lessons, pa_program, training_course, users_bulk

# Two users a worker: enough to keep both busy without measuring a queue.
USERS = 4
SECONDS = 12


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
           "DATABASE_URL": database_url_for_worker()}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cms.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "gunicorn.log").open("w"),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=1)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def load(base: str, path: str, tmp_path: Path) -> dict:
    prefix = tmp_path / path.strip("/").replace("/", "_")
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "locustfile.py"),
         "--headless", "--users", str(USERS), "--spawn-rate", str(USERS),
         "--run-time", f"{SECONDS}s", "--host", base, "--csv", str(prefix), "--only-summary",
         "--loglevel", "WARNING"],
        env={**os.environ, "BENCH_PATH": path}, check=True, capture_output=True,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "lookup")
    assert int(row["Failure Count"]) == 0, row
    return {"rps": float(row["Requests/s"]), "p50": float(row["50%"]), "p99": float(row["99%"]),
            "requests": int(row["Request Count"])}  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_verification_under_load(record, home_page, server, tmp_path):
    program = pa_program()
    course, lessons = training_course(home_page)
    trainee = users_bulk(1, prefix="load")[0]
    complete_lessons([trainee], course, lessons)
    certificate = services.certificate_issue(
        program=program, holder=trainee, site_url=settings.SITE_URL
    )

    baseline = load(server, f"/bench/minimal/{certificate.code}", tmp_path)
    for name, path in (
        ("Verification page", f"/v/{certificate.code}/"),
        ("Verification JSON API", f"/api/v1/certificates/{certificate.code}"),
    ):
        ours = load(server, path, tmp_path)
        record(
            f"{name} under load (requests/s)", ours["rps"], "req/s", baseline=baseline["rps"],
            baseline_name="minimal one-row view, same server", lower_is_better=False,
            target="≥ 0.5× baseline throughput; p99 < 50 ms",
            met=ours["rps"] >= baseline["rps"] / 2 and ours["p99"] < 50,
            parameters={"p50_ms": ours["p50"], "p99_ms": ours["p99"],
                        "baseline_p50_ms": baseline["p50"], "baseline_p99_ms": baseline["p99"],
                        "server": "gunicorn, 2 sync workers, loopback",
                        "load": f"locust, {USERS} users, {SECONDS} s"},
        )  # fmt: skip
