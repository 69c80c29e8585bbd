"""The pages for training done elsewhere: a trainee records and withdraws it, a reviewer verifies
or rejects it, and the certificate is seen only by the trainee and their reviewers."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import external_training as services
from assessments.models import ExternalTraining
from courses import services as course_services
from courses.models import Cohort, Topic
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

from .builders import PDF, external_training

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAGE = reverse("assessments:my_external_training")
QUEUE = reverse("assessments:review_external_training")


def days_ago(days):
    return (TODAY - timedelta(days=days)).isoformat()


def signed_in(client, role, **fields):
    client.logout()
    staff = role not in ("Trainee", "Supervisor")
    person = UserFactory(role=role, totp_secret=TOTP_SECRET if staff else None, **fields)
    sign_in(client, person, totp_secret=TOTP_SECRET if staff else None)
    return person


def form_data(rows=(("ethics", "6"), ("boundaries", "1.5")), *, upload=None, **fields):
    topics = dict(Topic.objects.values_list("slug", "pk"))
    data = {
        "provider": "Mountain Recovery Institute",
        "title": "Ethics in peer work",
        "started_on": days_ago(8),
        "completed_on": days_ago(7),
        "mode": "face_to_face",
        "certificate": upload or SimpleUploadedFile("certificate.pdf", PDF),
        "credits-TOTAL_FORMS": "5",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "20",
        **fields,
    }
    for number, (slug, hours) in enumerate(rows):
        data[f"credits-{number}-topic"] = topics.get(slug, slug)
        data[f"credits-{number}-hours"] = hours
    return data


@pytest.fixture
def trainee(client, home_page):
    return signed_in(client, "Trainee", legal_name="Ana Rodríguez")


@pytest.fixture
def cohort(home_page):
    from tests.courses.builders import catalogue_under, two_module_course

    course, _ = two_module_course(catalogue_under(home_page))
    return Cohort.objects.create(name="Spring 2027", course=course)


def enrol(person, cohort):
    course_services.enrolment_create(
        user=person, course=cohort.course, cohort=cohort, enrolled_by=UserFactory()
    )


def test_a_trainee_records_training_and_sees_it_waiting_for_review(client, trainee):
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Training elsewhere" in page.text  # the navigation's link

    response = client.post(PAGE, form_data(), follow=True)

    assert "Recorded. A trainer or administrator will check it" in response.text
    assert "Ethics in peer work" in response.text
    assert "Waiting for review" in response.text
    assert "Ethics: 6 h" in response.text
    assert "Boundaries: 1 h 30 min" in response.text
    training = ExternalTraining.objects.get()
    assert (training.trainee, training.mode, training.status) == (
        trainee,
        "face_to_face",
        "pending",
    )
    assert sorted(training.credits.values_list("topic__slug", "minutes")) == [
        ("boundaries", 90),
        ("ethics", 360),
    ]
    download = client.get(reverse("assessments:external_training_file", args=[training.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"upload": SimpleUploadedFile("certificate.docx", b"PK\x03\x04")}, "Upload a PDF, PNG or JPEG file."),
        ({"upload": SimpleUploadedFile("certificate.png", PDF)}, "not a real PNG file"),
        ({"started_on": days_ago(-3), "completed_on": days_ago(-2)}, "is in the future."),
        ({"started_on": days_ago(2), "completed_on": days_ago(4)}, "The training cannot end"),
        ({"rows": (("ethics", "20"), ("boundaries", "4.5"))}, "can credit at most 1440 minutes (24 hours)"),
        ({"rows": ()}, "Give the hours for at least one topic."),
        ({"rows": (("ethics", "0"),)}, "Give each topic&#x27;s hours as a positive number."),
        ({"rows": (("ethics", ""),)}, "Give the hours for Ethics."),
        ({"rows": (("", "2"),)}, "Choose the topic these hours are for."),
        ({"rows": (("ethics", "2"), ("ethics", "1"))}, "Ethics is listed twice: give it one row."),
        ({"mode": "by_post"}, "Select a valid choice."),
    ],
    ids=[
        "a-word-file", "a-pdf-named-png", "future-dates", "end-before-start", "more-hours-than-the-days-allow",
        "no-hours", "zero-hours", "a-topic-without-hours", "hours-without-a-topic", "a-topic-twice", "unknown-mode",
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_the_reason_and_changes_nothing(client, trainee, change, message):
    change = dict(change)
    data = form_data(
        change.pop("rows", (("ethics", "6"),)), upload=change.pop("upload", None), **change
    )

    response = client.post(PAGE, data)

    assert response.status_code == 400
    assert message in response.text
    assert not ExternalTraining.objects.exists()


def test_a_trainee_withdraws_a_record_and_it_no_longer_counts(client, trainee):
    training = external_training(trainee)

    response = client.post(
        reverse("assessments:external_training_withdraw", args=[training.pk]), follow=True
    )

    assert "Withdrawn: “Ethics in peer work” no longer counts." in response.text
    training.refresh_from_db()
    assert training.status == "withdrawn"
    again = client.post(reverse("assessments:external_training_withdraw", args=[training.pk]))
    assert again.status_code == 400
    assert "only records waiting for review or verified can be withdrawn" in again.text


def test_nobody_withdraws_another_persons_record(client, trainee):
    theirs = external_training(UserFactory(role="Trainee"))

    response = client.post(reverse("assessments:external_training_withdraw", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_trainees_cannot_open_the_review_queue(client, trainee):
    training = external_training(UserFactory(role="Trainee"))

    assert client.get(QUEUE).status_code == 403
    assert client.post(QUEUE, {"training": training.pk, "decision": "verify"}).status_code == 403
    training.refresh_from_db()
    assert training.status == "pending"


def test_a_trainer_reviews_the_trainees_of_their_cohorts_only(client, cohort):
    ana = UserFactory(role="Trainee", legal_name="Ana Rodríguez")
    enrol(ana, cohort)
    ours = external_training(ana)
    rejected = external_training(ana, title="Boundaries refresher", credits={"boundaries": 120})
    elsewhere = external_training(UserFactory(role="Trainee", legal_name="Someone Elsewhere"))
    trainer = signed_in(client, "Trainer")
    cohort.trainers.add(trainer)

    queue = client.get(QUEUE)
    assert "Review training elsewhere" in queue.text  # the navigation's link
    assert "Ana Rodríguez: Ethics in peer work" in queue.text
    assert "Someone Elsewhere" not in queue.text
    assert "Spring 2027" in queue.text  # import link for the trainer's cohort

    verified = client.post(QUEUE, {"training": ours.pk, "decision": "verify"}, follow=True)
    assert "Verified: “Ethics in peer work” for Ana Rodríguez." in verified.text
    no_reason = client.post(QUEUE, {"training": rejected.pk, "decision": "reject", "note": " "})
    assert no_reason.status_code == 400
    assert "Say why the training is rejected" in no_reason.text
    client.post(
        QUEUE, {"training": rejected.pk, "decision": "reject", "note": "Not on the certificate."}
    )
    not_theirs = client.post(QUEUE, {"training": elsewhere.pk, "decision": "verify"})
    assert not_theirs.status_code == 400
    assert "this trainee is not in one" in not_theirs.text
    assert client.post(QUEUE, {"training": 999_999, "decision": "verify"}).status_code == 404

    assert dict(ExternalTraining.objects.values_list("pk", "status")) == {
        ours.pk: "verified",
        rejected.pk: "rejected",
        elsewhere.pk: "pending",
    }
    client.logout()
    sign_in(client, ana)
    mine = client.get(PAGE).text
    assert "“Not on the certificate.”" in mine
    assert f"by {trainer.legal_name}" in mine


def test_an_administrator_sees_everyone_but_never_their_own(client):
    someone = external_training(UserFactory(role="Trainee", legal_name="Someone Elsewhere"))
    administrator = signed_in(client, "Administrator")
    own = external_training(administrator, title="My own course")

    queue = client.get(QUEUE).text

    assert "Someone Elsewhere: Ethics in peer work" in queue
    assert "My own course" not in queue
    response = client.post(QUEUE, {"training": own.pk, "decision": "verify"})
    assert response.status_code == 400
    assert "Nobody reviews their own training." in response.text
    assert set(ExternalTraining.objects.values_list("status", flat=True)) == {"pending"}
    assert someone.trainee_id != administrator.pk


def test_the_review_queue_reads_a_fixed_number_of_queries(
    client, cohort, django_assert_max_num_queries
):
    trainer = signed_in(client, "Trainer")
    cohort.trainers.add(trainer)
    for number in range(6):
        person = UserFactory(role="Trainee")
        enrol(person, cohort)
        external_training(person, title=f"Course {number}")
    # The session, the person, permissions, authenticator and userbar: 7; the page's own: 3.
    with django_assert_max_num_queries(10):
        response = client.get(QUEUE)
    for number in range(6):
        assert f"Course {number}" in response.text


def test_the_certificate_is_served_only_to_the_trainee_and_their_reviewers(client, cohort):
    ana = UserFactory(role="Trainee")
    enrol(ana, cohort)
    training = external_training(ana)
    url = reverse("assessments:external_training_file", args=[training.pk])

    assert client.get(url).status_code == 302  # to sign in
    for role in ("Trainee", "Supervisor", "Certifier", "Trainer"):
        signed_in(client, role)
        assert client.get(url).status_code == 404, role
    their_trainer = signed_in(client, "Trainer")
    cohort.trainers.add(their_trainer)
    assert client.get(url).status_code == 200
    signed_in(client, "Administrator")
    assert client.get(url).status_code == 200
    client.logout()
    sign_in(client, ana)
    assert client.get(url).status_code == 200
    assert "/media/" not in training.certificate.path


def test_verified_training_counts_and_withdrawing_it_stops_that(client, trainee):
    from assessments.external_training_selectors import verified_external_credits_for_users

    training = external_training(trainee)
    services.external_training_review(
        reviewer=UserFactory(role="Administrator"), training_id=training.pk, verified=True
    )
    assert trainee.pk in verified_external_credits_for_users([trainee.pk])

    client.post(reverse("assessments:external_training_withdraw", args=[training.pk]))

    assert verified_external_credits_for_users([trainee.pk]) == {}
    assert "Withdrawn" in client.get(PAGE).text
