from django.urls import path

from . import attestation_views, external_training_views, hours_views, question_views, views

app_name = "assessments"

urlpatterns = [
    path("grading/", views.grading, name="grading"),
    path("questions/", question_views.question_bank, name="question_bank"),
    path(
        "questions/export.<str:file_format>",
        question_views.question_bank_export,
        name="question_bank_export",
    ),
    path("quizzes/<slug:slug>/", views.quiz_detail, name="quiz"),
    path("quizzes/<slug:slug>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", views.attempt_take, name="attempt"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="result"),
    path("hours/", hours_views.my_hours, name="my_hours"),
    path("hours/export.<str:file_format>", hours_views.my_hours_export, name="my_hours_export"),
    path("hours/new/", hours_views.hours_entry_edit, name="hours_new"),
    path("hours/import/", hours_views.hours_import, name="hours_import"),
    path("hours/<int:entry_id>/", hours_views.hours_entry_detail, name="hours_detail"),
    path("hours/<int:entry_id>/edit/", hours_views.hours_entry_edit, name="hours_edit"),
    path("hours/<int:entry_id>/submit/", hours_views.hours_entry_submit, name="hours_submit"),
    path("hours/<int:correcting_id>/correct/", hours_views.hours_entry_edit, name="hours_correct"),
    path("evidence/", attestation_views.my_evidence, name="my_evidence"),
    path("evidence/review/", attestation_views.review_evidence, name="review_evidence"),
    path(
        "evidence/<int:attestation_id>/file/", attestation_views.evidence_file, name="evidence_file"
    ),
    path("external/", external_training_views.my_external_training, name="my_external_training"),
    path(
        "external/review/",
        external_training_views.review_external_training,
        name="review_external_training",
    ),
    path(
        "external/<int:training_id>/file/",
        external_training_views.external_training_file,
        name="external_training_file",
    ),
    path(
        "external/<int:training_id>/withdraw/",
        external_training_views.external_training_withdraw,
        name="external_training_withdraw",
    ),
    path(
        "cohorts/<int:cohort_id>/external/import/",
        external_training_views.external_training_import,
        name="external_training_import",
    ),
    path("supervise/", hours_views.supervise, name="supervise"),
    path(
        "supervise/export.<str:file_format>", hours_views.supervise_export, name="supervise_export"
    ),
]
