"""The trainee dashboard's figures, and pages whose query counts do not grow with content."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import LiveSession, LiveSessionTopicCredit
from tests.people.factories import UserFactory
from tests.people.helpers import sign_in

from .builders import lesson_under, module_under, topic, two_module_course
from .test_progress import complete, spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(client, home_page):
    user = UserFactory(role="Trainee")
    sign_in(client, user)
    return user


def queries_for(client, url) -> int:
    client.get(url)  # warm caches (site root paths, session) so that only the page is measured
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def test_the_dashboard_shows_progress_credited_hours_by_topic_and_what_is_next(
    client, trainee, course_and_lessons
):
    course, (a, b, c) = course_and_lessons
    enrolment = services.enrolment_create(user=trainee, course=course)
    spend(trainee, enrolment, a, 60 * 60)
    complete(trainee, enrolment, a)
    trainer = UserFactory(role="Trainer")
    start = timezone.now() - timedelta(days=1)
    session = LiveSession.objects.create(
        course=course, title="Role plays", trainer=trainer, mode="in_person",
        starts_at=start, ends_at=start + timedelta(minutes=120),
    )  # fmt: skip
    LiveSessionTopicCredit.objects.create(session=session, topic=topic("ethics"), minutes=120)
    services.attendance_record(
        session=session, user=trainee, minutes_attended=90, recorded_by=trainer
    )

    response = client.get(reverse("courses:dashboard"))

    text = response.text
    assert "Foundations" in text
    assert "33% · of lessons complete" in text  # 1 of 3 lessons
    assert "Module one: 1 of 2 lessons" in text
    assert f'Next: <a class="button" href="{b.url}">{b.title}</a>' in text
    rows = dict(
        (row["topic"].slug, row["minutes"]) for row in response.context["credited_by_topic"]
    )
    # Lesson a credits ethics 30 and boundaries 15; 90 of the session's 120 minutes credit
    # three quarters of its 120 ethics minutes.
    assert rows == {"ethics": 30 + 90, "boundaries": 15}
    assert "2 h 15 min in all (2.3 hours)" in text


def test_the_dashboard_runs_the_same_queries_for_one_course_or_many(client, trainee, catalogue):
    course, _ = two_module_course(catalogue)
    services.enrolment_create(user=trainee, course=course)
    few = queries_for(client, reverse("courses:dashboard"))

    for number in range(2, 7):
        more, _ = two_module_course(catalogue, slug=f"course-{number}", title=f"Course {number}")
        for module in more.get_children():
            for extra in range(3):
                lesson_under(module.specific, slug=f"extra-{extra}")
        services.enrolment_create(user=trainee, course=more)
    many = queries_for(client, reverse("courses:dashboard"))

    assert many == few


def test_a_lesson_page_runs_the_same_queries_for_few_or_many_blocks(client, trainee, catalogue):
    course, (a, *_) = two_module_course(catalogue)
    services.enrolment_create(user=trainee, course=course)
    module = a.get_parent().specific
    short = lesson_under(module, slug="short", body=[("text", "<p>One.</p>")] * 3)
    long_body = [
        ("text", "<p>Many.</p>"),
        ("callout", {"kind": "tip", "title": "Tip", "body": "<p>Listen.</p>"}),
        ("story", {"attribution": "A peer (composite)", "story": "<p>I was there.</p>"}),
        ("reflection", {"prompt": "What did you notice?", "guidance": ""}),
        (
            "scenario",
            {
                "title": "A gift",
                "situation": "<p>Someone offers you a gift.</p>",
                "choices": [
                    {"text": "Accept", "outcome": "<p>Hmm.</p>", "recommended": False},
                    {"text": "Thank and explain", "outcome": "<p>Good.</p>", "recommended": True},
                ],
                "debrief": "<p>Boundaries protect both.</p>",
            },
        ),
    ] * 20
    long = lesson_under(module, slug="long", body=long_body)

    assert queries_for(client, long.url) == queries_for(client, short.url)


def test_the_course_page_runs_the_same_queries_for_few_or_many_lessons(client, trainee, catalogue):
    course, _ = two_module_course(catalogue)
    services.enrolment_create(user=trainee, course=course)
    few = queries_for(client, course.url)

    for number in range(3, 8):
        module = module_under(course, slug=f"module-{number}")
        for extra in range(4):
            lesson_under(module, slug=f"lesson-{number}-{extra}")
    many = queries_for(client, course.url)

    assert many == few
