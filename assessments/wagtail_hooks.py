from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import SupervisionForm
from .models import Question, Quiz, Supervision


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


class SupervisionViewSet(SnippetViewSet):
    model = Supervision
    icon = "user"
    edit_handler = ObjectList(
        [
            FieldPanel("trainee"),
            FieldPanel("supervisor"),
            FieldPanel("supervisor_credential"),
            FieldPanel("program_started_on"),
        ],
        base_form_class=SupervisionForm,
    )
    list_display = [
        "trainee",
        "supervisor",
        "supervisor_credential",
        "program_started_on",
        "active",
    ]
    list_filter = ["active"]


class AssessmentsViewSetGroup(SnippetViewSetGroup):
    menu_label = "Assessments"
    menu_icon = "tasks"
    menu_order = 210
    items = (QuizViewSet, QuestionViewSet, SupervisionViewSet)


register_snippet(AssessmentsViewSetGroup)
