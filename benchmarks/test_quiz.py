"""6. Quiz submission: attempts at a 40-question quiz graded per second."""

import time

import pytest

from assessments.models import Option
from assessments.services import attempt_start, attempt_submit
from courses.models import Enrolment
from tests.assessments.builders import question, quiz
from tests.courses.builders import catalogue_under, course_under

from .data import users_bulk

QUESTIONS = 40
ATTEMPTS = 200


@pytest.mark.django_db
def test_grading_attempts_at_a_forty_question_quiz(record, home_page):
    course = course_under(catalogue_under(home_page), slug="bench-quiz")
    for number in range(QUESTIONS):
        if number % 4 == 3:
            question(f"bench-{number:03}", type="multiple", correct=("Yes", "Also yes"))
        elif number % 4 == 2:
            question(f"bench-{number:03}", type="true_false", correct=("True",), wrong=("False",))
        else:
            question(f"bench-{number:03}", correct=("Yes",), wrong=("No", "Maybe", "Never"))
    final = quiz(course, slug="bench-final", draws={"ethics": QUESTIONS}, pass_mark=80)
    correct = set(Option.objects.filter(correct=True).values_list("pk", flat=True))
    trainees = users_bulk(ATTEMPTS, prefix="quiz")
    Enrolment.objects.bulk_create(Enrolment(user=trainee, course=course) for trainee in trainees)
    prepared = []
    for trainee in trainees:
        attempt = attempt_start(user=trainee, quiz=final)
        responses = {
            item.question_id: [pk for pk in item.layout["options"] if pk in correct]
            for item in attempt.items.all()
        }
        prepared.append((trainee, attempt.pk, responses))

    started = time.perf_counter()
    for trainee, attempt_id, responses in prepared:
        attempt_submit(user=trainee, attempt_id=attempt_id, responses=responses)
    seconds = time.perf_counter() - started

    rate = ATTEMPTS / seconds
    record(
        f"Grade attempts at a {QUESTIONS}-question quiz",
        rate, "attempts/s", lower_is_better=False, target="(no target; reported)", met=None,
        parameters={"attempts": ATTEMPTS, "questions": QUESTIONS,
                    "ms_per_attempt": round(seconds * 1000 / ATTEMPTS, 1)},
    )  # fmt: skip
