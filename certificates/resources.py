"""Requirement sets as a spreadsheet (CSV or XLSX), through django-import-export: one row per
requirement, naming its set by credential code and version.

An import replaces the requirements of every set the file names, in the file's order, and
creates a set that does not exist yet. Sets the file does not name are left alone."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from import_export import fields, resources

from assessments.models import Attestation, HoursEntry, Quiz
from courses.models import DeliveryMode, Topic

from .models import (
    Credential,
    Requirement,
    RequirementSet,
    requirement_errors,
    requirement_set_errors,
)

REQUIREMENT_COLUMNS = (
    "credential", "version", "effective_from", "effective_until", "renewal_months",
    "conditions_within_months", "stage", "kind", "label", "key", "parent", "hours",
    "share_percent", "per_year", "topics", "modes", "window_months", "activities",
    "attestation_kind", "amount", "min_age", "min_score", "quiz", "group", "track",
    "satisfied_by",
)  # fmt: skip
# Columns of the set itself: every row of a set gives the same values.
SET_COLUMNS = ("effective_from", "effective_until", "renewal_months", "conditions_within_months")
REQUIRED_COLUMNS = ("credential", "version", "effective_from", "kind", "label")
# Requirement fields a row sets as parsed.
ROW_FIELDS = (
    "stage", "kind", "label", "key", "parent_key", "hours", "share_percent", "per_year",
    "modes", "window_months", "activities", "attestation_kind", "amount", "min_age",
    "min_score", "quiz_id", "group", "track",
)  # fmt: skip
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


def _blank_if_none(value):
    return "" if value is None else value


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _decimal(value, *, column: str, errors: dict) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    number = _number(text)
    if number is None or number <= 0:
        errors[column] = [f"{column} must be a number above 0, such as 16 or 19.5 (not “{text}”)."]
        return None
    return number


def _yes(value, *, column: str, errors: dict) -> bool:
    text = _text(value).lower()
    if text in ("", "no", "false", "0"):
        return False
    if text in ("yes", "true", "1"):
        return True
    errors[column] = [f"{column} is yes or no (not “{text}”)."]
    return False


def _whole_number(value, *, column: str, errors: dict) -> int | None:
    text = _text(value)
    if not text:
        return None
    number = _number(text)
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
    kind = fields.Field(attribute="kind", column_name="kind")
    label = fields.Field(attribute="label", column_name="label")
    hours = fields.Field(column_name="hours")
    topics = fields.Field(column_name="topics")
    activities = fields.Field(column_name="activities")
    attestation_kind = fields.Field(attribute="attestation_kind", column_name="attestation_kind")
    renewal_months = fields.Field(column_name="renewal_months")
    conditions_within_months = fields.Field(column_name="conditions_within_months")
    stage = fields.Field(attribute="stage", column_name="stage")
    key = fields.Field(attribute="key", column_name="key")
    parent = fields.Field(attribute="parent_key", column_name="parent")
    share_percent = fields.Field(column_name="share_percent")
    per_year = fields.Field(column_name="per_year")
    modes = fields.Field(column_name="modes")
    window_months = fields.Field(column_name="window_months")
    amount = fields.Field(column_name="amount")
    min_age = fields.Field(column_name="min_age")
    group = fields.Field(attribute="group", column_name="group")
    track = fields.Field(attribute="track", column_name="track")
    satisfied_by = fields.Field(column_name="satisfied_by")
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
            .prefetch_related("topics", "satisfied_by")
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

    def dehydrate_hours(self, requirement):
        return _plain_number(requirement.hours)

    def dehydrate_topics(self, requirement):
        return ", ".join(sorted(topic.slug for topic in requirement.topics.all()))

    def dehydrate_activities(self, requirement):
        return ", ".join(requirement.activities)

    def dehydrate_renewal_months(self, requirement):
        return _blank_if_none(requirement.requirement_set.renewal_months)

    def dehydrate_conditions_within_months(self, requirement):
        return _blank_if_none(requirement.requirement_set.conditions_within_months)

    def dehydrate_share_percent(self, requirement):
        return _blank_if_none(requirement.share_percent)

    def dehydrate_per_year(self, requirement):
        return "yes" if requirement.per_year else ""

    def dehydrate_modes(self, requirement):
        return ", ".join(requirement.modes)

    def dehydrate_window_months(self, requirement):
        return _blank_if_none(requirement.window_months)

    def dehydrate_amount(self, requirement):
        return _plain_number(requirement.amount)

    def dehydrate_min_age(self, requirement):
        return _blank_if_none(requirement.min_age)

    def dehydrate_satisfied_by(self, requirement):
        return ", ".join(sorted(credential.code for credential in requirement.satisfied_by.all()))

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
            errors.update(requirement_errors(self._requirement(parsed)))
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
        # Whether the kind needs hours (or a share of its parent's) is the model's rule,
        # judged with the row's other values in before_import_row.
        hours = _decimal(row.get("hours"), column="hours", errors=errors)
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
        stage = _text(row.get("stage")) or Requirement.Stage.AWARD
        if stage not in Requirement.Stage.values:
            errors["stage"] = [
                f"“{stage}” is not a stage; use one of {', '.join(Requirement.Stage.values)}."
            ]
        modes = _list(row.get("modes"))
        unknown_modes = [mode for mode in modes if mode not in DeliveryMode.values]
        if unknown_modes:
            errors["modes"] = [
                f"Unknown delivery mode “{mode}”; use {', '.join(DeliveryMode.values)}."
                for mode in unknown_modes
            ]
        codes = _list(row.get("satisfied_by"))
        unknown_codes = [code for code in codes if code not in self.credentials]
        if unknown_codes:
            errors["satisfied_by"] = [f"No credential has the code “{c}”." for c in unknown_codes]
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
            "renewal_months": _whole_number(
                row.get("renewal_months"), column="renewal_months", errors=errors
            ),
            "conditions_within_months": _whole_number(
                row.get("conditions_within_months"),
                column="conditions_within_months",
                errors=errors,
            ),
            "stage": stage,
            "key": _text(row.get("key")),
            "parent_key": _text(row.get("parent")),
            "share_percent": _whole_number(
                row.get("share_percent"), column="share_percent", errors=errors
            ),
            "per_year": _yes(row.get("per_year"), column="per_year", errors=errors),
            "modes": modes,
            "window_months": _whole_number(
                row.get("window_months"), column="window_months", errors=errors
            ),
            "amount": _decimal(row.get("amount"), column="amount", errors=errors),
            "min_age": _whole_number(row.get("min_age"), column="min_age", errors=errors),
            "group": _text(row.get("group")),
            "track": _text(row.get("track")),
            "satisfied_by": [self.credentials[c] for c in codes if c in self.credentials],
            "min_score": _whole_number(row.get("min_score"), column="min_score", errors=errors),
            "quiz_id": quiz_id,
        }

    @staticmethod
    def _requirement(parsed: dict) -> Requirement:
        """The requirement a row describes, unsaved, so the model's own rules judge it."""
        return Requirement(**{name: parsed[name] for name in ROW_FIELDS})

    def _claim_set(self, parsed: dict, row_number, errors: dict) -> None:
        """The first row naming a set creates it, or empties an existing one so that the
        file's rows replace its requirements. Later rows must give the same dates."""
        key = (parsed["code"], parsed["version"])
        dates = tuple(parsed[name] for name in SET_COLUMNS)
        claimed = self.sets.get(key)
        if claimed is not None:
            if claimed["dates"] != dates:
                errors["effective_from"] = [
                    f"Row {claimed['row']} gives {key[0]} v{key[1]} other values; every row of "
                    f"a set gives the same {', '.join(SET_COLUMNS)}."
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
        for name, value in zip(SET_COLUMNS, dates, strict=True):
            setattr(requirement_set, name, value)
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
        for name in ROW_FIELDS:
            setattr(instance, name, parsed[name])
        instance.topics = parsed["topics"]
        instance.satisfied_by = parsed["satisfied_by"]

    def after_import(self, dataset, result, **kwargs):
        """With every row in, each set is checked as a whole (nesting, sums, overlaps, groups,
        tracks, deadlines): a set that contradicts itself saves nothing."""
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return
        problems = []
        for (code, version), claimed in self.sets.items():
            requirement_set = claimed["set"]
            requirements = list(
                requirement_set.requirements.prefetch_related("topics", "satisfied_by")
            )
            problems += [
                f"{code} v{version}: {message}"
                for message in requirement_set_errors(requirement_set, requirements)
            ]
        if problems:
            raise ValidationError(problems)
