"""Spreadsheets in and out of cohorts, through django-import-export."""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from import_export import fields, resources, widgets

from people import roles
from people import services as people_services
from people.models import User

from .models import Cohort, Enrolment

ROSTER_COLUMNS = ("email", "legal_name", "preferred_name")
NOT_FROM_THE_ROW = [f.name for f in User._meta.concrete_fields if f.name not in ROSTER_COLUMNS]


@dataclass(frozen=True)
class RosterRowOutcome:
    """What importing a row does to its person: the preview shows `text`, and confirming does
    exactly that."""

    CREATED = "created"  # a new trainee account, enrolled in the cohort
    ENROLLED = "enrolled"  # an existing account, enrolled in the course and the cohort
    JOINED = "joined"  # already enrolled in the course outside any cohort: joins this one
    MOVED = "moved"  # already enrolled in the course in another cohort: moves to this one
    UNCHANGED = "unchanged"  # already in this cohort

    kind: str
    text: str


class RosterResource(resources.ModelResource):
    """Enrols each row's person in a cohort. A row names an existing account by email, or gives
    a legal name too so that a trainee account is created. Re-importing a roster changes
    nothing for people already in the cohort; people enrolled in the course outside the cohort
    (on their own, or in another of its cohorts) join it. Each row's RosterRowOutcome says which.

    Every row is checked in memory against accounts and enrolments read once before the
    import; new accounts and enrolments are written in bulk, all or nothing."""

    email = fields.Field(column_name="email")
    legal_name = fields.Field(column_name="legal_name")
    preferred_name = fields.Field(column_name="preferred_name")

    class Meta:
        model = Enrolment
        fields = ROSTER_COLUMNS
        skip_diff = True
        use_transactions = True
        store_row_values = True
        use_bulk = True
        batch_size = 1000
        force_init_instance = True

    def __init__(self, *, cohort: Cohort, enrolled_by: User):
        super().__init__()
        self.cohort = cohort
        self.enrolled_by = enrolled_by
        self._rows_by_email: dict[str, int] = {}
        self._new_users: dict[int, User] = {}
        self.outcomes: Counter[str] = Counter()

    def before_import(self, dataset, **kwargs):
        emails = (
            {str(email or "").strip().lower() for email in dataset["email"] if email}
            if "email" in dataset.headers
            else set()
        )
        self._users = {
            user.email.lower(): user
            for user in User.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=emails
            )
        }
        self._enrolments = {
            enrolment.user_id: enrolment
            for enrolment in Enrolment.objects.filter(
                course_id=self.cohort.course_id, user__in=list(self._users.values())
            ).select_related("cohort")
        }

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
            user = self._users.get(email.lower())
            if user is None and not legal_name:
                errors["legal_name"] = [
                    f"No account uses {email}: give a legal name so one can be created."
                ]
        if user is None and not errors:
            user = User(
                email=email,
                legal_name=legal_name,
                preferred_name=" ".join(str(row.get("preferred_name") or "").split()),
            )
            try:
                # The row's own fields, by the model's rules (the others keep their defaults).
                # Uniqueness and the non-blank legal name were checked above, in memory; the
                # database constraints still stand behind the bulk insert.
                user.clean_fields(exclude=NOT_FROM_THE_ROW)
                user.clean()
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        row["_user"] = user
        row["_outcome"] = self._outcome(user)
        self.outcomes[row["_outcome"].kind] += 1

    def _outcome(self, user: User) -> RosterRowOutcome:
        if user.pk is None:
            return RosterRowOutcome(
                RosterRowOutcome.CREATED,
                "No account yet: a trainee account will be created and enrolled in this cohort",
            )
        enrolment = self._enrolments.get(user.pk)
        if enrolment is None:
            return RosterRowOutcome(
                RosterRowOutcome.ENROLLED, "Has an account: will be enrolled in this cohort"
            )
        if enrolment.cohort_id == self.cohort.pk:
            return RosterRowOutcome(
                RosterRowOutcome.UNCHANGED, "Already in this cohort: stays as is"
            )
        if enrolment.cohort_id is None:
            return RosterRowOutcome(
                RosterRowOutcome.JOINED, "Already enrolled in the course: joins this cohort"
            )
        return RosterRowOutcome(
            RosterRowOutcome.MOVED,
            f"Already in the cohort “{enrolment.cohort.name}”: moves to this cohort",
        )

    @staticmethod
    def row_outcome(values: dict) -> str:
        """The preview's words for a valid row (see spreadsheet_import's describe_row)."""
        return values["_outcome"].text

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return row["_outcome"].kind == RosterRowOutcome.UNCHANGED

    def get_or_init_instance(self, instance_loader, row):
        user = row["_user"]
        existing = self._enrolments.get(user.pk) if user.pk else None
        if existing is not None:
            return existing, False
        enrolment = Enrolment(course_id=self.cohort.course_id, enrolled_by=self.enrolled_by)
        if user.pk:
            enrolment.user = user
        return enrolment, True

    def import_instance(self, instance, row, **kwargs):
        instance.cohort = self.cohort
        if instance.pk is None and row["_user"].pk is None:
            self._new_users[id(instance)] = row["_user"]

    def get_instance(self, instance_loader, row):
        return self.get_or_init_instance(instance_loader, row)[0]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        new = [self._new_users[id(e)] for e in self.create_instances if id(e) in self._new_users]
        people_services.users_create_bulk(people=new, role=roles.TRAINEE)
        for enrolment in self.create_instances:
            if id(enrolment) in self._new_users:
                enrolment.user = self._new_users.pop(id(enrolment))
        super().bulk_create(
            using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result
        )

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        Enrolment.objects.bulk_update(self.update_instances, ["cohort"], batch_size=batch_size)
        self.update_instances = []


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
