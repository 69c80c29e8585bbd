"""`make bench`: each benchmark measures PeerCert beside its baseline in the same run and
records one row; at the end the rows are printed as a table and written to results.json."""

import json
import platform
import statistics
import timeit
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import _empty_cache, _media_in_a_temporary_folder, home_page  # noqa: F401

from . import table

RESULTS_FILE = Path(__file__).parent / "results.json"
pytest_plugins = ["tests.celery_worker"]


@dataclass
class Result:
    name: str
    figure: float
    unit: str
    baseline: float | None
    baseline_name: str | None
    # How many times better than the baseline: speed-ups for times, multiples for rates.
    ratio: float | None
    target: str
    met: bool | None
    parameters: dict = field(default_factory=dict)


RESULTS: list[Result] = []


@pytest.fixture
def record():
    def add(
        name, figure, unit, *, baseline=None, baseline_name=None, lower_is_better,
        target, met, parameters=None,
    ):  # fmt: skip
        ratio = None
        if baseline:
            ratio = baseline / figure if lower_is_better else figure / baseline
        RESULTS.append(
            Result(
                name,
                round(figure, 2),
                unit,
                None if baseline is None else round(baseline, 2),
                baseline_name,
                None if ratio is None else round(ratio, 2),
                target,
                met,
                parameters or {},
            )  # fmt: skip
        )

    return add


def machine_reference_ms() -> float:
    """A fixed pure-Python workload (the median of five runs), to tell a slow machine from a
    slow change: figures from two machines compare only after scaling by it."""

    def workload():
        counts: dict[int, int] = {}
        for number in range(300_000):
            key = (number * 7919) % 1009
            counts[key] = counts.get(key, 0) + len(str(number))
        return sorted(counts.items())

    return round(statistics.median(timeit.repeat(workload, number=1, repeat=5)) * 1000, 1)


def database_label() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


MACHINE: dict = {}


def pytest_sessionfinish(session):
    if not RESULTS:
        return
    MACHINE["reference_ms"] = machine_reference_ms()
    RESULTS_FILE.write_text(
        json.dumps(
            {
                "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": database_label(),
                "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
                "machine_reference_ms": MACHINE["reference_ms"],
                "results": [asdict(result) for result in RESULTS],
            },
            indent=2,
        )
        + "\n"
    )


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    terminalreporter.section(f"PeerCert benchmarks on {database_label()}")
    terminalreporter.write_line(
        f"Machine reference workload: {MACHINE['reference_ms']} ms (pure Python; lower is faster)"
    )
    for row in table.aligned([asdict(result) for result in RESULTS]):
        terminalreporter.write_line(row)
    terminalreporter.write_line(f"Written to {RESULTS_FILE}")
