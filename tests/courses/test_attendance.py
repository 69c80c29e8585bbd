from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import selectors, services
from courses.models import Attendance, Cohort, LiveSession, LiveSessionTopicCredit
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

from .builders import topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(course_and_lessons):
    course, _ = course_and_lessons
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    start = timezone.now() - timedelta(hours=3)
    session = LiveSession.objects.create(
        course=course, title="De-escalation practice", trainer=trainer, mode="virtual",
        starts_at=start, ends_at=start + timedelta(minutes=120),
    )  # fmt: skip
    LiveSessionTopicCredit.objects.create(
        session=session, topic=topic("crisis-de-escalation"), minutes=80
    )
    LiveSessionTopicCredit.objects.create(
        session=session, topic=topic("trauma-informed-care"), minutes=40
    )
    return session


@pytest.fixture
def trainees(session):
    people = [UserFactory(role="Trainee") for _ in range(2)]
    for person in people:
        services.enrolment_create(user=person, course=session.course)
    return people


def test_attended_minutes_credit_the_sessions_topics_in_proportion(session, trainees):
    services.attendance_record(
        session=session, user=trainees[0], minutes_attended=60, recorded_by=session.trainer
    )

    credited = {
        t.slug: minutes
        for t, minutes in selectors.credited_minutes_by_topic(user=trainees[0]).items()
    }

    assert credited == {"crisis-de-escalation": 40, "trauma-informed-care": 20}
    assert selectors.credited_minutes_by_topic(user=trainees[1]) == {}


def test_the_trainer_records_attendance_for_the_whole_sheet(client, session, trainees):
    sign_in(client, session.trainer, totp_secret=TOTP_SECRET)
    url = reverse("courses:session_attendance", args=[session.pk])

    page = client.get(url)
    assert trainees[0].legal_name in page.text
    response = client.post(
        url, {f"minutes-{trainees[0].pk}": "120", f"minutes-{trainees[1].pk}": "0"}, follow=True
    )

    assert "Attendance saved for 2 trainees." in response.text
    assert dict(Attendance.objects.values_list("user_id", "minutes_attended")) == {
        trainees[0].pk: 120,
        trainees[1].pk: 0,
    }


def test_a_sheet_with_one_bad_row_saves_nothing_and_says_which_row(client, session, trainees):
    sign_in(client, session.trainer, totp_secret=TOTP_SECRET)
    url = reverse("courses:session_attendance", args=[session.pk])

    response = client.post(
        url, {f"minutes-{trainees[0].pk}": "90", f"minutes-{trainees[1].pk}": "150"}
    )

    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert "The session lasted 120 minutes; 150 cannot have been attended." in response.text
    assert not Attendance.objects.exists()


def test_minutes_that_are_not_numbers_are_refused(client, session, trainees):
    sign_in(client, session.trainer, totp_secret=TOTP_SECRET)

    response = client.post(
        reverse("courses:session_attendance", args=[session.pk]),
        {f"minutes-{trainees[0].pk}": "ninety"},
    )

    assert "Enter whole minutes" in response.text
    assert not Attendance.objects.exists()


def test_another_trainer_cannot_record_this_sessions_attendance(client, session, trainees):
    other = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, other, totp_secret=TOTP_SECRET)
    url = reverse("courses:session_attendance", args=[session.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {f"minutes-{trainees[0].pk}": "60"}).status_code == 403
    assert not Attendance.objects.exists()


def test_a_trainer_of_the_sessions_cohort_may_record_it(session, trainees):
    co_trainer = UserFactory(role="Trainer")
    cohort = Cohort.objects.create(name="Spring", course=session.course)
    cohort.trainers.add(co_trainer)
    session.cohort = cohort
    session.save()

    assert selectors.user_may_record_attendance(user=co_trainer, session=session)


def test_a_trainee_cannot_open_the_attendance_sheet(client, session, trainees):
    sign_in(client, trainees[0])

    response = client.get(reverse("courses:session_attendance", args=[session.pk]))

    assert response.status_code == 403


def test_a_person_not_enrolled_cannot_be_given_attendance(session):
    stranger = UserFactory(role="Trainee")

    with pytest.raises(services.CourseRuleError, match="not enrolled"):
        services.attendance_record(
            session=session, user=stranger, minutes_attended=60, recorded_by=session.trainer
        )
