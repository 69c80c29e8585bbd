"""Reads for courses. Each runs a fixed number of queries, whatever the size of a course,
a lesson or a trainee's history."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from wagtail.models import Page

from .models import (
    DELIVERY_MODE_OF_SESSION,
    Attendance,
    Cohort,
    CoursePage,
    DeliveryMode,
    Enrolment,
    LessonPage,
    LessonProgress,
    LessonTopicCredit,
    LiveSession,
    LiveSessionTopicCredit,
    ModulePage,
    Topic,
)


class LessonLocked(Exception):
    """The trainee may not open this lesson yet. str(error) says why and what to do."""

    def __init__(self, message, *, course=None):
        super().__init__(message)
        self.course = course


def lesson_credited_minutes(lesson: LessonPage) -> int:
    return lesson.topic_credits.aggregate(total=Sum("minutes"))["total"] or 0


def course_for_page(page) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(page, inclusive=True).first()


def course_prerequisite_missing(*, user, course: CoursePage) -> CoursePage | None:
    """The prerequisite course the user has not completed, or None."""
    if course.prerequisite_id is None:
        return None
    done = Enrolment.objects.filter(
        user=user, course_id=course.prerequisite_id, completed_at__isnull=False
    ).exists()
    return None if done else course.prerequisite


def _children_of(pages) -> Q:
    """A filter for the direct children of `pages`: one clause per depth, matching the first
    part of each child's tree path, however many parents there are."""
    paths_by_depth: dict[int, list[str]] = defaultdict(list)
    for page in pages:
        paths_by_depth[page.depth].append(page.path)
    query = Q()
    for depth, paths in paths_by_depth.items():
        query |= Q(depth=depth + 1, **{f"parent_path_{depth}__in": paths})
    return query


def _with_parent_paths(queryset, pages):
    depths = {page.depth for page in pages}
    return queryset.annotate(
        **{f"parent_path_{depth}": Substr("path", 1, depth * Page.steplen) for depth in depths}
    )


def _module_lessons(modules) -> dict[int, list[LessonPage]]:
    """Live lessons of each module, in tree order, in one query."""
    modules = list(modules)
    if not modules:
        return {}
    by_module: dict[int, list[LessonPage]] = {module.pk: [] for module in modules}
    paths = {module.path: module.pk for module in modules}
    lessons = _with_parent_paths(LessonPage.objects.live().defer_streamfields(), modules)
    for lesson in lessons.filter(_children_of(modules)).order_by("path"):
        by_module[paths[lesson.path[: -LessonPage.steplen]]].append(lesson)
    return by_module


def lesson_access_check(
    *, user, lesson: LessonPage, enrolment: Enrolment | None = None
) -> Enrolment:
    """The trainee's enrolment for this lesson's course, if they may open the lesson.

    Raises LessonLocked with the reason otherwise: not signed in or not enrolled, the course's
    prerequisite not complete, or the previous module not complete when the module requires it.
    """
    module = ModulePage.objects.parent_of(lesson).specific().first()
    course = CoursePage.objects.parent_of(module).first() if module else None
    if course is None:
        raise LessonLocked("This lesson is not part of a course.")
    if not user.is_authenticated:
        raise LessonLocked(
            f"Sign in and enrol in “{course.title}” to open its lessons.", course=course
        )
    if enrolment is None:
        enrolment = Enrolment.objects.filter(user=user, course=course).first()
    if enrolment is None or enrolment.course_id != course.pk:
        raise LessonLocked(f"Enrol in “{course.title}” to open its lessons.", course=course)
    prerequisite = course_prerequisite_missing(user=user, course=course)
    if prerequisite is not None:
        raise LessonLocked(
            f"Complete “{prerequisite.title}” before starting “{course.title}”.", course=course
        )
    if module.requires_previous:
        previous = module.get_prev_siblings().live().type(ModulePage).first()
        if previous is not None:
            lessons = _module_lessons([previous])[previous.pk]
            completed = LessonProgress.objects.filter(
                enrolment=enrolment, lesson__in=lessons, completed_at__isnull=False
            ).count()
            if completed < len(lessons):
                raise LessonLocked(
                    f"Complete the module “{previous.title}” before starting “{module.title}”.",
                    course=course,
                )
    return enrolment


def course_lessons_remaining(*, enrolment: Enrolment) -> int:
    lessons = LessonPage.objects.live().descendant_of(enrolment.course)
    completed = LessonProgress.objects.filter(
        enrolment=enrolment, lesson__in=lessons, completed_at__isnull=False
    ).count()
    return lessons.count() - completed


def user_may_record_attendance(*, user, session: LiveSession) -> bool:
    if session.trainer_id == user.pk:
        return True
    return Cohort.objects.filter(
        Q(pk=session.cohort_id) | Q(course_id=session.course_id, live_sessions=session),
        trainers=user,
    ).exists()


@dataclass(frozen=True, slots=True)
class TrainingCredit:
    """Minutes credited to one topic by one completed lesson or attended live session."""

    topic_id: int
    minutes: Decimal
    on: date
    mode: str


def training_credits_for_users(user_ids) -> dict[int, list[TrainingCredit]]:
    """What each user's training credits, by user id: the full credit of every completed
    lesson (self-paced, on the day it was completed), and each live session's credit in
    proportion to the share of it attended (in the session's mode, on the day it started).
    Four queries, whatever the number of users."""
    completed = LessonProgress.objects.filter(
        enrolment__user_id__in=user_ids, completed_at__isnull=False
    )
    attended = Attendance.objects.filter(user_id__in=user_ids, minutes_attended__gt=0)
    lessons_by_user = list(completed.values_list("enrolment__user_id", "lesson_id", "completed_at"))
    credits_by_lesson: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for lesson_id, topic_id, minutes in LessonTopicCredit.objects.filter(
        lesson_id__in={lesson_id for _, lesson_id, _ in lessons_by_user}
    ).values_list("lesson_id", "topic_id", "minutes"):
        credits_by_lesson[lesson_id].append((topic_id, minutes))
    credits: dict[int, list[TrainingCredit]] = defaultdict(list)
    self_paced = DeliveryMode.SELF_PACED.value
    for user_id, lesson_id, completed_at in lessons_by_user:
        day = timezone.localdate(completed_at)
        for topic_id, minutes in credits_by_lesson[lesson_id]:
            credits[user_id].append(TrainingCredit(topic_id, Decimal(minutes), day, self_paced))
    attendance = list(
        attended.values_list(
            "user_id",
            "session_id",
            "minutes_attended",
            "session__starts_at",
            "session__ends_at",
            "session__mode",
        )
    )
    credits_by_session: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for session_id, topic_id, minutes in LiveSessionTopicCredit.objects.filter(
        session_id__in={row[1] for row in attendance}
    ).values_list("session_id", "topic_id", "minutes"):
        credits_by_session[session_id].append((topic_id, minutes))
    for user_id, session_id, minutes_attended, starts_at, ends_at, mode in attendance:
        duration = Decimal((ends_at - starts_at).total_seconds() / 60)
        share = min(Decimal(minutes_attended) / duration, Decimal(1))
        day, delivery = timezone.localdate(starts_at), DELIVERY_MODE_OF_SESSION[mode].value
        for topic_id, minutes in credits_by_session[session_id]:
            credited = (Decimal(minutes) * share).quantize(Decimal("0.1"))
            credits[user_id].append(TrainingCredit(topic_id, credited, day, delivery))
    return dict(credits)


def credited_minutes_by_topic(*, user) -> dict[Topic, Decimal]:
    """One user's credited minutes by topic (see training_credits_for_users), sorted by topic
    name. Five queries."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for credit in training_credits_for_users([user.pk]).get(user.pk, []):
        totals[credit.topic_id] += credit.minutes
    topics = Topic.objects.in_bulk(list(totals))
    return {
        topics[topic_id]: minutes
        for topic_id, minutes in sorted(totals.items(), key=lambda item: topics[item[0]].name)
    }


@dataclass
class LessonStatus:
    lesson: LessonPage
    credited_minutes: int
    engaged_seconds: int = 0
    completed: bool = False


@dataclass
class ModuleStatus:
    module: ModulePage
    lessons: list[LessonStatus] = field(default_factory=list)

    @property
    def completed_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.completed)

    @property
    def percent(self) -> int:
        return round(100 * self.completed_count / len(self.lessons)) if self.lessons else 0

    @property
    def completed(self) -> bool:
        return bool(self.lessons) and self.completed_count == len(self.lessons)


@dataclass
class CourseStatus:
    enrolment: Enrolment
    modules: list[ModuleStatus] = field(default_factory=list)

    @property
    def lessons(self) -> list[LessonStatus]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def completed_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.completed)

    @property
    def percent(self) -> int:
        lessons = self.lessons
        return round(100 * self.completed_count / len(lessons)) if lessons else 0

    @property
    def next_lesson(self) -> LessonPage | None:
        for module in self.modules:
            for status in module.lessons:
                if not status.completed:
                    return status.lesson
        return None


def course_statuses(*, enrolments) -> list[CourseStatus]:
    """Each enrolment's courses, modules and lessons with the trainee's progress. Five queries,
    whatever the number of enrolments, modules or lessons."""
    enrolments = list(enrolments)
    if not enrolments:
        return []
    courses = [enrolment.course for enrolment in enrolments]
    modules = list(
        _with_parent_paths(ModulePage.objects.live().defer_streamfields(), courses)
        .filter(_children_of(courses))
        .order_by("path")
    )
    lessons_by_module = _module_lessons(modules)
    lesson_ids = [lesson.pk for lessons in lessons_by_module.values() for lesson in lessons]
    credits = dict(
        LessonTopicCredit.objects.filter(lesson_id__in=lesson_ids)
        .values("lesson_id")
        .annotate(total=Sum("minutes"))
        .values_list("lesson_id", "total")
    )
    saved = [enrolment.pk for enrolment in enrolments if enrolment.pk]
    progress = {
        (row.enrolment_id, row.lesson_id): row
        for row in LessonProgress.objects.filter(enrolment_id__in=saved, lesson_id__in=lesson_ids)
    }
    statuses = []
    for enrolment in enrolments:
        course = enrolment.course
        status = CourseStatus(enrolment=enrolment)
        for module in modules:
            if not module.path.startswith(course.path):
                continue
            module_status = ModuleStatus(module=module)
            for lesson in lessons_by_module[module.pk]:
                row = progress.get((enrolment.pk, lesson.pk)) if enrolment.pk else None
                module_status.lessons.append(
                    LessonStatus(
                        lesson=lesson,
                        credited_minutes=credits.get(lesson.pk, 0),
                        engaged_seconds=row.engaged_seconds if row else 0,
                        completed=bool(row and row.completed_at),
                    )
                )
            status.modules.append(module_status)
        statuses.append(status)
    return statuses


def enrolments_for_user(*, user):
    return (
        Enrolment.objects.filter(user=user)
        .select_related("course", "cohort")
        .order_by("enrolled_at")
    )


def cohorts_for_trainer(*, user):
    """The cohorts a trainer leads. Administrators see every cohort."""
    cohorts = Cohort.objects.select_related("course").order_by("-starts_on", "name")
    if user.has_perm("courses.change_cohort"):
        return cohorts
    return cohorts.filter(trainers=user)


def attendance_rows(*, session: LiveSession) -> list[dict]:
    """The trainees who may attend a session (its cohort, or everyone enrolled in its course)
    with the minutes recorded so far. Two queries."""
    enrolments = Enrolment.objects.filter(course_id=session.course_id).select_related("user")
    if session.cohort_id:
        enrolments = enrolments.filter(cohort_id=session.cohort_id)
    recorded = dict(
        Attendance.objects.filter(session=session).values_list("user_id", "minutes_attended")
    )
    return [
        {"user": enrolment.user, "minutes": recorded.get(enrolment.user_id)}
        for enrolment in enrolments.order_by("user__legal_name")
    ]


@dataclass
class TraineeProgress:
    legal_name: str
    email: str
    lessons_completed: int
    lessons_total: int
    percent: int
    credited_hours: Decimal
    completed_on: str
    status: CourseStatus


def cohort_progress(*, cohort: Cohort) -> list[TraineeProgress]:
    """Each trainee's progress on the cohort's course, in a fixed number of queries."""
    enrolments = (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("user", "course")
        .order_by("user__legal_name")
    )
    rows = []
    for status in course_statuses(enrolments=enrolments):
        user = status.enrolment.user
        lessons = status.lessons
        credited = sum(lesson.credited_minutes for lesson in lessons if lesson.completed)
        completed_at = status.enrolment.completed_at
        rows.append(
            TraineeProgress(
                legal_name=user.legal_name,
                email=user.email,
                lessons_completed=status.completed_count,
                lessons_total=len(lessons),
                percent=status.percent,
                credited_hours=(Decimal(credited) / 60).quantize(Decimal("0.1")),
                completed_on=completed_at.date().isoformat() if completed_at else "",
                status=status,
            )
        )
    return rows
