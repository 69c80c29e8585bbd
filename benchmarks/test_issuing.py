"""1. Certificate issuing: one at a time in-process, and 1,000 through Celery on two worker
processes, against plain WeasyPrint plus the same signature."""

import os
import re
import statistics
import time

import pytest
from django.conf import settings

from certificates import services
from certificates.models import Certificate
from certificates.pdf import certificate_pdf_unsigned_plain, pdf_sign
from certificates.services import ISSUE_BATCH_SIZE

from .data import complete_lessons, pa_program, training_course, users_bulk

SINGLE = 60
BASELINE = 15
BULK = int(os.environ.get("BENCH_BULK", 1000))


def milliseconds(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


@pytest.mark.django_db
def test_issuing_one_certificate_at_a_time(record, home_page):
    program = pa_program()
    course, lessons = training_course(home_page)
    trainees = users_bulk(SINGLE + 1, prefix="single")
    complete_lessons(trainees, course, lessons)
    issue = lambda trainee: services.certificate_issue(  # noqa: E731
        program=program, holder=trainee, site_url=settings.SITE_URL
    )
    issue(trainees[0])  # the program's static layer is drawn once per process

    end_to_end = [milliseconds(issue, trainee) for trainee in trainees[1:]]
    certificates = list(Certificate.objects.order_by("pk"))
    ours, plain = [], []
    # Interleaved, so that both see the same noise from a shared machine.
    for number, certificate in enumerate(certificates):
        ours.append(milliseconds(services.certificate_pdf_store, certificate))
        if number % (len(certificates) // BASELINE) == 0:
            plain.append(
                milliseconds(
                    lambda s: pdf_sign(certificate_pdf_unsigned_plain(s)), certificate.snapshot
                )
            )

    figure, baseline = statistics.median(ours), statistics.median(plain)
    record(
        "Render, sign and store one certificate",
        figure, "ms", baseline=baseline, baseline_name="plain WeasyPrint write_pdf + same signature",
        lower_is_better=True, target="≥ 4× faster than baseline", met=baseline / figure >= 4,
        parameters={"certificates": len(ours), "baseline_certificates": BASELINE,
                    "statistic": "median",
                    "issue_end_to_end_ms": round(statistics.median(end_to_end), 1)},
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issuing_a_thousand_certificates_on_two_workers(
    record, home_page, start_worker, queue, tmp_path
):
    """A program opened to 1,000 people who already qualify: saving it sends a sweep to the
    workers, which finds them and issues in batches (services.certificates_program_sweep)."""
    program = pa_program(active=False)
    course, lessons = training_course(home_page)
    trainees = users_bulk(BULK, prefix="bulk")
    complete_lessons(trainees, course, lessons)
    # DEBUG off, as in production: no query log kept in the workers.
    process, log = start_worker(
        concurrency=2, private_media_root=tmp_path / "media", settings_module="benchmarks.settings"
    )
    _wait_for(lambda: "ready." in log.read_text(), process, log, timeout=60)

    started = time.perf_counter()
    program.active = True
    program.save()
    _wait_for(lambda: Certificate.objects.count() >= BULK, process, log, timeout=600)
    seconds = time.perf_counter() - started

    assert Certificate.objects.count() == BULK
    batch_seconds = [
        float(s)
        for s in re.findall(
            r"certificates_issue_batch_task\[[^]]+\] succeeded in ([0-9.]+)s", log.read_text()
        )
    ]
    record(
        f"Issue {BULK:,} certificates through Celery, 2 worker processes",
        seconds, "s", lower_is_better=True, target="< 30 s", met=seconds < 30,
        parameters={"certificates": BULK, "per_certificate_ms": round(seconds * 1000 / BULK, 1),
                    "pool": "prefork", "concurrency": 2, "batch_size": ISSUE_BATCH_SIZE,
                    "median_batch_ms": round(statistics.median(batch_seconds) * 1000, 1)},
    )  # fmt: skip


def _wait_for(condition, process, log, *, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"The worker did not finish. Its log:\n{log.read_text()[-3000:]}")
