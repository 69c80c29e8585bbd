"""Verified training done elsewhere counts in readiness with its date and mode, issues a
certificate when its verification completes the requirements, and is listed apart from
PeerCert's training on the certificate and its verification page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import external_training as external
from certificates import readiness
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Cohort
from tests.assessments.builders import external_training
from tests.courses.builders import catalogue_under, two_module_course
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

pytestmark = pytest.mark.django_db


def ohio(credentials, trainee):
    return readiness.readiness(
        evidence=readiness.evidence_for(user=trainee), requirement_set=credentials["OH-CPRS"]
    )


def live(result):
    return next(r for r in result.results if r.requirement.label == "Live, interactive training")


def test_only_verified_training_elsewhere_counts_with_its_mode(credentials, training):
    trainee = UserFactory(role="Trainee")
    training(trainee, {"recovery-wellness": 16 * 60})
    record = external_training(
        trainee,
        credits={"ethics": 30 * 60, "boundaries": 10 * 60},
        started_on=timezone.localdate() - timedelta(days=10),
        completed_on=timezone.localdate() - timedelta(days=5),
        mode="face_to_face",
    )

    assert live(ohio(credentials, trainee)).counted == 0
    external.external_training_review(
        reviewer=UserFactory(role="Administrator"), training_id=record.pk, verified=True
    )

    result = ohio(credentials, trainee)
    assert live(result).counted == 40
    assert live(result).met
    assert result.training_met
    external.external_training_withdraw(trainee=trainee, training_id=record.pk)
    assert not ohio(credentials, trainee).training_met


def test_verifying_training_elsewhere_issues_the_certificate_it_completes(
    pa_program, training, django_capture_on_commit_callbacks
):
    trainee = UserFactory(role="Trainee", legal_name="Dana Whitehorse")
    training(trainee, {"peer-support-foundations": 60 * 60})
    record = external_training(trainee, credits={"ethics": 9 * 60, "boundaries": 6 * 60},
                               started_on=timezone.localdate() - timedelta(days=3),
                               completed_on=timezone.localdate() - timedelta(days=2))  # fmt: skip
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        external.external_training_review(
            reviewer=UserFactory(role="Administrator"), training_id=record.pk, verified=True
        )

    certificate = Certificate.objects.get()
    assert certificate.snapshot["hours_total"] == "75"
    assert certificate.snapshot["training_elsewhere"] == [
        {
            "provider": "Mountain Recovery Institute",
            "title": "Ethics in peer work",
            "completed_on": record.completed_on.isoformat(),
            "mode": "Live online",
            "hours": "15",
        }
    ]


def test_the_verification_page_lists_training_done_elsewhere_apart(
    client, pa_program, training, django_capture_on_commit_callbacks
):
    trainee = UserFactory(role="Trainee")
    training(trainee, {"peer-support-foundations": 70 * 60})
    record = external_training(trainee, credits={"ethics": 5 * 60})
    with django_capture_on_commit_callbacks(execute=True):
        external.external_training_review(
            reviewer=UserFactory(role="Administrator"), training_id=record.pk, verified=True
        )

    page = client.get(reverse("certificate_verify", args=[Certificate.objects.get().code]))

    text = page.content.decode()
    assert "Training done elsewhere, verified by a PeerCert reviewer" in text
    assert "Mountain Recovery Institute" in text
    assert "Ethics in peer work" in text


def test_a_cohorts_imported_training_issues_the_certificates_it_completes(
    client, home_page, pa_program, training, django_capture_on_commit_callbacks
):
    course, _ = two_module_course(catalogue_under(home_page))
    cohort = Cohort.objects.create(name="Spring 2027", course=course)
    trainee = UserFactory(role="Trainee", email="ana@example.org", legal_name="Ana Rodríguez")
    course_services.enrolment_create(
        user=trainee, course=course, cohort=cohort, enrolled_by=UserFactory()
    )
    training(trainee, {"peer-support-foundations": 70 * 60})
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    cohort.trainers.add(trainer)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)
    url = reverse("assessments:external_training_import", args=[cohort.pk])
    last_week = (timezone.localdate() - timedelta(days=7)).isoformat()
    csv = (
        "email,provider,title,started_on,completed_on,mode,topic,hours\n"
        f"ana@example.org,State Peer Network,Ethics,{last_week},{last_week},face_to_face,ethics,5\n"
    )
    client.post(url, {"spreadsheet": SimpleUploadedFile("external.csv", csv.encode())})
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "confirm"})

    certificate = Certificate.objects.get()
    assert certificate.holder == trainee
    assert certificate.snapshot["training_elsewhere"][0]["provider"] == "State Peer Network"
