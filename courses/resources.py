"""Spreadsheets in and out of cohorts, through django-import-export."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from import_export import fields, resources, widgets

from people import roles
from people import services as people_services
from people.models import User

from .models import Cohort, Enrolment

ROSTER_COLUMNS = ("email", "legal_name", "preferred_name")


class RosterResource(resources.ModelResource):
    """Enrols each row's person in a cohort. A row names an existing account by email, or gives
    a legal name too so that a trainee account is created. Re-importing a roster changes
    nothing for people already enrolled."""

    email = fields.Field(column_name="email")
    legal_name = fields.Field(column_name="legal_name")
    preferred_name = fields.Field(column_name="preferred_name")

    class Meta:
        model = Enrolment
        fields = ROSTER_COLUMNS
        skip_diff = True
        use_transactions = True
        store_row_values = True

    def __init__(self, *, cohort: Cohort, enrolled_by: User):
        super().__init__()
        self.cohort = cohort
        self.enrolled_by = enrolled_by
        self._rows_by_email: dict[str, int] = {}

    def before_import_row(self, row, row_number=None, **kwargs):
        email = str(row.get("email") or "").strip()
        legal_name = " ".join(str(row.get("legal_name") or "").split())
        errors: dict[str, list[str]] = {}
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [
                f"“{email}” is not an email address." if email else "Enter an email."
            ]
        else:
            first = self._rows_by_email.setdefault(email.lower(), row_number)
            if first != row_number:
                errors["email"] = [f"{email} is already on row {first} of this file."]
        user = None
        if "email" not in errors:
            user = User.objects.filter(email__iexact=email).first()
            if user is None and not legal_name:
                errors["legal_name"] = [
                    f"No account uses {email}: give a legal name so one can be created."
                ]
        if errors:
            raise ValidationError(errors)
        if user is None:
            user = people_services.user_create(
                email=email,
                legal_name=legal_name,
                preferred_name=" ".join(str(row.get("preferred_name") or "").split()),
                password=None,
                role=roles.TRAINEE,
            )
        row["_user"] = user

    def get_or_init_instance(self, instance_loader, row):
        user = row["_user"]
        existing = Enrolment.objects.filter(user=user, course_id=self.cohort.course_id).first()
        if existing is not None:
            return existing, False
        return Enrolment(
            user=user, course_id=self.cohort.course_id, enrolled_by=self.enrolled_by
        ), True

    def import_instance(self, instance, row, **kwargs):
        instance.cohort = self.cohort

    def get_instance(self, instance_loader, row):
        return self.get_or_init_instance(instance_loader, row)[0]


def _number(attribute: str, column: str, widget=widgets.IntegerWidget) -> fields.Field:
    # Numbers stay numbers in XLSX exports.
    return fields.Field(
        attribute=attribute, column_name=column, widget=widget(coerce_to_string=False)
    )


class CohortProgressResource(resources.Resource):
    """One row per trainee in a cohort, with their progress on the cohort's course."""

    legal_name = fields.Field(attribute="legal_name", column_name="Legal name")
    email = fields.Field(attribute="email", column_name="Email")
    lessons_completed = _number("lessons_completed", "Lessons completed")
    lessons_total = _number("lessons_total", "Lessons in course")
    percent = _number("percent", "Percent complete")
    credited_hours = _number("credited_hours", "Credited hours", widgets.DecimalWidget)
    completed_on = fields.Field(attribute="completed_on", column_name="Course completed on")
