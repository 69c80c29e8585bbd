"""Seat time measured on the server, sequencing, and completion a board can trust."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import knowledge_checks, services
from courses.models import Enrolment, LessonProgress, ReflectionAnswer
from tests.people.factories import UserFactory
from tests.people.helpers import sign_in

from .builders import two_module_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(client, home_page):
    user = UserFactory(role="Trainee", preferred_name="Ana")
    sign_in(client, user)
    return user


@pytest.fixture
def enrolled(trainee, course_and_lessons):
    course, lessons = course_and_lessons
    enrolment = services.enrolment_create(user=trainee, course=course)
    return enrolment, lessons


def beat(user, enrolment, lesson, at, *, resuming=False):
    return services.lesson_heartbeat_record(
        user=user, enrolment_id=enrolment.pk, lesson=lesson, now=at, resuming=resuming
    )


def spend(user, enrolment, lesson, seconds, *, start=None):
    """Report activity every 15 seconds for `seconds`, as the lesson page does."""
    at = start or timezone.now()
    beat(user, enrolment, lesson, at, resuming=True)
    for _ in range(seconds // 15):
        at += timedelta(seconds=15)
        progress = beat(user, enrolment, lesson, at)
    return progress, at


def complete(user, enrolment, lesson):
    return services.lesson_complete(user=user, enrolment_id=enrolment.pk, lesson=lesson)


def test_opening_a_lesson_shows_it_and_starts_its_progress(client, enrolled):
    enrolment, lessons = enrolled

    response = client.get(lessons[0].url)

    assert response.status_code == 200
    assert "Peer support is mutual." in response.text
    assert "Mark this lesson complete" in response.text
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=lessons[0]).engaged_seconds == 0


def test_a_lesson_is_closed_to_someone_not_enrolled(client, trainee, course_and_lessons):
    _, lessons = course_and_lessons

    response = client.get(lessons[0].url)

    assert response.status_code == 403
    assert "Enrol in “Foundations” to open its lessons." in response.text
    assert not LessonProgress.objects.exists()


def test_a_module_that_requires_the_previous_one_stays_closed_until_it_is_complete(
    client, trainee, enrolled
):
    enrolment, (a, b, c) = enrolled

    locked = client.get(c.url)
    assert locked.status_code == 403
    assert "Complete the module “Module one” before starting “Module two”." in locked.text

    start = timezone.now()
    for lesson in (a, b):
        _, start = spend(trainee, enrolment, lesson, 60 * 60, start=start)
        complete(trainee, enrolment, lesson)

    assert client.get(c.url).status_code == 200


def test_a_course_stays_closed_until_its_prerequisite_is_complete(client, trainee, catalogue):
    foundations, _ = two_module_course(catalogue)
    ethics, ethics_lessons = two_module_course(
        catalogue, slug="ethics", title="Ethics", prerequisite=foundations
    )
    services.enrolment_create(user=trainee, course=ethics, enrolled_by=UserFactory(role="Trainer"))

    response = client.get(ethics_lessons[0].url)

    assert response.status_code == 403
    assert "Complete “Foundations” before starting “Ethics”." in response.text


def test_each_report_credits_the_time_since_the_last_one_and_never_more_than_the_cap(
    trainee, enrolled
):
    enrolment, (a, *_) = enrolled
    start = timezone.now()

    beat(trainee, enrolment, a, start, resuming=True)
    beat(trainee, enrolment, a, start + timedelta(seconds=15))
    progress = beat(trainee, enrolment, a, start + timedelta(minutes=20))

    assert progress.engaged_seconds == 15 + services.max_credit_seconds()


def test_a_tab_coming_back_from_the_background_earns_nothing_for_the_time_away(trainee, enrolled):
    enrolment, (a, *_) = enrolled
    start = timezone.now()
    beat(trainee, enrolment, a, start, resuming=True)

    progress = beat(trainee, enrolment, a, start + timedelta(minutes=30), resuming=True)

    assert progress.engaged_seconds == 0


def test_two_lessons_open_at_once_share_one_clock(trainee, enrolled):
    enrolment, (a, b, _) = enrolled
    start = timezone.now()
    beat(trainee, enrolment, a, start, resuming=True)
    beat(trainee, enrolment, b, start, resuming=True)

    for step in range(1, 41):
        at = start + timedelta(seconds=15 * step)
        beat(trainee, enrolment, a, at)
        beat(trainee, enrolment, b, at)

    total = sum(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("engaged_seconds", flat=True)
    )
    assert total == 40 * 15


def test_completion_is_refused_until_the_seat_time_is_spent(client, trainee, enrolled):
    enrolment, (a, *_) = enrolled
    spend(trainee, enrolment, a, 10 * 60)

    response = client.post(
        reverse("courses:lesson_complete", args=[enrolment.pk, a.pk]), follow=True
    )

    assert "needs at least 36 minutes of reading time" in response.text
    assert "you have spent 10" in response.text
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=a).completed_at is None


def test_completion_succeeds_once_the_share_of_credited_time_is_spent(client, trainee, enrolled):
    enrolment, (a, b, _) = enrolled
    spend(trainee, enrolment, a, 36 * 60)  # 80% of 45 credited minutes

    response = client.post(
        reverse("courses:lesson_complete", args=[enrolment.pk, a.pk]), follow=True
    )

    assert "Lesson complete" in response.text
    assert response.wsgi_request.path == b.url
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=a).completed_at is not None


def test_completing_every_lesson_completes_the_course(trainee, enrolled):
    enrolment, lessons = enrolled
    start = timezone.now()
    for lesson in lessons:
        _, start = spend(trainee, enrolment, lesson, 60 * 60, start=start)
        complete(trainee, enrolment, lesson)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_progress_for_someone_elses_enrolment_is_refused_and_changes_nothing(
    client, trainee, course_and_lessons
):
    course, (a, *_) = course_and_lessons
    other = UserFactory(role="Trainee")
    theirs = services.enrolment_create(user=other, course=course)
    services.lesson_open(user=other, lesson=a)

    heartbeat = client.post(reverse("courses:lesson_heartbeat", args=[theirs.pk, a.pk]))
    completion = client.post(
        reverse("courses:lesson_complete", args=[theirs.pk, a.pk]), follow=True
    )

    assert heartbeat.status_code == 403
    assert "not yours" in heartbeat.json()["error"]
    assert "not yours" in completion.text
    progress = LessonProgress.objects.get(enrolment=theirs, lesson=a)
    assert (progress.engaged_seconds, progress.last_heartbeat_at, progress.completed_at) == (
        0,
        None,
        None,
    )


def test_the_heartbeat_endpoint_reports_the_time_the_server_has_counted(client, enrolled):
    enrolment, (a, *_) = enrolled
    client.get(a.url)

    response = client.post(reverse("courses:lesson_heartbeat", args=[enrolment.pk, a.pk]))

    assert response.status_code == 200
    assert response.json() == {
        "engaged_seconds": 0,
        "required_seconds": 36 * 60,
        "completed": False,
    }


class FakeQuizzes:
    """Stands in for the assessments app through the knowledge-check hook."""

    def __init__(self, checked, passed):
        self.checked, self.passed = set(checked), set(passed)

    def lessons_with_checks(self, lesson_ids):
        return self.checked & set(lesson_ids)

    def lessons_passed(self, user, lesson_ids):
        return self.passed & set(lesson_ids)


def test_a_lesson_with_a_knowledge_check_completes_only_once_it_is_passed(trainee, enrolled):
    enrolment, (a, *_) = enrolled
    quizzes = FakeQuizzes(checked={a.pk}, passed=set())
    knowledge_checks.register(quizzes)
    try:
        spend(trainee, enrolment, a, 60 * 60)
        with pytest.raises(services.CourseRuleError, match="knowledge check"):
            complete(trainee, enrolment, a)
        quizzes.passed.add(a.pk)
        assert complete(trainee, enrolment, a).completed_at is not None
    finally:
        knowledge_checks.unregister(quizzes)


def test_a_reflection_is_saved_and_shown_only_to_its_author(client, trainee, enrolled):
    enrolment, (a, *_) = enrolled
    a.body = [("reflection", {"prompt": "When did someone's story help you?", "guidance": ""})]
    a.save_revision().publish()
    a.refresh_from_db()
    block_id = a.body[0].id

    client.post(
        reverse("courses:reflection_save", args=[a.pk, block_id]),
        {"text": "When a peer told me about her first year."},
    )

    answer = ReflectionAnswer.objects.get(user=trainee, lesson=a)
    assert answer.text == "When a peer told me about her first year."
    assert "When a peer told me about her first year." in client.get(a.url).text
    other = UserFactory(role="Trainee")
    Enrolment.objects.create(user=other, course=enrolment.course)
    client.logout()
    sign_in(client, other)
    assert "When a peer told me about her first year." not in client.get(a.url).text


def test_a_reflection_for_a_prompt_not_in_the_lesson_is_refused(client, trainee, enrolled):
    _, (a, *_) = enrolled

    response = client.post(
        reverse("courses:reflection_save", args=[a.pk, "6f1c1c3e-8c0e-4a53-9a43-2d5f0f7f0b11"]),
        {"text": "Hello"},
        follow=True,
    )

    assert "not part of this lesson" in response.text
    assert not ReflectionAnswer.objects.exists()


def test_a_lesson_edit_shows_at_once_and_prompts_keep_their_place(client, trainee, enrolled):
    _, (a, *_) = enrolled
    a.body = [
        ("text", "<p>Before the prompt.</p>"),
        ("reflection", {"prompt": "What helps you keep a boundary?", "guidance": ""}),
        ("text", "<p>After the prompt.</p>"),
    ]
    a.save_revision().publish()
    page = client.get(a.url).text
    assert page.index("Before the prompt.") < page.index("What helps you keep a boundary?")
    assert page.index("What helps you keep a boundary?") < page.index("After the prompt.")

    a.refresh_from_db()
    a.body = [("text", "<p>Rewritten after a trainer's review.</p>")]
    a.save_revision().publish()

    page = client.get(a.url).text
    assert "Rewritten after a trainer's review." in page
    assert "Before the prompt." not in page


def test_a_document_renamed_after_a_lesson_was_seen_shows_its_new_name(client, trainee, enrolled):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    _, (a, *_) = enrolled
    document = get_document_model().objects.create(
        title="Crisis plan template", file=ContentFile(b"plan", name="plan.txt")
    )
    a.body = [("document", {"document": document, "description": ""})]
    a.save_revision().publish()
    assert "Crisis plan template" in client.get(a.url).text

    document.title = "Wellness and crisis plan template"
    document.save()

    assert "Wellness and crisis plan template" in client.get(a.url).text
