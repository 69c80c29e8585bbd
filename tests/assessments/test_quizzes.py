"""The quiz engine: the stored draw, hidden answers, one submission, scoring and the rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Answer, Attempt, Option
from tests.people.factories import UserFactory
from tests.people.helpers import sign_in

from .builders import case, question, quiz, short

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return [question(f"ethics-{n:03}") for n in range(8)]


def right_answers(attempt) -> dict:
    responses = {}
    for item in attempt.items.all():
        groups = item.layout.get("parts") or [{"question": item.question_id, **item.layout}]
        for group in groups:
            correct = Option.objects.filter(pk__in=group["options"], correct=True)
            responses[group["question"]] = [option.pk for option in correct]
    return responses


def test_an_attempt_stores_the_exact_draw_and_order(trainee, course_and_lessons, bank):
    check = quiz(course_and_lessons[0], draws={"ethics": 5})

    attempt = services.attempt_start(user=trainee, quiz=check)

    items = list(attempt.items.all())
    assert [item.position for item in items] == [1, 2, 3, 4, 5]
    assert len({item.question_id for item in items}) == 5
    for item in items:
        assert sorted(item.layout["options"]) == sorted(
            item.question.options.values_list("pk", flat=True)
        )


def test_draws_and_option_orders_differ_between_attempts(trainee, course_and_lessons, bank):
    check = quiz(course_and_lessons[0], draws={"ethics": 5})
    layouts = set()
    for _ in range(6):
        attempt = services.attempt_start(user=trainee, quiz=check)
        layouts.add(tuple((i.question_id, tuple(i.layout["options"])) for i in attempt.items.all()))
        services.attempt_submit(user=trainee, attempt_id=attempt.pk, responses={})

    assert len(layouts) > 1


def test_the_quiz_page_shows_questions_in_the_stored_order_without_answers(
    client, trainee, course_and_lessons, bank
):
    check = quiz(course_and_lessons[0], draws={"ethics": 3})
    client.post(reverse("assessments:quiz_start", args=[check.slug]))
    attempt = Attempt.objects.get(user=trainee)

    html = client.get(reverse("assessments:attempt", args=[attempt.pk])).text

    positions = [html.index(item.question.text) for item in attempt.items.all()]
    assert positions == sorted(positions)
    assert "Because" not in html  # option feedback
    assert "correct" not in html.lower()


def test_a_perfect_submission_passes_and_feeds_the_result(
    client, trainee, course_and_lessons, bank
):
    check = quiz(course_and_lessons[0], draws={"ethics": 4})
    attempt = services.attempt_start(user=trainee, quiz=check)

    submitted = services.attempt_submit(
        user=trainee, attempt_id=attempt.pk, responses=right_answers(attempt)
    )

    assert submitted.score == 100
    assert submitted.passed
    assert selectors.quiz_passed(user=trainee, quiz=check)
    result = client.get(reverse("assessments:result", args=[attempt.pk]))
    assert "Score: <strong>100%</strong> · Passed" in result.text
    assert "Because Yes" in result.text  # feedback after submission


def test_submitting_twice_records_one_attempt(client, trainee, course_and_lessons, bank):
    check = quiz(course_and_lessons[0])
    attempt = services.attempt_start(user=trainee, quiz=check)
    url = reverse("assessments:attempt_submit", args=[attempt.pk])

    client.post(url, {})
    second = client.post(url, {}, follow=True)

    assert "already submitted" in second.text
    assert Attempt.objects.filter(user=trainee).count() == 1
    assert Answer.objects.filter(attempt=attempt).count() == 3


def test_answers_to_questions_outside_the_attempt_are_refused(
    client, trainee, course_and_lessons, bank
):
    check = quiz(course_and_lessons[0])
    attempt = services.attempt_start(user=trainee, quiz=check)
    stranger = question("ethics-999")

    response = client.post(
        reverse("assessments:attempt_submit", args=[attempt.pk]),
        {f"q-{stranger.pk}": [stranger.options.first().pk]},
        follow=True,
    )

    assert "not in this attempt" in response.text
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"
    assert not Answer.objects.exists()


def test_an_option_from_another_question_is_refused(trainee, course_and_lessons, bank):
    check = quiz(course_and_lessons[0])
    attempt = services.attempt_start(user=trainee, quiz=check)
    first, second = list(attempt.items.all())[:2]

    with pytest.raises(services.AssessmentError, match="does not belong"):
        services.attempt_submit(
            user=trainee,
            attempt_id=attempt.pk,
            responses={first.question_id: [second.layout["options"][0]]},
        )
    assert not Answer.objects.exists()


def test_someone_elses_attempt_cannot_be_seen_or_submitted(
    client, home_page, course_and_lessons, bank
):
    owner = UserFactory(role="Trainee")
    from courses.services import enrolment_create

    enrolment_create(user=owner, course=course_and_lessons[0])
    attempt = services.attempt_start(user=owner, quiz=quiz(course_and_lessons[0]))
    other = UserFactory(role="Trainee")
    sign_in(client, other)

    assert client.get(reverse("assessments:attempt", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("assessments:result", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("assessments:attempt_submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"


def test_a_late_submission_is_recorded_late_and_scored_by_the_quiz_rule(
    trainee, course_and_lessons, bank
):
    zero = quiz(course_and_lessons[0], slug="strict", time_limit_minutes=10, late_rule="zero")
    usual = quiz(course_and_lessons[0], slug="lenient", time_limit_minutes=10, late_rule="score")
    start = timezone.now()

    results = {}
    for check in (zero, usual):
        attempt = services.attempt_start(user=trainee, quiz=check, now=start)
        results[check.slug] = services.attempt_submit(
            user=trainee, attempt_id=attempt.pk, responses=right_answers(attempt),
            now=start + timedelta(minutes=11),
        )  # fmt: skip

    assert results["strict"].late
    assert results["strict"].score == 0
    assert not results["strict"].passed
    assert results["lenient"].late
    assert results["lenient"].score == 100


def test_a_submission_inside_the_limit_is_not_late(trainee, course_and_lessons, bank):
    check = quiz(course_and_lessons[0], time_limit_minutes=10)
    start = timezone.now()
    attempt = services.attempt_start(user=trainee, quiz=check, now=start)

    submitted = services.attempt_submit(
        user=trainee, attempt_id=attempt.pk, responses={}, now=start + timedelta(minutes=9)
    )

    assert not submitted.late


def test_the_attempt_limit_and_the_wait_between_attempts(trainee, course_and_lessons, bank):
    check = quiz(course_and_lessons[0], max_attempts=2, wait_minutes=60)
    start = timezone.now()
    first = services.attempt_start(user=trainee, quiz=check, now=start)
    services.attempt_submit(user=trainee, attempt_id=first.pk, responses={}, now=start)

    with pytest.raises(services.AssessmentError, match="60 minutes between attempts"):
        services.attempt_start(user=trainee, quiz=check, now=start + timedelta(minutes=30))
    second = services.attempt_start(user=trainee, quiz=check, now=start + timedelta(minutes=61))
    services.attempt_submit(user=trainee, attempt_id=second.pk, responses={}, now=start)
    with pytest.raises(services.AssessmentError, match="used all 2 attempts"):
        services.attempt_start(user=trainee, quiz=check, now=start + timedelta(days=1))


@pytest.mark.parametrize(
    ("grading", "expected_score"), [("highest", 100), ("latest", 0), ("first", 0)]
)
def test_the_grading_method_picks_the_attempt_that_counts(
    trainee, course_and_lessons, bank, grading, expected_score
):
    check = quiz(course_and_lessons[0], grading=grading)
    scores = []
    for responses in ("none", "right", "none"):
        attempt = services.attempt_start(user=trainee, quiz=check)
        answers = right_answers(attempt) if responses == "right" else {}
        scores.append(
            services.attempt_submit(user=trainee, attempt_id=attempt.pk, responses=answers).score
        )

    assert scores == [0, 100, 0]
    assert selectors.counting_attempt(user=trainee, quiz=check).score == expected_score


def test_multiple_response_partial_credit(trainee, course_and_lessons):
    question("multi-1", type="multiple", correct=("A", "B"), wrong=("C", "D"))
    partial = quiz(course_and_lessons[0], slug="partial", draws={"ethics": 1})
    strict = quiz(
        course_and_lessons[0],
        slug="strict",
        draws={"ethics": 1},
        multiple_response="all_or_nothing",
    )
    by_text = {o.text.split(" ")[0]: o.pk for o in Option.objects.all()}

    scores = {}
    for check in (partial, strict):
        attempt = services.attempt_start(user=trainee, quiz=check)
        qid = attempt.items.get().question_id
        scores[check.slug] = services.attempt_submit(
            user=trainee, attempt_id=attempt.pk, responses={qid: [by_text["A"]]}
        ).score

    assert scores == {"partial": 50, "strict": 0}


def test_a_case_scenario_scores_each_part(trainee, course_and_lessons):
    case("crisis-case", parts=2)
    check = quiz(course_and_lessons[0], draws={"crisis-de-escalation": 1})
    attempt = services.attempt_start(user=trainee, quiz=check)
    responses = right_answers(attempt)
    first_part = next(iter(responses))
    responses.pop(first_part)

    submitted = services.attempt_submit(user=trainee, attempt_id=attempt.pk, responses=responses)

    assert submitted.points_possible == 2
    assert submitted.score == 50


def test_written_answers_wait_for_a_trainer_and_then_score_the_attempt(trainee, course_and_lessons):
    short("doc-1", points=4)
    check = quiz(course_and_lessons[0], draws={"documentation": 1}, pass_mark=75)
    attempt = services.attempt_start(user=trainee, quiz=check)
    qid = attempt.items.get().question_id

    submitted = services.attempt_submit(
        user=trainee, attempt_id=attempt.pk, responses={qid: "Facts only, no names."}
    )
    assert submitted.status == "awaiting_grading"
    assert submitted.score is None

    answer = Answer.objects.get(attempt=attempt)
    with pytest.raises(services.AssessmentError, match="Only trainers"):
        services.answer_grade(grader=trainee, answer_id=answer.pk, points=4)
    trainer = UserFactory(role="Trainer")
    with pytest.raises(services.AssessmentError, match="between 0 and 4"):
        services.answer_grade(grader=trainer, answer_id=answer.pk, points=5)
    services.answer_grade(grader=trainer, answer_id=answer.pk, points=3, comment="Good.")

    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == ("graded", 75, True)


def test_a_quiz_cannot_start_when_the_bank_is_too_small(trainee, course_and_lessons):
    question("ethics-001")
    check = quiz(course_and_lessons[0], draws={"ethics": 3})

    with pytest.raises(services.AssessmentError, match="has 1 questions on Ethics"):
        services.attempt_start(user=trainee, quiz=check)
    assert not Attempt.objects.exists()


def test_only_enrolled_trainees_can_start(client, home_page, course_and_lessons, bank):
    outsider = UserFactory(role="Trainee")
    sign_in(client, outsider)
    check = quiz(course_and_lessons[0])

    response = client.post(reverse("assessments:quiz_start", args=[check.slug]), follow=True)

    assert "Enrol in “Foundations” to take this quiz." in response.text
    assert not Attempt.objects.exists()


def test_a_knowledge_check_gates_its_lesson(client, trainee, course_and_lessons, bank):
    from courses import services as course_services
    from courses.models import Enrolment

    _, (a, *_) = course_and_lessons
    check = quiz(course_and_lessons[0], lesson=a)
    enrolment = Enrolment.objects.get(user=trainee)
    course_services.lesson_open(user=trainee, lesson=a)
    enrolment.progress.update(engaged_seconds=3600)

    assert "Take the knowledge check" in client.get(a.url).text
    with pytest.raises(course_services.CourseRuleError, match="knowledge check"):
        course_services.lesson_complete(user=trainee, enrolment_id=enrolment.pk, lesson=a)

    attempt = services.attempt_start(user=trainee, quiz=check)
    services.attempt_submit(user=trainee, attempt_id=attempt.pk, responses=right_answers(attempt))

    assert "You passed" in client.get(a.url).text
    progress = course_services.lesson_complete(user=trainee, enrolment_id=enrolment.pk, lesson=a)
    assert progress.completed_at is not None


def test_a_trainer_grades_written_answers_of_their_cohort_only(client, trainee, course_and_lessons):
    from courses.models import Cohort, Enrolment
    from tests.people.helpers import TOTP_SECRET

    course = course_and_lessons[0]
    short("doc-1", points=4)
    check = quiz(course, draws={"documentation": 1}, pass_mark=50)
    attempt = services.attempt_start(user=trainee, quiz=check)
    qid = attempt.items.get().question_id
    services.attempt_submit(user=trainee, attempt_id=attempt.pk, responses={qid: "Facts only."})
    answer = Answer.objects.get(attempt=attempt)
    lead = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    outsider = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    cohort = Cohort.objects.create(name="Spring", course=course)
    cohort.trainers.add(lead)
    Enrolment.objects.filter(user=trainee).update(cohort=cohort)
    url = reverse("assessments:grading")

    client.logout()
    sign_in(client, outsider, totp_secret=TOTP_SECRET)
    assert "Facts only." not in client.get(url).text
    assert client.post(url, {"answer": answer.pk, "points": "4"}).status_code == 404

    client.logout()
    sign_in(client, lead, totp_secret=TOTP_SECRET)
    assert "Facts only." in client.get(url).text
    refused = client.post(url, {"answer": answer.pk, "points": "nine"}, follow=True)
    assert "Enter the points as a number." in refused.text
    client.post(url, {"answer": answer.pk, "points": "3", "comment": "Clear and factual."})

    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == ("graded", 75, True)


def test_trainees_cannot_open_grading(client, trainee):
    assert client.get(reverse("assessments:grading")).status_code == 403


def test_the_review_shows_questions_and_options_in_the_order_the_trainee_saw(
    client, trainee, course_and_lessons, bank
):
    check = quiz(course_and_lessons[0], draws={"ethics": 4})
    attempt = services.attempt_start(user=trainee, quiz=check)
    services.attempt_submit(user=trainee, attempt_id=attempt.pk, responses={})

    html = client.get(reverse("assessments:result", args=[attempt.pk])).text

    shown = [
        Option.objects.get(pk=pk).text
        for item in attempt.items.all()
        for pk in item.layout["options"]
    ]
    positions = [html.index(text) for text in shown]
    assert positions == sorted(positions)
