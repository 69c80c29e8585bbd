"""Writes for courses: enrolment, seat time, completion, reflections and attendance.

Each service validates before it writes and raises CourseRuleError with a message meant for
the person who asked; nothing is written when it raises.
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import knowledge_checks, selectors
from .models import (
    Attendance,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    LiveSession,
    ReflectionAnswer,
)


def heartbeat_seconds() -> int:
    """How often the lesson page reports activity while it is visible (setting
    PEERCERT_LESSON_HEARTBEAT_SECONDS, default 15)."""
    return int(getattr(settings, "PEERCERT_LESSON_HEARTBEAT_SECONDS", 15))


def max_credit_seconds() -> int:
    """A report credits the time since the trainee's previous report on any lesson, never more
    than two heartbeats: a hidden tab stops reporting and so stops earning, and two open lessons
    share one clock."""
    return 2 * heartbeat_seconds()


class CourseRuleError(Exception):
    """A request that breaks a course rule. str(error) is a message for the person."""


class AttendanceErrors(CourseRuleError):
    """Some rows of an attendance sheet are invalid: errors maps user ids to messages."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("Some attendance rows are invalid.")
        self.errors = errors


def enrolment_create(*, user, course: CoursePage, enrolled_by=None, cohort=None) -> Enrolment:
    """Enrol a person in a course. Idempotent: enrolling again returns the same enrolment (and
    puts it in the cohort if one is given). A trainee enrolling themselves needs the course to
    allow self-enrolment and its prerequisite to be complete."""
    self_enrolling = enrolled_by is None or enrolled_by == user
    existing = Enrolment.objects.filter(user=user, course=course).first()
    if existing is not None:
        if cohort is not None and existing.cohort_id != cohort.pk:
            existing.cohort = cohort
            existing.save(update_fields=["cohort"])
        return existing
    if self_enrolling:
        if not course.self_enrolment:
            raise CourseRuleError(
                f"“{course.title}” does not take self-enrolment: a trainer enrols its trainees."
            )
        prerequisite = selectors.course_prerequisite_missing(user=user, course=course)
        if prerequisite is not None:
            raise CourseRuleError(
                f"Complete “{prerequisite.title}” before enrolling in this course."
            )
    if cohort is not None and cohort.course_id != course.pk:
        raise CourseRuleError(f"The cohort “{cohort.name}” takes a different course.")
    enrolment = Enrolment(
        user=user, course=course, cohort=cohort, enrolled_by=None if self_enrolling else enrolled_by
    )
    enrolment.full_clean()
    enrolment.save()
    return enrolment


def lesson_open(*, user, lesson: LessonPage) -> LessonProgress:
    """Record that the trainee opened the lesson (after checking they may) and start its clock.
    Opening credits no time."""
    enrolment = selectors.lesson_access_check(user=user, lesson=lesson)
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    return progress


def _owned_progress_for_update(*, user, enrolment_id: int, lesson: LessonPage) -> LessonProgress:
    enrolment = Enrolment.objects.filter(pk=enrolment_id).select_related("course").first()
    if enrolment is None or enrolment.user_id != user.pk:
        raise CourseRuleError("That enrolment is not yours: you can only record your own progress.")
    selectors.lesson_access_check(user=user, lesson=lesson, enrolment=enrolment)
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    return LessonProgress.objects.select_for_update().get(pk=progress.pk)


@transaction.atomic
def lesson_heartbeat_record(
    *, user, enrolment_id: int, lesson: LessonPage, resuming: bool = False, now=None
) -> LessonProgress:
    """Credit the time since the trainee's last report, measured here, capped, and shared across
    every lesson they have open. `resuming` (a tab becoming visible again) restarts the clock
    without credit."""
    now = now or timezone.now()
    progress = _owned_progress_for_update(user=user, enrolment_id=enrolment_id, lesson=lesson)
    last_anywhere = LessonProgress.objects.filter(enrolment__user=user).aggregate(
        last=Max("last_heartbeat_at")
    )["last"]
    if not resuming and last_anywhere is not None and progress.completed_at is None:
        elapsed = (now - last_anywhere).total_seconds()
        progress.engaged_seconds += int(max(0, min(elapsed, max_credit_seconds())))
    progress.last_heartbeat_at = now
    progress.save(update_fields=["engaged_seconds", "last_heartbeat_at"])
    return progress


