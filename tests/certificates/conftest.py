from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from assessments import hours
from assessments.models import Attestation, HoursEntry
from certificates import readiness
from certificates.models import CertificateProgram
from certificates.requirements_load import credentials_load
from courses.models import Enrolment, LessonProgress
from tests.courses.builders import catalogue_under, course_under, lesson_under, module_under
from tests.people.factories import UserFactory

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "credentials.toml"


@pytest.fixture
def credentials(db):
    """The published requirement sets, by credential code."""
    credentials_load(FIXTURE)
    return {s.credential.code: s for s in readiness.requirement_sets_current()}


@pytest.fixture
def training(home_page):
    """complete(trainee, {"topic-slug": minutes}) gives the trainee a completed lesson
    crediting those minutes; `when` backdates or postdates the completion."""
    course = course_under(catalogue_under(home_page), slug="training", title="Training")
    module = module_under(course, slug="all")
    counter = iter(range(10_000))

    def complete(trainee, credits: dict[str, int], *, when=None):
        enrolment, _ = Enrolment.objects.get_or_create(user=trainee, course=course)
        lesson = lesson_under(module, slug=f"lesson-{next(counter)}", credits=credits)
        LessonProgress.objects.create(
            enrolment=enrolment,
            lesson=lesson,
            engaged_seconds=0,
            completed_at=when or timezone.now(),
        )

    complete.course = course
    return complete


def verify(trainee, *kinds, **facts):
    """Verified attestations of these kinds; `facts` gives their date, amount or code."""
    for kind in kinds:
        Attestation.objects.create(
            trainee=trainee, kind=kind, evidence="evidence/x.pdf", original_name="x.pdf",
            status=Attestation.Status.VERIFIED, **facts,
        )  # fmt: skip


def verify_adult(trainee, born=date(1990, 5, 17)):
    verify(trainee, "proof_of_age", dated=born)


def approved_hours(trainee, minutes_by_activity):
    supervisor = UserFactory(role="Supervisor")
    hours.supervision_assign(
        trainee=trainee, supervisor=supervisor, credential="CPRS",
        program_started_on=date(2020, 1, 1), assigned_by=UserFactory(role="Trainer"),
    )  # fmt: skip
    rows = []
    day = date(2024, 1, 1)
    for activity, minutes in minutes_by_activity.items():
        while minutes > 0:
            chunk = min(minutes, 8 * 60)
            rows.append(HoursEntry(
                trainee=trainee, supervisor=supervisor, worked_on=day, minutes=chunk,
                activity=activity, setting="community", description=f"Work {len(rows)}",
                status=HoursEntry.Status.APPROVED,
            ))  # fmt: skip
            day = day.fromordinal(day.toordinal() + 1)
            minutes -= chunk
    HoursEntry.objects.bulk_create(rows)


@pytest.fixture
def pa_program(credentials):
    return CertificateProgram.objects.create(
        slug="pa-cps-training",
        title="Certificate of Training",
        attests=CertificateProgram.Attests.CREDENTIAL_TRAINING,
        credential=credentials["PA-CPS"].credential,
        issuing=CertificateProgram.Issuing.AUTOMATIC,
        valid_for_months=24,
    )


@pytest.fixture
def pa_ready(training):
    """A trainee who has met Pennsylvania's 75 training hours."""

    def make(**user):
        trainee = UserFactory(role="Trainee", **user)
        training(trainee, {"peer-support-foundations": 45 * 60, "ethics": 30 * 60})
        return trainee

    return make
