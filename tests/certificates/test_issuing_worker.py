"""Issuing on a real Celery worker with two processes: the same certificate asked for twice,
after commit, is issued once."""

import time

import pytest
from django.db import transaction

from certificates import services
from certificates.models import Certificate, CertificateProgram
from tests.people.factories import UserFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def approved(pa_program, pa_ready):
    """A trainee who qualifies for a certificate awarded on a trainer's approval, made while
    tasks still run in-process (before `queue` points Celery at the worker)."""
    pa_program.issuing = CertificateProgram.Issuing.APPROVAL
    pa_program.save()
    return pa_program, pa_ready(legal_name="Fatima Al-Sayed"), UserFactory(role="Trainer")


def test_two_workers_given_the_same_certificate_issue_it_once(
    approved, start_worker, queue, redis_client, tmp_path
):
    program, trainee, trainer = approved
    with transaction.atomic():
        services.certificate_issue_enqueue(program=program, holder=trainee, approved_by=trainer)
        services.certificate_issue_enqueue(program=program, holder=trainee, approved_by=trainer)
        assert redis_client.llen(queue) == 0, "tasks were sent before the commit"
    assert redis_client.llen(queue) == 2

    process, log = start_worker(concurrency=2, private_media_root=tmp_path / "worker-media")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and log.read_text().count("succeeded") < 2:
        if process.poll() is not None:
            break
        time.sleep(0.2)

    assert log.read_text().count("succeeded") == 2, log.read_text()
    certificate = Certificate.objects.get()
    assert certificate.holder == trainee
    assert certificate.approved_by == trainer
    assert certificate.snapshot["legal_name"] == "Fatima Al-Sayed"
    assert (tmp_path / "worker-media" / certificate.pdf.name).read_bytes()[:5] == b"%PDF-"
    assert certificate.events.count() == 1
