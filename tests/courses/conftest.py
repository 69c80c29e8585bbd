import pytest

from courses.models import CoursePage

from .builders import catalogue_under, two_module_course


@pytest.fixture
def catalogue(home_page):
    return catalogue_under(home_page)


@pytest.fixture
def course_and_lessons(catalogue) -> tuple[CoursePage, list]:
    return two_module_course(catalogue)
