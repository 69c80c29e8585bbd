"""Trainers: a cohort's readiness across every credential, and certificates awarded on approval."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate, CertificateProgram
from courses.models import Cohort, Enrolment
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(training):
    cohort = Cohort.objects.create(name="Spring 2027", course=training.course)
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    cohort.trainers.add(trainer)
    cohort.trainer = trainer
    return cohort


def trainee_in(cohort, training, credits, **user):
    trainee = UserFactory(role="Trainee", **user)
    training(trainee, credits)
    Enrolment.objects.filter(user=trainee, course=cohort.course).update(cohort=cohort)
    return trainee


def test_a_trainer_sees_the_cohort_against_every_credential(client, cohort, training, credentials):
    trainee_in(cohort, training, {"ethics": 75 * 60}, legal_name="Ada Ready")
    trainee_in(cohort, training, {"ethics": 60}, legal_name="Ben Starting")
    sign_in(client, cohort.trainer, totp_secret=TOTP_SECRET)

    text = client.get(reverse("certificates:cohort_readiness", args=[cohort.pk])).content.decode()

    assert "2 trainees" in text
    assert "Ada Ready" in text
    assert "Ben Starting" in text
    # 75 hours meet the bare totals of PA-CPS (75), Virginia (72), Massachusetts (65), Ohio (56),
    # Michigan (56) and Oregon (41.5).
    assert "6 of 18" in text
    assert "Certified Peer Specialist (CPS)</td><td>Pennsylvania</td><td>1 of 2" in text


def test_the_report_costs_the_same_queries_for_2_or_20_trainees(
    client, cohort, training, credentials
):
    for number in range(2):
        trainee_in(cohort, training, {"ethics": 60}, legal_name=f"Small {number}")
    sign_in(client, cohort.trainer, totp_secret=TOTP_SECRET)
    url = reverse("certificates:cohort_readiness", args=[cohort.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(18):
        trainee_in(cohort, training, {"ethics": 60, "advocacy": 30}, legal_name=f"More {number}")

    with CaptureQueriesContext(connection) as many:
        assert "20 trainees" in client.get(url).content.decode()

    assert len(many) == len(few)


def test_other_trainers_and_trainees_cannot_see_the_report(client, cohort, training, credentials):
    trainee = trainee_in(cohort, training, {"ethics": 60})
    url = reverse("certificates:cohort_readiness", args=[cohort.pk])
    client.force_login(trainee)
    assert client.get(url).status_code == 403

    client.logout()
    other = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, other, totp_secret=TOTP_SECRET)
    assert client.get(url).status_code == 404


def test_a_trainer_approves_a_certificate_for_a_trainee_who_qualifies(
    client, cohort, training, credentials, django_capture_on_commit_callbacks
):
    program = CertificateProgram.objects.create(
        slug="completion", title="Certificate of Completion", attests="course",
        course=cohort.course, issuing="approval",
    )  # fmt: skip
    ready = trainee_in(cohort, training, {"ethics": 60}, legal_name="Ada Ready")
    Enrolment.objects.filter(user=ready).update(completed_at="2026-11-01T10:00Z")
    waiting = trainee_in(cohort, training, {"ethics": 60}, legal_name="Ben Starting")
    sign_in(client, cohort.trainer, totp_secret=TOTP_SECRET)

    page = client.get(reverse("certificates:approvals")).content.decode()
    assert "Ada Ready" in page
    assert "Ben Starting" not in page
    refused = client.post(reverse("certificates:approve", args=[program.pk, waiting.pk]))
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(
            reverse("certificates:approve", args=[program.pk, ready.pk]), follow=True
        )
    assert "Approved: Ada Ready will receive Certificate of Completion" in approved.content.decode()

    certificate = Certificate.objects.get()
    assert certificate.holder == ready
    assert certificate.approved_by == cohort.trainer
    assert (
        "Nobody is waiting for your approval."
        in client.get(reverse("certificates:approvals")).content.decode()
    )
