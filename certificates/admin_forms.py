"""The requirement set's admin form: the set's own rules (requirements_check) judge the set
with its requirements as edited inline, before anything is saved."""

from wagtail.admin.forms import WagtailAdminModelForm

from .models import requirement_set_errors


class RequirementSetForm(WagtailAdminModelForm):
    def is_valid(self):
        if not super().is_valid():
            return False
        requirements = []
        for form in self.formsets["requirements"].forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            requirement = form.instance
            requirement.pending_topic_ids = {topic.pk for topic in data.get("topics", [])}
            requirements.append(requirement)
        errors = requirement_set_errors(self.instance, requirements)
        for message in errors:
            self.add_error(None, message)
        return not errors
