from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class PeopleConfig(AppConfig):
    default = True
    name = "people"
    verbose_name = "People"


class PeopleUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our user model (legal and preferred names)."""

    user_viewset = "people.viewsets.PersonViewSet"
