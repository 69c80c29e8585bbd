"""Certificates awarded after a trainer approves: every trainee waiting is on the approvals
list of someone who may approve them, nobody else's, and the trainee's dashboard says whom
they are waiting for."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate, CertificateProgram
from courses.models import Cohort, Enrolment
from people import roles
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

pytestmark = pytest.mark.django_db

SELF_ENROLLED_WAITS = (
    "Your Certificate of Training for PA-CPS is waiting for approval by a lead trainer or an "
    "administrator: you are not in a cohort led by a trainer."
)


@pytest.fixture
def on_approval(pa_program):
    pa_program.issuing = CertificateProgram.Issuing.APPROVAL
    pa_program.save()
    return pa_program


def staff(role, **user):
    person = UserFactory(role=role, totp_secret=TOTP_SECRET, **user)
    if role == roles.LEAD_TRAINER:
        person.groups.add(Group.objects.get(name=roles.TRAINER))
    return person


def signed_in(person) -> Client:
    client = Client()
    if person.groups.filter(name__in=roles.ROLES_REQUIRING_MFA).exists():
        sign_in(client, person, totp_secret=TOTP_SECRET)
    else:
        client.force_login(person)
    return client


def cohort_led_by(trainer, training, name="Spring 2027") -> Cohort:
    cohort = Cohort.objects.create(name=name, course=training.course)
    if trainer is not None:
        cohort.trainers.add(trainer)
    return cohort


def approvals_text(client) -> str:
    response = client.get(reverse("certificates:approvals"))
    assert response.status_code == 200
    return response.text


def approve(client, program, trainee):
    return client.post(reverse("certificates:approve", args=[program.pk, trainee.pk]))


def dashboard_text(trainee) -> str:
    return signed_in(trainee).get(reverse("courses:dashboard")).text


def test_a_self_enrolled_trainee_waits_for_lead_trainers_and_administrators_only(
    on_approval, pa_ready, training, django_capture_on_commit_callbacks
):
    solo = pa_ready(legal_name="Sam Solo")
    assert Enrolment.objects.get(user=solo).cohort is None
    cohort_trainer = staff(roles.TRAINER, legal_name="Tess Cohort")
    cohort_led_by(cohort_trainer, training)
    lead = staff(roles.LEAD_TRAINER, legal_name="Lee Lead")
    administrator = staff(roles.ADMINISTRATOR)

    assert "Sam Solo" in approvals_text(signed_in(administrator))
    as_trainer = signed_in(cohort_trainer)
    assert "Sam Solo" not in approvals_text(as_trainer)
    assert approve(as_trainer, on_approval, solo).status_code == 403
    as_lead = signed_in(lead)
    listed = approvals_text(as_lead)
    assert "Sam Solo" in listed
    assert "Not in a cohort" in listed
    assert SELF_ENROLLED_WAITS in dashboard_text(solo)

    with django_capture_on_commit_callbacks(execute=True):
        assert approve(as_lead, on_approval, solo).status_code == 302

    certificate = Certificate.objects.get(holder=solo)
    assert certificate.approved_by == lead
    assert "Nobody is waiting for your approval." in approvals_text(as_lead)
    assert "waiting for approval" not in dashboard_text(solo)


def test_a_trainee_in_a_cohort_waits_for_its_trainers_and_no_other_trainer(
    on_approval, pa_ready, training
):
    ann = staff(roles.TRAINER, legal_name="Ann Lee")
    cohort = cohort_led_by(ann, training)
    other_trainer = staff(roles.TRAINER, legal_name="Otto Other")
    cohort_led_by(other_trainer, training, name="Fall 2026")
    trainee = pa_ready(legal_name="Cora Cohort")
    Enrolment.objects.filter(user=trainee).update(cohort=cohort)

    assert (
        "Your Certificate of Training for PA-CPS is waiting for approval by a trainer of your "
        "cohort Spring 2027 (Ann Lee)." in dashboard_text(trainee)
    )
    assert "Cora Cohort" in approvals_text(signed_in(ann))
    as_other = signed_in(other_trainer)
    assert "Cora Cohort" not in approvals_text(as_other)
    assert approve(as_other, on_approval, trainee).status_code == 403
    # Lead trainers and administrators see every trainee waiting, in a cohort or not.
    assert "Cora Cohort" in approvals_text(signed_in(staff(roles.LEAD_TRAINER)))
    assert not Certificate.objects.exists()


def test_a_trainee_in_a_cohort_without_trainers_waits_for_lead_trainers(
    on_approval, pa_ready, training
):
    cohort = cohort_led_by(None, training)
    trainee = pa_ready(legal_name="Nell Nobody")
    Enrolment.objects.filter(user=trainee).update(cohort=cohort)
    some_trainer = staff(roles.TRAINER)
    cohort_led_by(some_trainer, training, name="Fall 2026")

    assert SELF_ENROLLED_WAITS in dashboard_text(trainee)
    assert "Nell Nobody" not in approvals_text(signed_in(some_trainer))
    assert "Nell Nobody" in approvals_text(signed_in(staff(roles.LEAD_TRAINER)))


def test_a_course_certificate_waits_for_the_trainers_of_the_course_cohort_only(pa_ready, training):
    program = CertificateProgram.objects.create(
        slug="completion", title="Certificate of Completion", attests="course",
        course=training.course, issuing="approval",
    )  # fmt: skip
    finished = pa_ready(legal_name="Fay Finished")
    Enrolment.objects.filter(user=finished).update(completed_at="2026-11-01T10:00Z")
    trainer = staff(roles.TRAINER, legal_name="Ann Lee")
    cohort_led_by(trainer, training)

    assert (
        "Your Certificate of Completion for Training is waiting for approval by a lead trainer "
        "or an administrator" in dashboard_text(finished)
    )
    as_trainer = signed_in(trainer)
    assert "Fay Finished" not in approvals_text(as_trainer)
    assert "Fay Finished" in approvals_text(signed_in(staff(roles.ADMINISTRATOR)))
    Enrolment.objects.filter(user=finished).update(cohort=Cohort.objects.get())
    assert "Fay Finished" in approvals_text(as_trainer)
    assert approve(signed_in(staff(roles.TRAINER)), program, finished).status_code == 403


def test_nothing_is_said_to_trainees_who_do_not_qualify_or_whose_program_is_automatic(
    pa_program, pa_ready, training
):
    ready = pa_ready()
    starting = UserFactory(role="Trainee")
    training(starting, {"ethics": 60})
    on_approval_elsewhere = CertificateProgram.objects.create(
        slug="completion", title="Certificate of Completion", attests="course",
        course=training.course, issuing="approval",
    )  # fmt: skip

    assert "waiting for approval" not in dashboard_text(ready)
    assert on_approval_elsewhere.title not in dashboard_text(starting)
    assert "Nobody is waiting for your approval." in approvals_text(
        signed_in(staff(roles.ADMINISTRATOR))
    )


def test_the_approvals_page_runs_the_same_queries_for_few_or_many_waiting(
    on_approval, pa_ready, training, django_assert_max_num_queries
):
    cohort = cohort_led_by(staff(roles.TRAINER), training)
    pa_ready(legal_name="Few in no cohort")
    Enrolment.objects.filter(user=pa_ready(legal_name="Few in a cohort")).update(cohort=cohort)
    client = signed_in(staff(roles.ADMINISTRATOR))
    approvals_text(client)
    with CaptureQueriesContext(connection) as one:
        approvals_text(client)
    budget = len(one)  # counted now: the connection keeps only the latest queries
    for number in range(8):
        trainee = pa_ready(legal_name=f"Waiting {number}")
        if number % 2:
            Enrolment.objects.filter(user=trainee).update(cohort=cohort)

    with django_assert_max_num_queries(budget):
        text = approvals_text(client)

    assert text.count("<td>Waiting ") == 8


def test_the_dashboard_runs_the_same_queries_whatever_approvals_are_awaited(
    on_approval, pa_ready, training, django_assert_max_num_queries
):
    CertificateProgram.objects.create(
        slug="completion", title="Certificate of Completion", attests="course",
        course=training.course, issuing="approval",
    )  # fmt: skip
    cohort = cohort_led_by(staff(roles.TRAINER), training)
    starting = UserFactory(role="Trainee")
    training(starting, {"ethics": 60})
    Enrolment.objects.filter(user=starting).update(cohort=cohort)
    client = signed_in(starting)
    client.get(reverse("courses:dashboard"))
    with CaptureQueriesContext(connection) as nothing_awaited:
        client.get(reverse("courses:dashboard"))
    # Counted now: the connection keeps only the latest queries.
    budget = len(nothing_awaited)
    waiting = pa_ready()
    Enrolment.objects.filter(user=waiting).update(cohort=cohort, completed_at="2026-11-01T10:00Z")
    client = signed_in(waiting)
    client.get(reverse("courses:dashboard"))

    with django_assert_max_num_queries(budget):
        text = client.get(reverse("courses:dashboard")).text

    assert text.count("is waiting for approval by a trainer of your cohort Spring 2027") == 2
