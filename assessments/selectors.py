"""Reads for assessments."""

from decimal import Decimal

from django.utils import timezone

from .models import Attempt, Quiz


def attempts_for(*, user, quiz: Quiz):
    return Attempt.objects.filter(user=user, quiz=quiz).order_by("number")


def counting_attempt(*, user, quiz: Quiz) -> Attempt | None:
    """The graded attempt that counts under the quiz's grading method."""
    graded = list(attempts_for(user=user, quiz=quiz).filter(status=Attempt.Status.GRADED))
    return _counting(quiz, graded)


def _counting(quiz: Quiz, graded: list[Attempt]) -> Attempt | None:
    """Among graded attempts in order, the one the quiz's grading method counts."""
    if not graded:
        return None
    if quiz.grading == Quiz.Grading.FIRST:
        return graded[0]
    if quiz.grading == Quiz.Grading.LATEST:
        return graded[-1]
    return max(graded, key=lambda attempt: (attempt.score, -attempt.number))


def quiz_passed(*, user, quiz: Quiz) -> bool:
    attempt = counting_attempt(user=user, quiz=quiz)
    return bool(attempt and attempt.passed)


def review_allowed(*, attempt: Attempt) -> bool:
    """Whether the trainee may now see correct answers and feedback for this attempt."""
    quiz = attempt.quiz
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return False
    if quiz.review == Quiz.Review.AFTER_SUBMISSION:
        return True
    if quiz.review == Quiz.Review.AFTER_PASS:
        return quiz_passed(user=attempt.user, quiz=quiz)
    if quiz.review == Quiz.Review.AFTER_LAST_ATTEMPT:
        used = attempts_for(user=attempt.user, quiz=quiz).count()
        return quiz.max_attempts is not None and used >= quiz.max_attempts
    return False


def next_attempt_at(*, user, quiz: Quiz, now=None):
    """When the user may start another attempt (now if already), or None if none are left."""
    now = now or timezone.now()
    attempts = list(attempts_for(user=user, quiz=quiz))
    if quiz.max_attempts is not None and len(attempts) >= quiz.max_attempts:
        return None
    last_submitted = max((a.submitted_at for a in attempts if a.submitted_at), default=None)
    if last_submitted and quiz.wait_minutes:
        return max(now, last_submitted + timezone.timedelta(minutes=quiz.wait_minutes))
    return now


def answers_to_grade(*, grader):
    """Written answers waiting for a grade, from trainees in the grader's cohorts on the quiz's
    course (administrators and lead trainers see all)."""
    from courses.models import Enrolment

    from .models import Answer

    answers = (
        Answer.objects.filter(
            points_awarded__isnull=True, attempt__status=Attempt.Status.AWAITING_GRADING
        )
        .select_related("question", "attempt__user", "attempt__quiz")
        .order_by("attempt__submitted_at")
    )
    if grader.has_perm("courses.change_cohort"):
        return answers
    led = Enrolment.objects.filter(cohort__trainers=grader)
    return answers.filter(
        attempt__user__in=led.values("user"), attempt__quiz__course__in=led.values("course")
    )


def counting_scores_for_users(user_ids) -> dict[int, dict[int, Decimal]]:
    """The score that counts for each quiz each user has a graded attempt at: by user id, then
    quiz id. One query, whatever the number of users and quizzes."""
    attempts = (
        Attempt.objects.filter(user_id__in=user_ids, status=Attempt.Status.GRADED)
        .select_related("quiz")
        .order_by("user_id", "quiz_id", "number")
    )
    graded: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in attempts:
        graded.setdefault((attempt.user_id, attempt.quiz_id), []).append(attempt)
    scores: dict[int, dict[int, Decimal]] = {}
    for (user_id, quiz_id), attempts_at_quiz in graded.items():
        counting = _counting(attempts_at_quiz[0].quiz, attempts_at_quiz)
        scores.setdefault(user_id, {})[quiz_id] = counting.score
    return scores


def counting_scores(*, user) -> dict[int, Decimal]:
    """The score that counts for each quiz the user has a graded attempt at, by quiz id."""
    return counting_scores_for_users([user.pk]).get(user.pk, {})
