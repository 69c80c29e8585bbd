"""A trainee passes a quiz and logs hours; their supervisor approves them. In a real browser."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments import hours
from assessments.models import Attempt, HoursEntry
from courses.services import enrolment_create
from tests.assessments.builders import question, quiz
from tests.courses.builders import catalogue_under, two_module_course
from tests.people.factories import UserFactory

from .conftest import axe_violations, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_trainee_passes_a_quiz(page, home_page):
    course, _ = two_module_course(catalogue_under(home_page))
    for number in range(3):
        question(f"ethics-{number:03}", correct=("Right",), wrong=("Wrong", "Also wrong"))
    check = quiz(course, slug="ethics-check", draws={"ethics": 3}, pass_mark=100)
    trainee = UserFactory(role="Trainee")
    enrolment_create(user=trainee, course=course)

    sign_in(page, trainee)
    page.goto(f"/assess/quizzes/{check.slug}/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start attempt").click()
    expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
    assert axe_violations(page) == []
    for radio in page.get_by_role("radio", name=re.compile(r"^Right")).all():
        radio.check()
    page.get_by_role("button", name="Submit answers").click()

    expect(page.get_by_text("Passed")).to_be_visible()
    assert axe_violations(page) == []
    assert Attempt.objects.get(user=trainee).passed


def test_a_trainee_logs_hours_and_the_supervisor_approves_them(page, home_page):
    trainee = UserFactory(role="Trainee", legal_name="Minh Nguyen")
    supervisor = UserFactory(role="Supervisor")
    hours.supervision_assign(
        trainee=trainee, supervisor=supervisor, credential="CPRS",
        program_started_on=date(2026, 1, 1), assigned_by=UserFactory(role="Trainer"),
    )  # fmt: skip

    sign_in(page, trainee)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My hours").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Log hours").click()
    page.get_by_label("Date").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_label("Hours").fill("2")
    page.get_by_label("Minutes").fill("0")
    page.get_by_label("Activity").select_option("group")
    page.get_by_label("Setting").select_option("recovery_center")
    page.get_by_label("Advocacy").check()
    page.get_by_label("Description").fill("Co-facilitated the Tuesday wellness group.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Submit to my supervisor").click()
    expect(page.get_by_text("Submitted to your supervisor.")).to_be_visible()
    sign_out(page)

    sign_in(page, supervisor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review hours").click()
    assert axe_violations(page) == []
    page.get_by_role("checkbox", name=re.compile("Approve Minh Nguyen")).check()
    page.get_by_role("button", name="Approve selected").click()

    expect(page.get_by_text("Approved 1 entry.")).to_be_visible()
    assert axe_violations(page) == []
    assert HoursEntry.objects.get().status == "approved"
