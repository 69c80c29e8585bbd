"""The assessments app's answer to courses' knowledge-check hook (courses/knowledge_checks.py)."""

from django.urls import reverse

from . import selectors
from .models import Quiz


class QuizKnowledgeChecks:
    def lessons_with_checks(self, lesson_ids):
        return set(
            Quiz.objects.filter(lesson_id__in=lesson_ids).values_list("lesson_id", flat=True)
        )

    def lessons_passed(self, user, lesson_ids):
        return {
            quiz.lesson_id
            for quiz in Quiz.objects.filter(lesson_id__in=lesson_ids)
            if selectors.quiz_passed(user=user, quiz=quiz)
        }

    def check_for_lesson(self, user, lesson_id):
        quiz = Quiz.objects.filter(lesson_id=lesson_id).first()
        if quiz is None:
            return None
        return {
            "title": quiz.title,
            "url": reverse("assessments:quiz", args=[quiz.slug]),
            "passed": selectors.quiz_passed(user=user, quiz=quiz),
        }
