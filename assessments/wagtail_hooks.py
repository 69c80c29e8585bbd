from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Question, Quiz


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    list_display = ["key", "topic", "type", "active"]
    list_filter = ["topic", "type", "active"]
    search_fields = ["key", "text"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    list_display = ["title", "course", "lesson", "pass_mark"]
    list_filter = ["course"]


class AssessmentsViewSetGroup(SnippetViewSetGroup):
    menu_label = "Assessments"
    menu_icon = "tasks"
    menu_order = 210
    items = (QuizViewSet, QuestionViewSet)


register_snippet(AssessmentsViewSetGroup)
