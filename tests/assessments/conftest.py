import pytest

from courses import services as course_services
from tests.courses.builders import catalogue_under, two_module_course
from tests.people.factories import UserFactory
from tests.people.helpers import sign_in


@pytest.fixture
def course_and_lessons(home_page):
    return two_module_course(catalogue_under(home_page))


@pytest.fixture
def trainee(client, course_and_lessons):
    user = UserFactory(role="Trainee")
    course_services.enrolment_create(user=user, course=course_and_lessons[0])
    sign_in(client, user)
    return user
