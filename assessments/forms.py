from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import Topic
from people import roles

from . import hours
from .models import HoursEntry

NO_IDENTIFIERS = (
    "Describe the activity, not the person: no names, initials, phone numbers, emails, dates of "
    "birth or record numbers of anyone you supported."
)


class HoursEntryForm(forms.ModelForm):
    hours = forms.IntegerField(min_value=0, max_value=24, initial=1, label="Hours")
    extra_minutes = forms.IntegerField(min_value=0, max_value=59, initial=0, label="Minutes")
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = HoursEntry
        fields = ["worked_on", "activity", "setting", "topics", "description"]
        widgets = {
            "worked_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        labels = {"worked_on": "Date"}
        help_texts = {"description": NO_IDENTIFIERS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["hours"].initial, self.fields["extra_minutes"].initial = divmod(
                self.instance.minutes, 60
            )

    def entry_data(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in ("worked_on", "activity", "setting", "description")
        }
        data["minutes"] = self.cleaned_data["hours"] * 60 + self.cleaned_data["extra_minutes"]
        data["topics"] = list(self.cleaned_data["topics"])
        return data

    def add_service_errors(self, error) -> None:
        """Show a service's ValidationError on the form's fields."""
        for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
            target = {"minutes": "hours", "__all__": None}.get(field, field)
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)


class SupervisionForm(WagtailAdminModelForm):
    """Assigning a supervisor in the admin goes through the same service as everywhere else."""

    def clean_supervisor(self):
        supervisor = self.cleaned_data["supervisor"]
        if not supervisor.groups.filter(name=roles.SUPERVISOR).exists():
            raise forms.ValidationError(
                f"{supervisor.legal_name} does not have the Supervisor role."
            )
        return supervisor

    def save(self, commit=True):
        return hours.supervision_assign(
            trainee=self.cleaned_data["trainee"],
            supervisor=self.cleaned_data["supervisor"],
            credential=self.cleaned_data["supervisor_credential"],
            program_started_on=self.cleaned_data["program_started_on"],
            assigned_by=self.for_user,
        )
