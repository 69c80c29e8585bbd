from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self):
        from courses import knowledge_checks

        from .knowledge_checks import QuizKnowledgeChecks

        knowledge_checks.register(QuizKnowledgeChecks())
