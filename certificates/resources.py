"""Requirement sets as a spreadsheet (CSV or XLSX), through django-import-export: one row per
requirement, naming its set by credential code and version.

An import replaces the requirements of every set the file names, in the file's order, and
creates a set that does not exist yet. Sets the file does not name are left alone."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from import_export import fields, resources

from assessments.models import Attestation, HoursEntry, Quiz
from courses.models import Topic

from .models import Credential, Requirement, RequirementSet

REQUIREMENT_COLUMNS = (
    "credential", "version", "effective_from", "effective_until", "kind", "label", "hours",
    "topics", "activities", "attestation_kind", "period_years", "min_score", "quiz",
)  # fmt: skip
REQUIRED_COLUMNS = ("credential", "version", "effective_from", "kind", "label")
# The preview names each row by this column, which the resource fills in.
KEY_COLUMN = "requirement"


def requirement_set_is_locked(requirement_set: RequirementSet) -> bool:
    """Whether a certificate was evaluated against this requirement set. A certificate names
    the version it was issued under, so a locked set never changes: imports and the admin
    refuse to edit it, and an administrator publishes a new version instead."""
    return requirement_set.pk is not None and requirement_set.certificates.exists()


def _text(value) -> str:
    return " ".join(str(value if value is not None else "").split())


def _list(value) -> list[str]:
    return [part.strip() for part in _text(value).split(",") if part.strip()]


def _plain_number(value: Decimal | None):
    """46 rather than 46.00, 19.5 rather than 19.50; None stays blank."""
    if value is None:
        return ""
    return int(value) if value == value.to_integral_value() else value.normalize()


def _whole_number(value, *, column: str, errors: dict) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or number < 1:
        errors[column] = [f"{column} must be a whole number, 1 or more (not “{text}”)."]
        return None
    return int(number)


def _date(value, *, column: str, errors: dict) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors[column] = [f"{column} must be a date written YYYY-MM-DD (not “{text}”)."]
        return None


class RequirementResource(resources.ModelResource):
    """One row per requirement. Rows name their set by credential code and version and must
    agree on the set's dates. Every row is checked before anything is saved, and one bad row
    saves nothing: the spreadsheet import runs in a transaction that is rolled back on any
    row error. A set that a certificate was evaluated against is refused."""

    credential = fields.Field(column_name="credential")
    version = fields.Field(column_name="version")
    effective_from = fields.Field(column_name="effective_from")
    effective_until = fields.Field(column_name="effective_until")
    kind = fields.Field(column_name="kind")
    label = fields.Field(column_name="label")
    hours = fields.Field(column_name="hours")
    topics = fields.Field(column_name="topics")
    activities = fields.Field(column_name="activities")
    attestation_kind = fields.Field(column_name="attestation_kind")
    period_years = fields.Field(column_name="period_years")
    min_score = fields.Field(column_name="min_score")
    quiz = fields.Field(column_name="quiz")

    class Meta:
        model = Requirement
        fields = REQUIREMENT_COLUMNS
        export_order = REQUIREMENT_COLUMNS
        skip_diff = True
        use_transactions = True
        store_row_values = True
        clean_model_instances = True

    def __init__(self):
        super().__init__()
        # For the preview: what the import does to each set it names, by (code, version).
        self.set_changes: dict[tuple[str, int], str] = {}

    def get_queryset(self):
        return (
            Requirement.objects.select_related("requirement_set__credential", "quiz")
            .prefetch_related("topics")
            .order_by(
                "requirement_set__credential__code", "requirement_set__version", "sort_order", "pk"
            )
        )

    def dehydrate_credential(self, requirement):
        return requirement.requirement_set.credential.code

    def dehydrate_version(self, requirement):
        return requirement.requirement_set.version

    def dehydrate_effective_from(self, requirement):
        return requirement.requirement_set.effective_from.isoformat()

    def dehydrate_effective_until(self, requirement):
        until = requirement.requirement_set.effective_until
        return until.isoformat() if until else ""

    def dehydrate_kind(self, requirement):
        return requirement.kind

    def dehydrate_label(self, requirement):
        return requirement.label

    def dehydrate_hours(self, requirement):
        return _plain_number(requirement.hours)

    def dehydrate_topics(self, requirement):
        return ", ".join(sorted(topic.slug for topic in requirement.topics.all()))

    def dehydrate_activities(self, requirement):
        return ", ".join(requirement.activities)

    def dehydrate_attestation_kind(self, requirement):
        return requirement.attestation_kind

    def dehydrate_period_years(self, requirement):
        return "" if requirement.period_years is None else requirement.period_years

    def dehydrate_min_score(self, requirement):
        return "" if requirement.min_score is None else requirement.min_score

    def dehydrate_quiz(self, requirement):
        return "" if requirement.quiz_id is None else requirement.quiz_id

    def before_import(self, dataset, **kwargs):
        self.credentials = {credential.code: credential for credential in Credential.objects.all()}
        self.topics = {topic.slug: topic for topic in Topic.objects.all()}
        self.quiz_ids = set(Quiz.objects.values_list("pk", flat=True))
        # Per set named in the file: the set, its dates, its first row and requirements so far.
        self.sets: dict[tuple[str, int], dict] = {}
        self.set_changes = {}

    def before_import_row(self, row, row_number=None, **kwargs):
        code, label = _text(row.get("credential")), _text(row.get("label"))
        version_text = _text(row.get("version"))
        row[KEY_COLUMN] = " ".join(
            part for part in (code, f"v{version_text}" if version_text else "", label) if part
        )
        errors: dict[str, list[str]] = {}
        parsed = self._parse(row, errors)
        if not errors:
            self._claim_set(parsed, row_number, errors)
        if errors:
            raise ValidationError(errors)
        row["_parsed"] = parsed

    def _parse(self, row, errors: dict) -> dict:
        code, label = _text(row.get("credential")), _text(row.get("label"))
        if not code:
            errors["credential"] = ["Name the credential by its code."]
        elif code not in self.credentials:
            errors["credential"] = [f"No credential has the code “{code}”."]
        version = _whole_number(row.get("version"), column="version", errors=errors)
        if version is None and "version" not in errors:
            errors["version"] = ["Give the requirement set's version number."]
        effective_from = _date(row.get("effective_from"), column="effective_from", errors=errors)
        if effective_from is None and "effective_from" not in errors:
            errors["effective_from"] = ["Give the date this version is in force from."]
        effective_until = _date(row.get("effective_until"), column="effective_until", errors=errors)
        if effective_from and effective_until and effective_until <= effective_from:
            errors["effective_until"] = ["effective_until must be after effective_from."]
        kind = _text(row.get("kind"))
        if kind not in Requirement.Kind.values:
            given = f"“{kind}” is not a kind of requirement" if kind else "Give the kind"
            errors["kind"] = [f"{given}; use one of {', '.join(Requirement.Kind.values)}."]
        if not label:
            errors["label"] = ["Every requirement needs a label."]
        hours = None
        hours_text = _text(row.get("hours"))
        if hours_text:
            try:
                hours = Decimal(hours_text)
            except InvalidOperation:
                hours = None
            if hours is None or not hours.is_finite() or hours <= 0:
                errors["hours"] = [
                    f"hours must be a number above 0, such as 16 or 19.5 (not “{hours_text}”)."
                ]
                hours = None
        elif kind in Requirement.HOUR_KINDS:
            errors["hours"] = [f"A {kind} requirement needs its hours."]
        slugs = _list(row.get("topics"))
        unknown_topics = [slug for slug in slugs if slug not in self.topics]
        if unknown_topics:
            errors["topics"] = [f"Unknown topic “{slug}”." for slug in unknown_topics]
        activities = _list(row.get("activities"))
        unknown_activities = [a for a in activities if a not in HoursEntry.Activity.values]
        if unknown_activities:
            errors["activities"] = [
                f"Unknown activity “{a}”; use {', '.join(HoursEntry.Activity.values)}."
                for a in unknown_activities
            ]
        attestation_kind = _text(row.get("attestation_kind"))
        if attestation_kind and attestation_kind not in Attestation.Kind.values:
            errors["attestation_kind"] = [
                f"“{attestation_kind}” is not an attestation; use one of "
                f"{', '.join(Attestation.Kind.values)}."
            ]
        elif kind == Requirement.Kind.ATTESTATION and not attestation_kind:
            errors["attestation_kind"] = ["An attestation requirement names its attestation_kind."]
        quiz_id = _whole_number(row.get("quiz"), column="quiz", errors=errors)
        if quiz_id is not None and quiz_id not in self.quiz_ids:
            errors["quiz"] = [f"No quiz has the id {quiz_id}."]
        elif quiz_id is None and kind == Requirement.Kind.ASSESSMENT and "quiz" not in errors:
            errors["quiz"] = ["An assessment requirement names its quiz by id."]
        return {
            "code": code,
            "version": version,
            "effective_from": effective_from,
            "effective_until": effective_until,
            "kind": kind,
            "label": label,
            "hours": hours,
            "topics": [self.topics[slug] for slug in slugs if slug in self.topics],
            "activities": activities,
            "attestation_kind": attestation_kind,
            "period_years": _whole_number(
                row.get("period_years"), column="period_years", errors=errors
            ),
            "min_score": _whole_number(row.get("min_score"), column="min_score", errors=errors),
            "quiz_id": quiz_id,
        }

    def _claim_set(self, parsed: dict, row_number, errors: dict) -> None:
        """The first row naming a set creates it, or empties an existing one so that the
        file's rows replace its requirements. Later rows must give the same dates."""
        key = (parsed["code"], parsed["version"])
        dates = (parsed["effective_from"], parsed["effective_until"])
        claimed = self.sets.get(key)
        if claimed is not None:
            if claimed["dates"] != dates:
                errors["effective_from"] = [
                    f"Row {claimed['row']} gives {key[0]} v{key[1]} other dates; every row of "
                    "a set gives the same effective_from and effective_until."
                ]
            return
        credential = self.credentials[parsed["code"]]
        requirement_set = RequirementSet.objects.filter(
            credential=credential, version=parsed["version"]
        ).first()
        if requirement_set is not None and requirement_set_is_locked(requirement_set):
            errors["version"] = [
                f"{key[0]} v{key[1]} has been used to evaluate certificates, so it cannot "
                "change; import the changes as a new version."
            ]
            return
        if requirement_set is None:
            requirement_set = RequirementSet(credential=credential, version=parsed["version"])
            self.set_changes[key] = "new requirement set"
        else:
            replaced = Requirement.objects.filter(requirement_set=requirement_set).count()
            self.set_changes[key] = (
                f"replaces its {replaced} requirement{'s' if replaced != 1 else ''}"
            )
        requirement_set.effective_from, requirement_set.effective_until = dates
        requirement_set.full_clean()
        requirement_set.save()
        Requirement.objects.filter(requirement_set=requirement_set).delete()
        self.sets[key] = {"set": requirement_set, "dates": dates, "row": row_number, "count": 0}

    def get_or_init_instance(self, instance_loader, row):
        return Requirement(), True

    def get_instance(self, instance_loader, row):
        return None

    def import_instance(self, instance, row, **kwargs):
        parsed = row["_parsed"]
        claimed = self.sets[(parsed["code"], parsed["version"])]
        instance.requirement_set = claimed["set"]
        instance.sort_order = claimed["count"]
        claimed["count"] += 1
        for name in (
            "kind", "label", "hours", "activities", "attestation_kind", "period_years",
            "min_score", "quiz_id",
        ):  # fmt: skip
            setattr(instance, name, parsed[name])
        instance.topics = parsed["topics"]
