"""Trainers author courses in the Wagtail admin under a restricted page tree, and lead trainers
approve what is published."""

import pytest
from django.urls import reverse
from wagtail.models import Page, Workflow

from cms.models import ContentPage, HomePage
from courses.models import CourseCataloguePage, CoursePage, LessonPage, ModulePage
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

from .builders import lesson_under

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page_type", "allowed_parent", "refused_parents"),
    [
        (CourseCataloguePage, HomePage, [CoursePage, ContentPage]),
        (CoursePage, CourseCataloguePage, [HomePage, ModulePage]),
        (ModulePage, CoursePage, [CourseCataloguePage, LessonPage]),
        (LessonPage, ModulePage, [CoursePage, HomePage]),
    ],
)
def test_each_page_type_goes_only_under_its_parent(page_type, allowed_parent, refused_parents):
    assert page_type.allowed_parent_page_models() == [allowed_parent]
    for parent in refused_parents:
        assert page_type not in parent.allowed_subpage_models()


def test_a_lesson_has_no_children():
    assert LessonPage.allowed_subpage_models() == []


def test_the_admin_refuses_a_lesson_directly_under_a_course(client, course_and_lessons):
    course, _ = course_and_lessons
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)

    response = client.get(
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])
    )

    assert response.status_code in (302, 403)
    allowed = client.get(
        reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    )
    assert allowed.status_code == 200


def test_every_page_goes_through_the_course_review_workflow():
    root = Page.get_first_root_node()

    workflow = root.get_workflow()

    assert workflow.name == "Course review"
    assert [task.name for task in workflow.tasks] == ["Lead trainer approval"]
    assert not Workflow.objects.filter(active=True).exclude(pk=workflow.pk).exists()


def test_a_trainer_submits_a_lesson_and_only_a_lead_trainer_can_approve_and_publish_it(
    course_and_lessons,
):
    _, (a, *_) = course_and_lessons
    module = a.get_parent().specific
    trainer = UserFactory(role="Trainer")
    lead = UserFactory(role="Trainer")
    lead.groups.add(lead.groups.model.objects.get(name="Lead trainer"))
    lesson = lesson_under(module, slug="gifts")
    lesson.unpublish()
    lesson.refresh_from_db()

    assert not lesson.permissions_for_user(trainer).can_publish()
    assert lesson.permissions_for_user(lead).can_publish()

    lesson.save_revision(user=trainer)
    workflow_state = lesson.get_workflow().start(lesson, trainer)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(lesson, trainer) == []
    assert [name for name, *_ in task.get_actions(lesson, lead)][:2] == ["reject", "approve"]

    task_state.approve(user=lead)
    lesson.refresh_from_db()
    assert lesson.live


def test_the_accessibility_checker_is_in_the_userbar_for_trainers(client, course_and_lessons):
    course, _ = course_and_lessons
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)

    response = client.get(course.url)

    assert "wagtail-userbar" in response.text
    assert "checker-axe-configuration" in response.text  # the content checker (axe) is on


def test_trainers_schedule_live_sessions_in_the_admin_but_cannot_edit_topics(client, home_page):
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)

    assert client.get(reverse("wagtailsnippets_courses_livesession:add")).status_code == 200
    assert client.get(reverse("wagtailsnippets_courses_topic:add")).status_code in (302, 403)
