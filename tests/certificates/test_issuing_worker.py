"""Issuing on a real Celery worker with two processes: the same certificate asked for twice,
after commit, is issued once; a program opened to people who already qualify is issued to
them through the sweep and the batches it sends."""

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


@pytest.fixture
def qualified_for_a_closed_program(credentials, pa_ready, training):
    """Three trainees who qualify and one who does not, and a program not yet open: made while
    tasks still run in-process (before `queue` points Celery at the worker)."""
    ready = [pa_ready() for _ in range(3)]
    short = UserFactory(role="Trainee")
    training(short, {"ethics": 60})
    program = CertificateProgram.objects.create(
        slug="opens-later", title="Certificate of Training", attests="credential_training",
        credential=credentials["PA-CPS"].credential, active=False,
    )  # fmt: skip
    return program, ready


def test_opening_a_program_issues_it_through_the_worker_to_everyone_who_qualifies(
    qualified_for_a_closed_program, start_worker, queue, redis_client, tmp_path
):
    program, ready = qualified_for_a_closed_program
    process, log = start_worker(concurrency=2, private_media_root=tmp_path / "worker-media")

    program.active = True
    program.save()  # the sweep goes to the worker, and the batches it sends come back to it

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and Certificate.objects.count() < len(ready):
        if process.poll() is not None:
            break
        time.sleep(0.2)
    assert {c.holder_id for c in Certificate.objects.all()} == {t.pk for t in ready}, (
        log.read_text()
    )
    assert "certificates_program_sweep_task" in log.read_text()
    assert "certificates_issue_batch_task" in log.read_text()
