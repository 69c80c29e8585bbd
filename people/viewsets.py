from django.core.exceptions import PermissionDenied
from wagtail.users.views.users import CreateView, EditView, IndexView, UserViewSet

from .forms import PersonCreationForm, PersonEditForm


class PersonIndexView(IndexView):
    search_fields = ["email", "legal_name", "preferred_name"]


class _OnlySuperusersGrantSuperuser:
    """Only a superuser may make someone a superuser or change a superuser's account: an
    administrator role manages people, not the people who manage everything."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.request.user.is_superuser:
            form.fields.pop("is_superuser", None)
        return form


class PersonCreateView(_OnlySuperusersGrantSuperuser, CreateView):
    pass


class PersonEditView(_OnlySuperusersGrantSuperuser, EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            raise PermissionDenied("Only a superuser can change a superuser's account.")


class PersonViewSet(UserViewSet):
    """Wagtail's user admin for our user model, which has a legal name, not first/last names."""

    index_view_class = PersonIndexView
    add_view_class = PersonCreateView
    edit_view_class = PersonEditView
    template_prefix = "people/admin/users/"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm
