from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from wagtail import hooks

from . import selectors, services
from .models import CourseCataloguePage, CoursePage, LessonPage, LiveSession


def _live_lesson(lesson_id: int) -> LessonPage:
    return get_object_or_404(LessonPage.objects.live(), pk=lesson_id)


@login_required
def dashboard(request):
    statuses = selectors.course_statuses(
        enrolments=selectors.enrolments_for_user(user=request.user)
    )
    credited = selectors.credited_minutes_by_topic(user=request.user)
    return render(
        request,
        "courses/dashboard.html",
        {
            "statuses": statuses,
            "credited_by_topic": [
                {"topic": topic, "minutes": minutes, "hours": minutes / 60}
                for topic, minutes in credited.items()
            ],
            "credited_minutes_total": sum(credited.values()),
            "credited_hours_total": sum(credited.values()) / 60,
            "next_status": next((s for s in statuses if s.next_lesson), None),
            "catalogue": CourseCataloguePage.objects.live().first(),
            # Other apps add sections (certification readiness) through this Wagtail hook;
            # each function takes the request and returns safe HTML.
            "panels": [panel(request) for panel in hooks.get_hooks("learner_dashboard_panels")],
        },
    )


@login_required
@require_POST
def enrol(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.enrolment_create(user=request.user, course=course)
    except services.CourseRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You are enrolled in “{course.title}”.")
    return redirect(course.url)


@login_required
@require_POST
def lesson_heartbeat(request, enrolment_id, lesson_id):
    lesson = _live_lesson(lesson_id)
    try:
        progress = services.lesson_heartbeat_record(
            user=request.user,
            enrolment_id=enrolment_id,
            lesson=lesson,
            resuming=request.POST.get("state") == "resume",
        )
    except (services.CourseRuleError, selectors.LessonLocked) as error:
        return JsonResponse({"error": str(error)}, status=403)
    required = services.seconds_required(
        course=progress.enrolment.course,
        credited_minutes=selectors.lesson_credited_minutes(lesson),
    )
    return JsonResponse(
        {
            "engaged_seconds": progress.engaged_seconds,
            "required_seconds": required,
            "completed": progress.completed_at is not None,
        }
    )


@login_required
@require_POST
def lesson_complete(request, enrolment_id, lesson_id):
    lesson = _live_lesson(lesson_id)
    try:
        services.lesson_complete(user=request.user, enrolment_id=enrolment_id, lesson=lesson)
    except (services.CourseRuleError, selectors.LessonLocked) as error:
        messages.error(request, str(error))
        return redirect(lesson.url)
    messages.success(request, f"Lesson complete: “{lesson.title}”.")
    following = lesson.get_next_siblings().live().first()
    return redirect(following.url if following else lesson.get_parent().url)


@login_required
@require_POST
def reflection_save(request, lesson_id, block_id):
    lesson = _live_lesson(lesson_id).specific
    try:
        services.reflection_save(
            user=request.user,
            lesson=lesson,
            block_id=str(block_id),
            text=request.POST.get("text", ""),
        )
    except (services.CourseRuleError, selectors.LessonLocked) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your reflection is saved. Only you can read it.")
    return redirect(f"{lesson.url}#reflection-{block_id}")


@login_required
def session_attendance(request, session_id):
    """A trainer records how long each enrolled trainee attended a live session. Every row is
    checked first; nothing is saved unless every row is valid."""
    session = get_object_or_404(
        LiveSession.objects.select_related("course", "cohort"), pk=session_id
    )
    if not selectors.user_may_record_attendance(user=request.user, session=session):
        raise PermissionDenied("Only the session's trainers can record its attendance.")
    rows = selectors.attendance_rows(session=session)
    errors: dict[int, str] = {}
    if request.method == "POST":
        entries = {}
        for row in rows:
            raw = request.POST.get(f"minutes-{row['user'].pk}", "").strip()
            if raw == "":
                continue
            if not raw.isdigit():
                errors[row["user"].pk] = "Enter whole minutes, e.g. 90."
                continue
            entries[row["user"]] = int(raw)
        if not errors:
            try:
                services.attendance_record_many(
                    session=session, minutes_by_user=entries, recorded_by=request.user
                )
            except services.AttendanceErrors as failed:
                errors = failed.errors
            else:
                messages.success(request, f"Attendance saved for {len(entries)} trainees.")
                return redirect("courses:session_attendance", session_id=session.pk)
        for row in rows:
            row["submitted"] = request.POST.get(f"minutes-{row['user'].pk}", "")
        messages.error(request, "Nothing was saved: correct the rows marked below.")
    return render(
        request,
        "courses/session_attendance.html",
        {"session": session, "rows": rows, "errors": errors},
        status=400 if errors else 200,
    )
