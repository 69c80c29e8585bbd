from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import User

LEGAL_NAME_HELP = _(
    "Your full name exactly as it must print on your certificates, in any script. "
    "A state board will compare it with your ID."
)


class SignupDetailsForm(forms.Form):
    """The fields allauth's sign-up form adds to email and password."""

    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        help_text=LEGAL_NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_name = forms.CharField(
        label=_("Preferred name (optional)"),
        max_length=100,
        required=False,
        help_text=_("What you like to be called on the site."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    field_order = ["legal_name", "preferred_name", "email", "password1", "password2"]

    def clean_legal_name(self):
        name = " ".join(self.cleaned_data["legal_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your legal name."))
        return name

    def clean_preferred_name(self):
        return " ".join(self.cleaned_data["preferred_name"].split())

    def signup(self, request, user):
        """allauth's hook after saving; the names are already set by AccountAdapter.save_user,
        so that the user row is never written without its legal name."""


class _PersonNameFields(forms.ModelForm):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, help_text=LEGAL_NAME_HELP)
    preferred_name = forms.CharField(label=_("Preferred name"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's forms assume first and last names; PeerCert records a legal name instead.
        self.fields.pop("first_name", None)
        self.fields.pop("last_name", None)


class PersonCreationForm(_PersonNameFields, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["email", "legal_name", "preferred_name", "is_superuser", "groups"]


class PersonEditForm(_PersonNameFields, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = ["email", "legal_name", "preferred_name", "is_active", "is_superuser", "groups"]