def seconds_required(*, course: CoursePage, credited_minutes: int) -> int:
    """Seconds a trainee must spend on a lesson worth credited_minutes before completing it."""
    return math.ceil(credited_minutes * 60 * float(course.seat_time_share))


@transaction.atomic
def lesson_complete(*, user, enrolment_id: int, lesson: LessonPage, now=None) -> LessonProgress:
    """Mark a lesson complete when the trainee has spent its required share of credited time
    on it and passed its knowledge check, if any. Idempotent."""
    now = now or timezone.now()
    progress = _owned_progress_for_update(user=user, enrolment_id=enrolment_id, lesson=lesson)
    if progress.completed_at is not None:
        return progress
    enrolment = progress.enrolment
    credited = selectors.lesson_credited_minutes(lesson)
    required = seconds_required(course=enrolment.course, credited_minutes=credited)
    if progress.engaged_seconds < required:
        spent, needed = progress.engaged_seconds // 60, math.ceil(required / 60)
        raise CourseRuleError(
            f"This lesson needs at least {needed} minutes of reading time before it can be "
            f"completed; you have spent {spent}. Keep the lesson open while you work through it."
        )
    if lesson.pk in knowledge_checks.lessons_with_unpassed_checks(user, [lesson.pk]):
        raise CourseRuleError("Pass this lesson's knowledge check to complete it.")
    progress.completed_at = now
    progress.save(update_fields=["completed_at"])
    if selectors.course_lessons_remaining(enrolment=enrolment) == 0:
        enrolment.completed_at = now
        enrolment.save(update_fields=["completed_at"])
    return progress


def reflection_save(*, user, lesson: LessonPage, block_id: str, text: str) -> ReflectionAnswer:
    """Save a trainee's private answer to one of the lesson's reflection prompts."""
    selectors.lesson_access_check(user=user, lesson=lesson)
    prompt_ids = {block.id for block in lesson.body if block.block_type == "reflection"}
    if block_id not in prompt_ids:
        raise CourseRuleError("That reflection prompt is not part of this lesson.")
    text = text.strip()
    if len(text) > 10_000:
        raise CourseRuleError("Keep your reflection under 10,000 characters.")
    answer, _ = ReflectionAnswer.objects.update_or_create(
        user=user, lesson=lesson, block_id=block_id, defaults={"text": text}
    )
    return answer


@transaction.atomic
def attendance_record(
    *, session: LiveSession, user, minutes_attended: int, recorded_by
) -> Attendance:
    """Record (or correct) how many minutes a trainee attended. Only the session's trainer, or a
    trainer of its cohort, may record it; the trainee must be enrolled in the course."""
    if not selectors.user_may_record_attendance(user=recorded_by, session=session):
        raise CourseRuleError("Only the session's trainers can record its attendance.")
    if not Enrolment.objects.filter(user=user, course_id=session.course_id).exists():
        raise CourseRuleError(f"{user.get_full_name()} is not enrolled in this course.")
    attendance = Attendance.objects.filter(session=session, user=user).first() or Attendance(
        session=session, user=user
    )
    attendance.minutes_attended = minutes_attended
    attendance.recorded_by = recorded_by
    attendance.full_clean()
    attendance.save()
    return attendance


@transaction.atomic
def attendance_record_many(*, session: LiveSession, minutes_by_user: dict, recorded_by) -> None:
    """Record a whole attendance sheet, all or nothing: every row is validated first, and if any
    is invalid AttendanceErrors lists them and nothing is saved."""
    errors: dict[int, str] = {}
    for user, minutes in minutes_by_user.items():
        try:
            with transaction.atomic():
                attendance_record(
                    session=session, user=user, minutes_attended=minutes, recorded_by=recorded_by
                )
        except ValidationError as error:
            errors[user.pk] = " ".join(error.messages)
        except CourseRuleError as error:
            errors[user.pk] = str(error)
    if errors:
        transaction.set_rollback(True)
        raise AttendanceErrors(errors)
