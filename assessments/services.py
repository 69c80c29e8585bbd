"""Writes for quizzes: starting an attempt (the draw), submitting it, grading written answers.

Each service validates before it writes; AssessmentError carries a message for the person.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Enrolment

from . import selectors
from .models import Answer, Attempt, AttemptItem, Option, Question, Quiz

# A submission arriving this soon after the deadline (network, a slow phone) is not late.
LATE_GRACE = timedelta(seconds=30)
_random = random.SystemRandom()


class AssessmentError(Exception):
    """A request that breaks a quiz rule. str(error) is a message for the person."""


class AlreadySubmitted(AssessmentError):
    pass


def _draw(quiz: Quiz) -> list[Question]:
    drawn: list[Question] = []
    for rule in quiz.draw_rules.select_related("topic"):
        pool = list(
            Question.objects.filter(topic=rule.topic, active=True, case__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if len(pool) < rule.count:
            raise AssessmentError(
                f"This quiz cannot be started: the bank has {len(pool)} questions on "
                f"{rule.topic.name} and the quiz draws {rule.count}. Tell your trainer."
            )
        drawn.extend(_random.sample(pool, rule.count))
    _random.shuffle(drawn)
    questions = Question.objects.in_bulk(drawn)
    return [questions[pk] for pk in drawn]


def _layout(question: Question, options_by_question: dict, parts_by_case: dict) -> dict:
    def shuffled_options(q):
        ids = list(options_by_question.get(q.pk, []))
        if q.type != Question.Type.TRUE_FALSE:
            _random.shuffle(ids)
        return ids

    if question.type == Question.Type.CASE:
        return {
            "parts": [
                {"question": part.pk, "options": shuffled_options(part)}
                for part in parts_by_case.get(question.pk, [])
            ]
        }
    return {"options": shuffled_options(question)}


@transaction.atomic
def attempt_start(*, user, quiz: Quiz, now=None) -> Attempt:
    """Start an attempt, or return the one in progress. Draws the questions, shuffles questions
    and options, and stores exactly what was drawn in what order."""
    now = now or timezone.now()
    if not Enrolment.objects.filter(user=user, course_id=quiz.course_id).exists():
        raise AssessmentError(f"Enrol in “{quiz.course.title}” to take this quiz.")
    open_attempt = Attempt.objects.filter(
        user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        return open_attempt
    next_at = selectors.next_attempt_at(user=user, quiz=quiz, now=now)
    if next_at is None:
        raise AssessmentError(f"You have used all {quiz.max_attempts} attempts at this quiz.")
    if next_at > now:
        raise AssessmentError(
            f"You can try again from {timezone.localtime(next_at):%H:%M on %d %B %Y}: this quiz "
            f"asks for {quiz.wait_minutes} minutes between attempts."
        )
    questions = _draw(quiz)
    parts = Question.objects.filter(case__in=[q for q in questions if q.type == "case"]).order_by(
        "sort_order", "pk"
    )
    parts_by_case: dict[int, list[Question]] = {}
    for part in parts:
        parts_by_case.setdefault(part.case_id, []).append(part)
    option_rows = (
        Option.objects.filter(question__in=[*questions, *parts])
        .order_by("sort_order", "pk")
        .values_list("question_id", "pk")
    )
    options_by_question: dict[int, list[int]] = {}
    for question_id, option_id in option_rows:
        options_by_question.setdefault(question_id, []).append(option_id)
    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=number,
                started_at=now,
                deadline_at=now + timedelta(minutes=quiz.time_limit_minutes)
                if quiz.time_limit_minutes
                else None,
            )
    except IntegrityError:
        # Another request started it a moment ago: that one is the attempt.
        return Attempt.objects.get(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS)
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            question=question,
            position=position,
            layout=_layout(question, options_by_question, parts_by_case),
        )
        for position, question in enumerate(questions, start=1)
    )
    return attempt


def _answerable(attempt: Attempt) -> dict[int, set[int] | None]:
    """Question ids the attempt asks, with the option ids each may use (None: written answer)."""
    answerable: dict[int, set[int] | None] = {}
    for item in attempt.items.select_related("question"):
        if "parts" in item.layout:
            for part in item.layout["parts"]:
                answerable[part["question"]] = set(part["options"])
        elif item.question.type == Question.Type.SHORT:
            answerable[item.question_id] = None
        else:
            answerable[item.question_id] = set(item.layout["options"])
    return answerable


def _score_choice(question: Question, selected: set[int], correct: set[int], rule: str) -> Decimal:
    if question.type != Question.Type.MULTIPLE or rule == Quiz.MultipleResponse.ALL_OR_NOTHING:
        return Decimal(1) if selected == correct else Decimal(0)
    right = len(selected & correct)
    wrong = len(selected - correct)
    return max(Decimal(0), Decimal(right - wrong) / Decimal(len(correct))).quantize(Decimal("0.01"))


@transaction.atomic
def attempt_submit(
    *, user, attempt_id: int, responses: dict[int, list[int] | str], now=None
) -> Attempt:
    """Submit answers. Scores choice questions now; written answers wait for a trainer.

    Raises AssessmentError (nothing written) for someone else's attempt or for answers to
    questions or options the attempt did not show; AlreadySubmitted if it was submitted before,
    so a double click records one submission.
    """
    now = now or timezone.now()
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or attempt.user_id != user.pk:
        raise AssessmentError("That attempt is not yours.")
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise AlreadySubmitted("This attempt was already submitted; it has been recorded once.")
    answerable = _answerable(attempt)
    for question_id, response in responses.items():
        if question_id not in answerable:
            raise AssessmentError("An answer was sent for a question that is not in this attempt.")
        allowed = answerable[question_id]
        if allowed is None:
            if not isinstance(response, str):
                raise AssessmentError("A written answer must be text.")
        elif isinstance(response, str) or not set(response) <= allowed:
            raise AssessmentError("An answer chose an option that does not belong to its question.")
    questions = Question.objects.in_bulk(list(answerable))
    correct: dict[int, set[int]] = {}
    for option in Option.objects.filter(question_id__in=list(answerable), correct=True):
        correct.setdefault(option.question_id, set()).add(option.pk)

    awarded, possible, waiting = Decimal(0), Decimal(0), False
    answers = []
    for question_id, allowed in answerable.items():
        question = questions[question_id]
        response = responses.get(question_id)
        if allowed is None:
            possible += question.points
            text = (response or "").strip() if isinstance(response, str) else ""
            answers.append(Answer(attempt=attempt, question=question, text=text))
            waiting = True
            continue
        selected = set(response or [])
        if question.type != Question.Type.MULTIPLE and len(selected) > 1:
            raise AssessmentError("Choose one answer for each single-choice question.")
        points = _score_choice(
            question, selected, correct.get(question_id, set()), attempt.quiz.multiple_response
        )
        possible += 1
        awarded += points
        answers.append(
            Answer(
                attempt=attempt, question=question, selected=sorted(selected), points_awarded=points
            )
        )
    Answer.objects.bulk_create(answers)
    attempt.submitted_at = now
    attempt.late = bool(attempt.deadline_at and now > attempt.deadline_at + LATE_GRACE)
    attempt.points_possible = possible
    attempt.points_awarded = awarded
    if waiting:
        attempt.status = Attempt.Status.AWAITING_GRADING
    else:
        _finalise(attempt)
    attempt.save()
    return attempt


def _finalise(attempt: Attempt) -> None:
    quiz = attempt.quiz
    if attempt.late and quiz.late_rule == Quiz.Late.SCORE_ZERO:
        attempt.score = Decimal(0)
    elif attempt.points_possible:
        attempt.score = (attempt.points_awarded * 100 / attempt.points_possible).quantize(
            Decimal("0.01")
        )
    else:
        attempt.score = Decimal(0)
    attempt.passed = attempt.score >= quiz.pass_mark
    attempt.status = Attempt.Status.GRADED


@transaction.atomic
def answer_grade(*, grader, answer_id: int, points, comment: str = "", now=None) -> Answer:
    """A trainer grades a written answer against the question's rubric. When the last written
    answer of an attempt is graded, the attempt is scored."""
    now = now or timezone.now()
    answer = Answer.objects.select_related("question", "attempt__quiz").get(pk=answer_id)
    attempt = Attempt.objects.select_for_update().get(pk=answer.attempt_id)
    if not grader.has_perm("assessments.grade_attempt"):
        raise AssessmentError("Only trainers can grade written answers.")
    if attempt.status == Attempt.Status.IN_PROGRESS:
        raise AssessmentError("This attempt has not been submitted yet.")
    try:
        points = Decimal(str(points).strip())
    except ArithmeticError as error:
        raise AssessmentError("Enter the points as a number.") from error
    if points < 0 or points > answer.question.points:
        raise AssessmentError(f"Award between 0 and {answer.question.points} points.")
    answer.points_awarded = points
    answer.grader_comment = comment.strip()
    answer.graded_by = grader
    answer.graded_at = now
    answer.save()
    if not attempt.answers.filter(points_awarded__isnull=True).exists():
        attempt.points_awarded = sum(a.points_awarded for a in attempt.answers.all())
        attempt.quiz = answer.attempt.quiz
        _finalise(attempt)
        attempt.save()
    return answer
