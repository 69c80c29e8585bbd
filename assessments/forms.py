from decimal import ROUND_HALF_UP, Decimal

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import DeliveryMode, Topic
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


class ExternalTrainingForm(forms.Form):
    """Training done elsewhere, as the certificate of completion states it. The hours per
    topic come in ExternalCreditFormSet."""

    provider = forms.CharField(
        max_length=200, label="Provider", help_text="Who gave the training, as on the certificate."
    )
    title = forms.CharField(max_length=200, label="Course title")
    started_on = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    completed_on = forms.DateField(
        label="Last day",
        help_text="The same as the first day for a one-day course.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    mode = forms.ChoiceField(choices=DeliveryMode.choices, label="How it was delivered")
    certificate = forms.FileField(
        label="Certificate of completion (PDF, PNG or JPEG, up to 10 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def add_service_errors(self, error) -> list[str]:
        """Show a service's ValidationError on the form's fields; return the messages about
        the hours per topic, which belong beside the topic rows."""
        credit_messages = []
        for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
            if field == "credits":
                credit_messages.extend(messages)
                continue
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return credit_messages


class ExternalCreditForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.all(), required=False, label="Topic")
    hours = forms.DecimalField(
        required=False,
        max_digits=6,
        decimal_places=2,
        label="Hours",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def clean(self):
        cleaned = super().clean()
        topic, hours = cleaned.get("topic"), cleaned.get("hours")
        if topic is not None and hours is None and "hours" not in self.errors:
            self.add_error("hours", f"Give the hours for {topic.name}.")
        if topic is None and hours is not None:
            self.add_error("topic", "Choose the topic these hours are for.")
        return cleaned


class _ExternalCreditFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            topic = form.cleaned_data.get("topic")
            if topic is not None and topic in seen:
                raise forms.ValidationError(f"{topic.name} is listed twice: give it one row.")
            seen.add(topic)

    def minutes_by_topic(self) -> dict[int, int]:
        """{topic_id: minutes}, each row's hours rounded to the nearest minute."""
        return {
            form.cleaned_data["topic"].pk: int(
                (form.cleaned_data["hours"] * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            )
            for form in self.forms
            if form.cleaned_data.get("topic") is not None
        }


ExternalCreditFormSet = forms.formset_factory(
    ExternalCreditForm, formset=_ExternalCreditFormSet, extra=5, max_num=20, validate_max=True
)
