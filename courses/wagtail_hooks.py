from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Cohort, LiveSession, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    list_display = ["name", "course", "starts_on"]
    list_filter = ["course"]


class LiveSessionViewSet(SnippetViewSet):
    model = LiveSession
    icon = "date"
    list_display = ["title", "course", "mode", "starts_at", "trainer"]
    list_filter = ["course", "mode"]


class CoursesViewSetGroup(SnippetViewSetGroup):
    menu_label = "Teaching"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (LiveSessionViewSet, CohortViewSet, TopicViewSet)


register_snippet(CoursesViewSetGroup)
