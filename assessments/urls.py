from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("quizzes/<slug:slug>/", views.quiz_detail, name="quiz"),
    path("quizzes/<slug:slug>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", views.attempt_take, name="attempt"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="result"),
]
