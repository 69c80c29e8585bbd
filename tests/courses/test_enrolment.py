import pytest
from django.urls import reverse

from courses import services
from courses.models import Enrolment
from tests.people.factories import UserFactory
from tests.people.helpers import sign_in

from .builders import two_module_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(client, home_page):
    user = UserFactory(role="Trainee")
    sign_in(client, user)
    return user


def enrol(client, course):
    return client.post(reverse("courses:enrol", args=[course.pk]), follow=True)


def test_a_trainee_enrols_themselves_and_sees_where_to_start(client, trainee, course_and_lessons):
    course, lessons = course_and_lessons

    response = enrol(client, course)

    assert Enrolment.objects.filter(user=trainee, course=course).exists()
    assert f"You are enrolled in “{course.title}”" in response.text
    assert f"Start: {lessons[0].title}" in response.text


def test_enrolling_twice_keeps_one_enrolment(client, trainee, course_and_lessons):
    course, _ = course_and_lessons

    enrol(client, course)
    enrol(client, course)

    assert Enrolment.objects.filter(user=trainee, course=course).count() == 1


def test_a_course_without_self_enrolment_refuses_a_trainee_with_a_reason(
    client, trainee, course_and_lessons
):
    course, _ = course_and_lessons
    course.self_enrolment = False
    course.save()

    response = enrol(client, course)

    assert "a trainer enrols its trainees" in response.text
    assert not Enrolment.objects.exists()


def test_a_course_with_an_unfinished_prerequisite_refuses_self_enrolment(
    client, trainee, catalogue, course_and_lessons
):
    foundations, _ = course_and_lessons
    ethics, _ = two_module_course(
        catalogue, slug="ethics", title="Ethics", prerequisite=foundations
    )

    response = enrol(client, ethics)

    assert "Complete “Foundations” before enrolling" in response.text
    assert not Enrolment.objects.filter(course=ethics).exists()


def test_a_trainer_may_enrol_a_trainee_where_self_enrolment_is_off(course_and_lessons):
    course, _ = course_and_lessons
    course.self_enrolment = False
    course.save()
    trainer, trainee = UserFactory(role="Trainer"), UserFactory(role="Trainee")

    enrolment = services.enrolment_create(user=trainee, course=course, enrolled_by=trainer)

    assert enrolment.enrolled_by == trainer


def test_signed_out_visitors_are_sent_to_sign_in_before_enrolling(client, course_and_lessons):
    course, _ = course_and_lessons

    response = client.post(reverse("courses:enrol", args=[course.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Enrolment.objects.exists()


def test_enrolment_is_only_by_post(client, trainee, course_and_lessons):
    course, _ = course_and_lessons

    assert client.get(reverse("courses:enrol", args=[course.pk])).status_code == 405
    assert not Enrolment.objects.exists()
