"""`manage.py load_demo` loads fixtures/ and is idempotent."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Page, Revision, Site

from assessments import services as assessment_services
from assessments.models import HoursEntry, Option, Question, Quiz, Supervision
from cms.demo import demo_accounts, demo_read
from courses.models import Cohort, CoursePage, Enrolment, LessonPage, LiveSession
from people.mfa import totp_code_now
from people.models import User

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", "--not-debug-ok", stdout=out)
    return out.getvalue()


def test_the_demo_refuses_to_load_where_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="Refusing to load the demo"):
        call_command("load_demo", stdout=StringIO())

    assert not User.objects.exists()


def snapshot():
    return {
        "users": sorted(User.objects.values_list("email", "legal_name", "password")),
        "roles": sorted(User.objects.values_list("email", "groups__name")),
        "pages": sorted(Page.objects.values_list("url_path", "title", "live")),
        "revisions": Revision.objects.count(),
        "sites": sorted(Site.objects.values_list("hostname", "root_page_id", "is_default_site")),
        "authenticators": sorted(Authenticator.objects.values_list("user__email", "type")),
        "emails": sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
        "enrolments": sorted(
            Enrolment.objects.values_list("user__email", "course__slug", "cohort__name")
        ),
        "cohorts": sorted(Cohort.objects.values_list("name", "course__slug")),
        "sessions": sorted(LiveSession.objects.values_list("title", "starts_at")),
        "bodies": sorted(LessonPage.objects.values_list("slug", "body")),
        "questions": sorted(Question.objects.values_list("key", "text")),
        "options": Option.objects.count(),
        "quizzes": sorted(Quiz.objects.values_list("slug", "pass_mark")),
        "hours": sorted(HoursEntry.objects.values_list("worked_on", "minutes", "status")),
        "supervisions": sorted(
            Supervision.objects.values_list("trainee__email", "supervisor__email")
        ),
    }


def test_the_demo_has_a_site_a_home_page_and_one_account_per_role(client):
    output = load_demo()

    roles = sorted(User.objects.values_list("groups__name", flat=True))
    assert roles == sorted(
        [
            "Trainee",
            "Trainee",
            "Trainer",
            "Lead trainer",
            "Supervisor",
            "Certifier",
            "Administrator",
        ]
    )
    home = client.get("/")
    assert home.status_code == 200
    assert "Training and certification for peer support specialists" in home.text
    assert client.get("/privacy/").status_code == 200
    catalogue = client.get("/courses/")
    for title in (
        "Foundations of Peer Support",
        "Ethics and Boundaries in Peer Support",
        "Confidentiality and Privacy",
        "Crisis Support and De-escalation",
    ):
        assert title in catalogue.text
    for course in CoursePage.objects.all():
        assert client.get(course.url).status_code == 200
    assert LessonPage.objects.live().count() >= 16
    assert "peer-support-demo" in output
    assert "ana.trainee@demo.peercert.test" in output


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    before = snapshot()

    output = load_demo()

    assert snapshot() == before
    assert "nothing changed" in output


def test_the_demo_explains_the_second_factor_and_its_keys_work(client):
    output = load_demo()
    staff = [account for account in demo_accounts(demo_read()) if account.totp_secret]

    assert {account.role for account in staff} == {"Trainer", "Certifier", "Administrator"}
    assert "second factor" in output
    for account in staff:
        assert account.totp_secret in output

    trainer = next(account for account in staff if account.role == "Trainer")
    client.post(reverse("account_login"), {"login": trainer.email, "password": "peer-support-demo"})
    client.post(reverse("mfa_authenticate"), {"code": totp_code_now(trainer.totp_secret)})
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_demo_codes_prints_a_current_code_for_each_staff_account():
    out = StringIO()
    call_command("demo_codes", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    for account in demo_accounts(demo_read()):
        if account.totp_secret:
            assert f"{account.email}: {totp_code_now(account.totp_secret)}" in lines


def test_every_lesson_of_the_demo_curriculum_renders(rf):
    load_demo()
    trainer = User.objects.get(email="grace.trainer@demo.peercert.test")

    for lesson in LessonPage.objects.live().specific():
        request = rf.get(lesson.url)
        request.user = trainer
        request.is_preview = True
        response = lesson.serve(request)
        response.render()
        assert response.status_code == 200, lesson.slug
        assert lesson.title in response.content.decode(), lesson.slug
        assert len(list(lesson.body)) >= 5, lesson.slug


def test_a_demo_trainee_opens_the_first_lesson_of_their_cohort_course(client):
    load_demo()
    client.post(
        reverse("account_login"),
        {"login": "ana.trainee@demo.peercert.test", "password": "peer-support-demo"},
    )
    first = LessonPage.objects.live().get(slug="the-five-functions")

    response = client.get(first.url)

    assert response.status_code == 200
    assert "The five functions of peer support" in response.text
    assert "Mark this lesson complete" in response.text


def test_the_demo_question_bank_is_large_enough_for_every_quiz():
    load_demo()
    trainee = User.objects.get(email="minh.trainee@demo.peercert.test")

    assert Question.objects.filter(case__isnull=True).count() >= 60
    for quiz in Quiz.objects.all():
        Enrolment.objects.get_or_create(user=trainee, course=quiz.course)
        attempt = assessment_services.attempt_start(user=trainee, quiz=quiz)
        assert attempt.items.count() == sum(rule.count for rule in quiz.draw_rules.all()), quiz.slug


def test_the_demo_trainee_has_a_supervisor_and_hours_in_each_state():
    load_demo()

    statuses = sorted(HoursEntry.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "draft", "submitted", "submitted"]
    supervision = Supervision.objects.get()
    assert supervision.supervisor.email == "sam.supervisor@demo.peercert.test"
