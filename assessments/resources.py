"""Spreadsheets of supervised hours, through django-import-export."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets

from .models import HoursEntry, HoursEntryEvent


class HoursEntryExportResource(resources.ModelResource):
    trainee = fields.Field(attribute="trainee__legal_name", column_name="Trainee")
    worked_on = fields.Field(
        attribute="worked_on", column_name="Date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    minutes = fields.Field(
        attribute="minutes",
        column_name="Minutes",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    activity = fields.Field(attribute="get_activity_display", column_name="Activity")
    setting = fields.Field(attribute="get_setting_display", column_name="Setting")
    topics = fields.Field(column_name="Topics")
    description = fields.Field(attribute="description", column_name="Description")
    status = fields.Field(attribute="get_status_display", column_name="Status")
    supervisor = fields.Field(attribute="supervisor__legal_name", column_name="Supervisor")

    class Meta:
        model = HoursEntry
        fields = (
            "trainee",
            "worked_on",
            "minutes",
            "activity",
            "setting",
            "topics",
            "description",
            "status",
            "supervisor",
        )
        export_order = fields

    def dehydrate_topics(self, entry):
        return "; ".join(topic.name for topic in entry.topics.all())


HOURS_COLUMNS = ("date", "minutes", "hours", "activity", "setting", "topics", "description")


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
    return lookup


class HoursImportResource(resources.ModelResource):
    """Imports a trainee's timesheet as submitted entries for their supervisor, all or nothing.

    Every row is checked against the same rules as the hours form, in memory: the trainee's
    existing entries are read once before the import, so the cost per row is a parse and a few
    dictionary look-ups; rows are written with bulk inserts.
    """

    class Meta:
        model = HoursEntry
        fields = ()
        use_bulk = True
        batch_size = 1000
        force_init_instance = True
        skip_diff = True
        use_transactions = True
        store_row_values = True

    def __init__(self, *, trainee, today=None):
        super().__init__()
        self.trainee = trainee
        self.today = today or timezone.localdate()
        self._topics_for: dict[int, list] = {}
        self.created: list[HoursEntry] = []

    def before_import(self, dataset, **kwargs):
        from courses.models import Topic

        from .hours import active_supervision

        self.supervision = active_supervision(self.trainee)
        if self.supervision is None:
            raise ValidationError(
                "You have no supervisor yet: imported hours go to your supervisor for approval."
            )
        existing = HoursEntry.objects.filter(trainee=self.trainee).exclude(
            status=HoursEntry.Status.SUPERSEDED
        )
        self.day_totals: dict = {}
        self.seen: dict = {}
        for worked_on, minutes, activity, setting, description in existing.values_list(
            "worked_on", "minutes", "activity", "setting", "description"
        ):
            self.day_totals[worked_on] = self.day_totals.get(worked_on, 0) + minutes
            self.seen[(worked_on, activity, setting, minutes, description)] = (
                "an entry you logged before"
            )
        self.activities = _choice_lookup(HoursEntry.Activity.choices)
        self.settings_ = _choice_lookup(HoursEntry.Setting.choices)
        self.topics = {}
        for topic in Topic.objects.all():
            self.topics[topic.slug] = topic
            self.topics[topic.name.lower()] = topic

    def before_import_row(self, row, row_number=None, **kwargs):
        from .hours import DAY_MINUTES, description_identifiers

        errors: dict[str, list[str]] = {}

        def refuse(field, message):
            errors.setdefault(field, []).append(message)

        worked_on = _parse_date(row.get("date"))
        if worked_on is None:
            refuse("date", f"“{row.get('date') or ''}” is not a date; write it as 2026-10-31.")
        elif worked_on > self.today:
            refuse("date", "Hours cannot be logged for a future date.")
        elif worked_on < self.supervision.program_started_on:
            refuse(
                "date", f"Your program started on {self.supervision.program_started_on:%d %B %Y}."
            )
        minutes = _parse_minutes(row)
        if minutes is None or minutes <= 0:
            refuse(
                "minutes", "Give a duration of at least one minute in a minutes or hours column."
            )
        elif minutes > DAY_MINUTES:
            refuse("minutes", "One entry cannot be longer than 24 hours.")
        activity = self.activities.get(str(row.get("activity") or "").strip().lower())
        if activity is None:
            refuse("activity", f"Unknown activity “{row.get('activity') or ''}”.")
        setting = self.settings_.get(str(row.get("setting") or "").strip().lower())
        if setting is None:
            refuse("setting", f"Unknown setting “{row.get('setting') or ''}”.")
        description = " ".join(str(row.get("description") or "").split())
        if not description:
            refuse("description", "Describe the activity.")
        elif len(description) > 500:
            refuse("description", "Keep the description under 500 characters.")
        found = description_identifiers(description)
        if found:
            refuse(
                "description", f"Remove {', '.join(found)}: never identify the people you support."
            )
        topics = []
        for name in filter(
            None, (part.strip().lower() for part in str(row.get("topics") or "").split(";"))
        ):
            if name in self.topics:
                topics.append(self.topics[name])
            else:
                refuse("topics", f"Unknown topic “{name}”.")
        if not errors:
            key = (worked_on, activity, setting, minutes, description)
            if key in self.seen:
                refuse("__all__", f"The same entry as {self.seen[key]}.")
            elif self.day_totals.get(worked_on, 0) + minutes > DAY_MINUTES:
                refuse("minutes", f"This takes {worked_on:%d %B %Y} past 24 hours.")
        if errors:
            raise ValidationError(errors)
        self.seen[key] = f"row {row_number}"
        self.day_totals[worked_on] = self.day_totals.get(worked_on, 0) + minutes
        row["_entry"] = {
            "worked_on": worked_on,
            "minutes": minutes,
            "activity": activity,
            "setting": setting,
            "description": description,
        }
        row["_topics"] = topics

    def import_instance(self, instance, row, **kwargs):
        for field, value in row["_entry"].items():
            setattr(instance, field, value)
        instance.trainee = self.trainee
        instance.supervisor = self.supervision.supervisor
        instance.status = HoursEntry.Status.SUBMITTED
        self._topics_for[id(instance)] = row["_topics"]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        instances = list(self.create_instances)
        super().bulk_create(
            using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result
        )
        if not instances or instances[0].pk is None:
            return
        through = HoursEntry.topics.through
        through.objects.bulk_create(
            [
                through(hoursentry_id=instance.pk, topic_id=topic.pk)
                for instance in instances
                for topic in self._topics_for.pop(id(instance), [])
            ],
            batch_size=batch_size,
        )
        HoursEntryEvent.objects.bulk_create(
            [
                HoursEntryEvent(
                    entry=instance, actor=self.trainee, action=HoursEntryEvent.Action.IMPORTED
                )
                for instance in instances
            ],
            batch_size=batch_size,
        )
        self.created.extend(instances)


def _parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_minutes(row):
    try:
        if str(row.get("minutes") or "").strip():
            return int(Decimal(str(row["minutes"]).strip()))
        if str(row.get("hours") or "").strip():
            return int((Decimal(str(row["hours"]).strip()) * 60).to_integral_value())
    except (InvalidOperation, ValueError):
        return None
    return None
