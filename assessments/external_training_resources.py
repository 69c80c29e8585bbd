"""A trainer's spreadsheet of training done elsewhere by the trainees of a cohort, through
django-import-export."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from import_export import resources

from courses.models import Cohort, DeliveryMode, Enrolment, Topic
from people.models import User

from .models import ExternalTraining, ExternalTrainingCredit
from .resources import _choice_lookup, _parse_date

EXTERNAL_TRAINING_COLUMNS = (
    "email",
    "provider",
    "title",
    "started_on",
    "completed_on",
    "mode",
    "topic",
    "hours",
)
# The fields a row gives; the model's own rules check them (clean_fields and clean).
NOT_FROM_THE_ROW = [
    f.name
    for f in ExternalTraining._meta.concrete_fields
    if f.name not in ("provider", "title", "started_on", "completed_on", "mode")
]


def _hours_in_words(minutes: int) -> str:
    hours = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return f"{hours} hour{'' if hours == '1' else 's'}"


@dataclass
class _Record:
    """One training being imported: the rows that credit its topics."""

    training: ExternalTraining
    first_row: int
    rows: dict[int, int] = field(default_factory=dict)  # topic id -> row number


class ExternalTrainingImportResource(resources.ModelResource):
    """Records training done elsewhere for trainees of a cohort, one row per topic: rows with
    the same email, provider, title and dates are one record. The importing trainer is the
    reviewer: records are created verified by them, with the note "Imported by <name>", and
    without a certificate file.

    Every row is checked in memory, by the model's own rules (ExternalTraining.clean_fields
    and clean, the hours a record's dates allow judged as each row adds to it), against
    accounts, enrolments, topics and existing records read once before the import. Records
    and credits are written in bulk, all or nothing."""

    class Meta:
        model = ExternalTrainingCredit
        fields = ()
        use_bulk = True
        batch_size = 1000
        force_init_instance = True
        skip_diff = True
        use_transactions = True
        store_row_values = True

    def __init__(self, *, cohort: Cohort, trainer: User):
        super().__init__()
        self.cohort = cohort
        self.trainer = trainer
        self.note = f"Imported by {trainer.legal_name}"
        self.reviewed_at = timezone.now()
        self._records: dict[tuple, _Record] = {}
        self.created: list[ExternalTraining] = []

    def before_import(self, dataset, **kwargs):
        emails = {str(email or "").strip().lower() for email in dataset["email"] if email}
        self._users = {
            user.email.lower(): user
            for user in User.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=emails
            )
        }
        self._members = set(
            Enrolment.objects.filter(
                cohort=self.cohort, user__in=list(self._users.values())
            ).values_list("user_id", flat=True)
        )
        self._topics = {}
        for topic in Topic.objects.all():
            self._topics[topic.slug] = topic
            self._topics[topic.name.lower()] = topic
        self._modes = _choice_lookup(DeliveryMode.choices)
        self._recorded = {
            (trainee_id, provider.lower(), title.lower(), started_on, completed_on)
            for trainee_id, provider, title, started_on, completed_on in ExternalTraining.objects.filter(
                trainee_id__in=self._members,
                status__in=[ExternalTraining.Status.PENDING, ExternalTraining.Status.VERIFIED],
            ).values_list("trainee_id", "provider", "title", "started_on", "completed_on")
        }

    def _trainee(self, email: str, refuse) -> User | None:
        if not email:
            refuse("email", "Give the trainee's email.")
            return None
        user = self._users.get(email.lower())
        if user is None:
            refuse("email", f"No account uses {email}.")
        elif user.pk not in self._members:
            refuse("email", f"{email} is not enrolled in {self.cohort.name}.")
        elif user.pk == self.trainer.pk:
            refuse(
                "email",
                "Your own training is reviewed by another trainer or an administrator: record "
                "it on your own page.",
            )
        else:
            return user
        return None

    def before_import_row(self, row, row_number=None, **kwargs):
        errors: dict[str, list[str]] = {}

        def refuse(name, message):
            errors.setdefault(name, []).append(message)

        email = str(row.get("email") or "").strip()
        user = self._trainee(email, refuse)
        values = {
            "provider": " ".join(str(row.get("provider") or "").split()),
            "title": " ".join(str(row.get("title") or "").split()),
        }
        for name in ("started_on", "completed_on"):
            values[name] = _parse_date(row.get(name))
            if values[name] is None:
                refuse(name, f"“{row.get(name) or ''}” is not a date; write it as 2026-10-31.")
        mode_text = str(row.get("mode") or "").strip()
        values["mode"] = self._modes.get(mode_text.lower())
        if values["mode"] is None:
            refuse(
                "mode",
                f"Unknown mode “{mode_text}”: use {', '.join(DeliveryMode.values)}.",
            )
        topic_text = str(row.get("topic") or "").strip()
        topic = self._topics.get(topic_text.lower())
        if topic is None:
            refuse("topic", f"Unknown topic “{topic_text}”.")
        minutes = _minutes(row.get("hours"))
        if minutes is None or minutes <= 0:
            refuse(
                "hours", f"“{row.get('hours') or ''}” is not a number of hours above 0, e.g. 1.5."
            )
        if errors:
            raise ValidationError(errors)

        key = (
            user.pk,
            values["provider"].lower(),
            values["title"].lower(),
            values["started_on"],
            values["completed_on"],
        )
        record = self._records.get(key)
        if record is None:
            if key in self._recorded:
                raise ValidationError(
                    {
                        "__all__": f"{email} already has this training recorded (same provider, "
                        "title and dates)."
                    }
                )
            training = ExternalTraining(
                trainee=user,
                imported_by=self.trainer,
                status=ExternalTraining.Status.VERIFIED,
                reviewed_by=self.trainer,
                reviewed_at=self.reviewed_at,
                review_note=self.note,
                **values,
            )
            training.minutes_by_topic = {}
            record = _Record(training, row_number)
        training = record.training
        if training.mode != values["mode"]:
            refuse(
                "mode",
                f"Row {record.first_row} gives this training as "
                f"{training.get_mode_display().lower()}; one training has one mode.",
            )
        if topic.pk in record.rows:
            refuse(
                "topic",
                f"{topic.name} is already on row {record.rows[topic.pk]} for this training.",
            )
        if errors:
            raise ValidationError(errors)
        before = training.minutes_by_topic
        training.minutes_by_topic = {**before, topic.pk: minutes}
        try:
            try:
                training.clean_fields(exclude=NOT_FROM_THE_ROW)
            except ValidationError as error:
                # A field's own message ("This field cannot be blank.") names no column.
                raise ValidationError(
                    {
                        name: [f"{name}: {message}" for message in messages]
                        for name, messages in error.message_dict.items()
                    }
                ) from error
            training.clean()
        except ValidationError:
            training.minutes_by_topic = before
            raise
        self._records[key] = record
        record.rows[topic.pk] = row_number
        row["_credit"] = (training, topic, minutes)
        row["_describe"] = (
            f"{user.legal_name}: {_hours_in_words(minutes)} of {topic.name} from "
            f"“{training.title}” ({training.provider}, {training.get_mode_display().lower()}), "
            "recorded as verified by you"
        )

    @staticmethod
    def row_outcome(values: dict) -> str:
        """The preview's words for a valid row (see spreadsheet_import's describe_row)."""
        return values["_describe"]

    def import_instance(self, instance, row, **kwargs):
        instance.training, instance.topic, instance.minutes = row["_credit"]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            new = list(
                {
                    id(c.training): c.training
                    for c in self.create_instances
                    if c.training.pk is None
                }.values()
            )
            try:
                ExternalTraining.objects.bulk_create(new, batch_size=batch_size)
            except Exception as error:  # noqa: BLE001 - reported like any other import error
                self.create_instances.clear()
                self.handle_import_error(result, error, raise_errors)
                return
            for credit in self.create_instances:
                credit.training = credit.training  # the training's new primary key
            self.created.extend(new)
        super().bulk_create(
            using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result
        )


def _minutes(value) -> int | None:
    """Hours as written in a cell (1.5, "1,5" is refused) in whole minutes, rounded."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not hours.is_finite():
        return None
    return int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
