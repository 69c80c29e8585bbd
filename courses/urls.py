from django.urls import path

from . import cohort_views, views

app_name = "courses"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path(
        "enrolments/<int:enrolment_id>/lessons/<int:lesson_id>/heartbeat/",
        views.lesson_heartbeat,
        name="lesson_heartbeat",
    ),
    path(
        "enrolments/<int:enrolment_id>/lessons/<int:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path("cohorts/", cohort_views.cohort_list, name="cohort_list"),
    path("cohorts/<int:cohort_id>/", cohort_views.cohort_detail, name="cohort_detail"),
    path(
        "cohorts/<int:cohort_id>/progress.<str:file_format>",
        cohort_views.cohort_export,
        name="cohort_export",
    ),
    path("cohorts/<int:cohort_id>/import/", cohort_views.cohort_import, name="cohort_import"),
    path(
        "sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "lessons/<int:lesson_id>/reflections/<uuid:block_id>/",
        views.reflection_save,
        name="reflection_save",
    ),
]
