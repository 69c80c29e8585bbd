"""3. Pages: server time and query count as the content grows, each page at a small and a
large size in the same run. The large size is the figure, the small one the baseline."""

import statistics
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import HoursEntry
from courses.models import Cohort, Enrolment, LessonPage, LessonProgress
from courses.services import enrolment_create
from tests.courses.builders import catalogue_under, course_under, lesson_under, module_under
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

from .data import users_bulk

REQUESTS = 40


def measure(client, url) -> tuple[float, int]:
    """The 95th percentile of server time in ms over REQUESTS requests, and the queries of one."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)  # now: each later request clears the log it reads from
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[-1], query_count


def report(record, page, small, large, sizes, unit_name):
    (small_p95, small_queries), (large_p95, large_queries) = small, large
    record(
        f"{page}: {sizes[1]:,} {unit_name} (p95 server time)", large_p95, "ms",
        baseline=small_p95, baseline_name=f"{sizes[0]:,} {unit_name}", lower_is_better=True,
        target="same queries at both sizes; p95 < 50 ms",
        met=large_queries == small_queries and large_p95 < 50,
        parameters={"queries_small": small_queries, "queries_large": large_queries,
                    "requests": REQUESTS},
    )  # fmt: skip


def blocks(count: int):
    return [
        (
            "text",
            f"<p>Paragraph {number}: boundaries protect both people in a peer relationship.</p>",
        )
        if number % 3
        else ("heading", {"text": f"Section {number}", "level": "h2"})
        for number in range(count)
    ]


@pytest.mark.django_db
def test_a_lesson_page_with_10_and_100_blocks(record, client, home_page):
    course = course_under(catalogue_under(home_page), slug="bench-lessons")
    module = module_under(course, slug="module")
    short = lesson_under(module, slug="short", body=blocks(10))
    long = lesson_under(module, slug="long", body=blocks(100))
    trainee = UserFactory(role="Trainee")
    enrolment_create(user=trainee, course=course)
    client.force_login(trainee)

    report(record, "Lesson page", measure(client, short.url), measure(client, long.url),
           (10, 100), "blocks")  # fmt: skip


@pytest.mark.django_db
def test_the_dashboard_with_1_and_50_enrolments(record, client, home_page):
    catalogue = catalogue_under(home_page)
    courses = []
    for number in range(50):
        course = course_under(catalogue, slug=f"bench-course-{number}", title=f"Course {number}")
        module = module_under(course, slug="module")
        for lesson in range(3):
            lesson_under(module, slug=f"lesson-{lesson}")
        courses.append(course)
    one, fifty = UserFactory(role="Trainee"), UserFactory(role="Trainee")
    enrolment_create(user=one, course=courses[0])
    for course in courses:
        enrolment = enrolment_create(user=fifty, course=course)
        lesson = LessonPage.objects.descendant_of(course).first()
        LessonProgress.objects.create(enrolment=enrolment, lesson_id=lesson.pk, engaged_seconds=60)
    url = reverse("courses:dashboard")
    client.force_login(one)
    small = measure(client, url)
    client.force_login(fifty)
    report(record, "Trainee dashboard", small, measure(client, url), (1, 50), "enrolments")


@pytest.mark.django_db
def test_a_cohort_page_with_10_and_10000_hour_entries(record, client, home_page):
    catalogue = catalogue_under(home_page)
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    supervisor = UserFactory(role="Supervisor")
    sizes = (10, 10_000)
    measured = []
    for size in sizes:
        course = course_under(catalogue, slug=f"bench-cohort-{size}", title=f"Cohort course {size}")
        module = module_under(course, slug="module")
        for lesson in range(5):
            lesson_under(module, slug=f"lesson-{lesson}")
        cohort = Cohort.objects.create(name=f"Cohort {size}", course=course)
        cohort.trainers.add(trainer)
        trainees = users_bulk(20, prefix=f"cohort-{size}")
        Enrolment.objects.bulk_create(
            Enrolment(user=trainee, course=course, cohort=cohort) for trainee in trainees
        )
        HoursEntry.objects.bulk_create(
            HoursEntry(
                trainee=trainees[number % 20], supervisor=supervisor,
                worked_on=date(2026, 1, 1) + timedelta(days=number // 20), minutes=60,
                activity="one_to_one", setting="community", description=f"Session {number}.",
                status=HoursEntry.Status.APPROVED,
            )
            for number in range(size)
        )  # fmt: skip
        measured.append(cohort)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)
    small, large = (
        measure(client, reverse("courses:cohort_detail", args=[cohort.pk])) for cohort in measured
    )
    report(record, "Cohort page (20 trainees)", small, large, sizes, "hour entries")
