"""A trainee walks from the catalogue through a lesson to a completed module, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import LessonProgress
from tests.courses.builders import catalogue_under, course_under, lesson_under, module_under
from tests.people.factories import PASSWORD, UserFactory

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCENARIO = {
    "title": "A friend request",
    "situation": "<p>Someone you support sends you a friend request on social media.</p>",
    "choices": [
        {
            "text": "Accept it",
            "outcome": "<p>This blurs the relationship.</p>",
            "recommended": False,
        },
        {
            "text": "Talk about it at your next meeting",
            "outcome": "<p>You keep the relationship clear and kind.</p>",
            "recommended": True,
        },
    ],
    "debrief": "<p>Follow your program's social media policy.</p>",
}


@pytest.fixture
def short_course(home_page, settings):
    settings.PEERCERT_LESSON_HEARTBEAT_SECONDS = 1
    catalogue = catalogue_under(home_page)
    catalogue.save_revision().publish()
    course = course_under(catalogue, slug="boundaries-basics", title="Boundaries basics",
                          seat_time_share="0.05")  # fmt: skip
    module = module_under(course, slug="social-media", title="Social media")
    lesson = lesson_under(
        module,
        slug="friend-requests",
        title="Friend requests",
        credits={"boundaries": 1},
        body=[
            ("heading", {"text": "Online boundaries", "level": "h2"}),
            ("text", "<p>Peer relationships have limits that protect both people.</p>"),
            ("callout", {"kind": "tip", "title": "Check the policy", "body": "<p>Ask.</p>"}),
            (
                "story",
                {"attribution": "A peer specialist (composite)", "story": "<p>I said no.</p>"},
            ),
            ("reflection", {"prompt": "Which online boundaries do you keep?", "guidance": ""}),
            ("scenario", SCENARIO),
        ],
    )
    return course, module, lesson


def test_a_trainee_goes_from_the_catalogue_through_a_lesson_to_a_completed_module(
    page, short_course
):
    course, module, lesson = short_course
    trainee = UserFactory(role="Trainee", preferred_name="Minh")
    visited = []

    def check(name):
        visited.append(name)
        assert axe_violations(page) == [], name

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.IGNORECASE)).click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    check("catalogue")
    page.get_by_role("link", name="Boundaries basics").click()
    check("course page")
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_text("You are enrolled in “Boundaries basics”.")).to_be_visible()
    check("course page, enrolled")

    page.get_by_role("link", name="Start: Friend requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Friend requests")
    page.get_by_text("Talk about it at your next meeting").click()
    expect(page.get_by_text("You keep the relationship clear and kind.")).to_be_visible()
    page.get_by_role("textbox", name="Reflect: Which online boundaries do you keep?").fill(
        "No friend requests."
    )
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.get_by_text("Your reflection is saved.")).to_be_visible()
    check("lesson")

    # The page reports activity every second here; the lesson needs 3 seconds of it.
    expect(page.locator("[data-engaged]")).to_have_text(
        re.compile(r"^([3-9]|\d\d+)$"), timeout=20_000
    )
    page.get_by_role("button", name="Mark this lesson complete").click()

    expect(page.get_by_text("Lesson complete: “Friend requests”.")).to_be_visible()
    expect(page.get_by_text("100% · of this module complete")).to_be_visible()
    check("module page")
    assert LessonProgress.objects.get(lesson=lesson).completed_at is not None

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning").click()
    row = page.get_by_role("row", name=re.compile("^Boundaries"))
    expect(row.get_by_role("cell")).to_have_text("1 min")
    check("dashboard")
    assert len(visited) == 6
