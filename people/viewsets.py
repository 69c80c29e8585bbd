from wagtail.users.views.users import IndexView, UserViewSet

from .forms import PersonCreationForm, PersonEditForm


class PersonIndexView(IndexView):
    search_fields = ["email", "legal_name", "preferred_name"]


class PersonViewSet(UserViewSet):
    """Wagtail's user admin for our user model, which has a legal name, not first/last names."""

    index_view_class = PersonIndexView
    template_prefix = "people/admin/users/"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm
