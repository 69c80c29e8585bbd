"""Supervised hours: the rules an entry must keep, and the workflow a supervisor drives.

Every write here validates first and raises django's ValidationError with messages for the
person (a dict keyed by field where a field is at fault); nothing is written when it raises.
"""

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from people import roles

from .models import HoursEntry, HoursEntryEvent, Supervision

DAY_MINUTES = 24 * 60

# Things that identify a person and never belong in an hour entry.
IDENTIFIER_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "an email address"),
    (
        re.compile(r"(?<!\d)(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"),
        "a phone number",
    ),
    (
        re.compile(
            r"\b(dob|d\.o\.b\.?|date of birth|born)\b|\b\d{1,2}[/-]\d{1,2}[/-](19|20)?\d{2}\b",
            re.IGNORECASE,
        ),
        "a date of birth",
    ),
    (
        re.compile(
            r"\b(mrn|record|case|client|patient|member)\s*(no\.?|number|#|id)?\s*[:#]?\s*\d{4,}",
            re.IGNORECASE,
        ),
        "a record number",
    ),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "a Social Security number"),
]


def description_identifiers(text: str) -> list[str]:
    """The kinds of identifier found in a description (empty when it is clean)."""
    return [label for pattern, label in IDENTIFIER_PATTERNS if pattern.search(text)]


def active_supervision(trainee) -> Supervision | None:
    return (
        Supervision.objects.filter(trainee=trainee, active=True)
        .select_related("supervisor")
        .first()
    )


@transaction.atomic
def supervision_assign(
    *, trainee, supervisor, credential: str, program_started_on: date, assigned_by
) -> Supervision:
    """Assign (or replace) a trainee's supervisor. Trainers and administrators may assign."""
    if not assigned_by.has_perm("assessments.add_supervision"):
        raise ValidationError("Only trainers and administrators assign supervisors.")
    if not supervisor.groups.filter(name=roles.SUPERVISOR).exists():
        raise ValidationError(
            {"supervisor": f"{supervisor.legal_name} does not have the Supervisor role."}
        )
    if not credential.strip():
        raise ValidationError({"supervisor_credential": "Record the supervisor's own credential."})
    Supervision.objects.filter(trainee=trainee, active=True).update(active=False)
    supervision = Supervision(
        trainee=trainee,
        supervisor=supervisor,
        supervisor_credential=credential.strip(),
        program_started_on=program_started_on,
        assigned_by=assigned_by,
    )
    supervision.full_clean()
    supervision.save()
    return supervision


def _lock_trainee(trainee):
    # Serialises a trainee's writes so that two requests cannot both pass the daily cap.
    get_user_model().objects.select_for_update().filter(pk=trainee.pk).first()


def _validate(entry: HoursEntry, *, topics, today: date, excluding: list[int]) -> None:
    errors: dict[str, list[str]] = {}
    if entry.worked_on and entry.worked_on > today:
        errors.setdefault("worked_on", []).append("Hours cannot be logged for a future date.")
    supervision = active_supervision(entry.trainee)
    if supervision and entry.worked_on and entry.worked_on < supervision.program_started_on:
        errors.setdefault("worked_on", []).append(
            f"Your program started on {supervision.program_started_on:%d %B %Y}; hours before "
            "then do not count."
        )
    if entry.minutes is None or entry.minutes <= 0:
        errors.setdefault("minutes", []).append("Enter a duration of at least one minute.")
    elif entry.minutes > DAY_MINUTES:
        errors.setdefault("minutes", []).append("One entry cannot be longer than 24 hours.")
    elif entry.worked_on:
        logged = (
            HoursEntry.objects.filter(trainee=entry.trainee, worked_on=entry.worked_on)
            .exclude(status=HoursEntry.Status.SUPERSEDED)
            .exclude(pk__in=excluding)
            .aggregate(total=Sum("minutes"))["total"]
            or 0
        )
        if logged + entry.minutes > DAY_MINUTES:
            errors.setdefault("minutes", []).append(
                f"You already have {logged // 60} h {logged % 60} min logged on "
                f"{entry.worked_on:%d %B %Y}; a day holds 24 hours."
            )
    found = description_identifiers(entry.description or "")
    if found:
        errors.setdefault("description", []).append(
            f"Remove {', '.join(found)}: describe the activity, never the person you supported."
        )
    duplicate = (
        HoursEntry.objects.filter(
            trainee=entry.trainee,
            worked_on=entry.worked_on,
            activity=entry.activity,
            setting=entry.setting,
            minutes=entry.minutes,
            description=entry.description,
        )
        .exclude(status=HoursEntry.Status.SUPERSEDED)
        .exclude(pk__in=[entry.pk, *excluding])
    )
    if entry.worked_on and duplicate.exists():
        errors.setdefault("__all__", []).append("You have already logged this exact entry.")
    try:
        entry.full_clean(exclude=["supervisor", "supersedes"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(
                m for m in messages if m not in errors.get(field, [])
            )
    if errors:
        raise ValidationError(errors)


def _event(entry, actor, action, comment=""):
    HoursEntryEvent.objects.create(entry=entry, actor=actor, action=action, comment=comment)


@transaction.atomic
def hours_entry_save(
    *,
    trainee,
    data: dict,
    entry: HoursEntry | None = None,
    submit: bool = False,
    supersedes: HoursEntry | None = None,
    today=None,
) -> HoursEntry:
    """Create or edit a trainee's entry (only drafts and returned entries can be edited), and
    optionally submit it. A correction of an approved entry is a new entry that supersedes it
    once approved."""
    today = today or timezone.localdate()
    _lock_trainee(trainee)
    creating = entry is None
    if creating:
        entry = HoursEntry(trainee=trainee)
    elif entry.trainee_id != trainee.pk:
        raise ValidationError("That entry is not yours.")
    elif entry.status not in (HoursEntry.Status.DRAFT, HoursEntry.Status.RETURNED):
        raise ValidationError(
            "Submitted and approved entries are locked. Correct an approved entry instead."
        )
    if supersedes is not None:
        supersedes = HoursEntry.objects.select_for_update().get(pk=supersedes.pk)
        if supersedes.trainee_id != trainee.pk or supersedes.status != HoursEntry.Status.APPROVED:
            raise ValidationError("Only your own approved entries can be corrected.")
        if hasattr(supersedes, "superseded_by"):
            raise ValidationError("That entry already has a correction.")
        entry.supersedes = supersedes
    topics = data.pop("topics", [])
    for field, value in data.items():
        setattr(entry, field, value)
    _validate(entry, topics=topics, today=today, excluding=[supersedes.pk] if supersedes else [])
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise ValidationError("You have already logged this exact entry.") from error
    entry.topics.set(topics)
    _event(
        entry,
        trainee,
        HoursEntryEvent.Action.CREATED if creating else HoursEntryEvent.Action.EDITED,
    )
    if submit:
        return hours_entry_submit(trainee=trainee, entry=entry)
    return entry


@transaction.atomic
def hours_entry_submit(*, trainee, entry: HoursEntry) -> HoursEntry:
    """Send a draft or returned entry to the trainee's supervisor."""
    entry = HoursEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.trainee_id != trainee.pk:
        raise ValidationError("That entry is not yours.")
    if entry.status not in (HoursEntry.Status.DRAFT, HoursEntry.Status.RETURNED):
        raise ValidationError("This entry has already been submitted.")
    supervision = active_supervision(trainee)
    if supervision is None:
        raise ValidationError(
            "You have no supervisor yet: ask your trainer or administrator to assign one."
        )
    action = (
        HoursEntryEvent.Action.RESUBMITTED
        if entry.status == HoursEntry.Status.RETURNED
        else HoursEntryEvent.Action.SUBMITTED
    )
    entry.status = HoursEntry.Status.SUBMITTED
    entry.supervisor = supervision.supervisor
    entry.save(update_fields=["status", "supervisor", "updated_at"])
    _event(entry, trainee, action)
    return entry


def _supervised_entries(supervisor, entry_ids):
    entries = list(
        HoursEntry.objects.select_for_update(of=("self",))
        .filter(pk__in=entry_ids)
        .select_related("supersedes")
    )
    supervisee_ids = set(
        Supervision.objects.filter(supervisor=supervisor, active=True).values_list(
            "trainee_id", flat=True
        )
    )
    if len(entries) != len(set(entry_ids)):
        raise ValidationError("Some of those entries do not exist.")
    for entry in entries:
        if entry.trainee_id not in supervisee_ids or entry.supervisor_id != supervisor.pk:
            raise ValidationError("You can only act on the entries of people you supervise.")
        if entry.status != HoursEntry.Status.SUBMITTED:
            raise ValidationError(
                f"The entry for {entry.worked_on:%d %B %Y} is not waiting for review."
            )
    return entries


@transaction.atomic
def hours_entries_approve(*, supervisor, entry_ids: list[int]) -> int:
    """Approve submitted entries, all or none. Approved entries are locked; an approved
    correction marks the entry it corrects as superseded."""
    entries = _supervised_entries(supervisor, entry_ids)
    for entry in entries:
        entry.status = HoursEntry.Status.APPROVED
        entry.return_comment = ""
        entry.save(update_fields=["status", "return_comment", "updated_at"])
        _event(entry, supervisor, HoursEntryEvent.Action.APPROVED)
        if entry.supersedes is not None:
            original = entry.supersedes
            original.status = HoursEntry.Status.SUPERSEDED
            original.save(update_fields=["status", "updated_at"])
            _event(
                original,
                supervisor,
                HoursEntryEvent.Action.SUPERSEDED,
                f"Corrected by entry {entry.pk}.",
            )
    return len(entries)


@transaction.atomic
def hours_entry_return(*, supervisor, entry_id: int, comment: str) -> HoursEntry:
    """Send an entry back to the trainee with a comment saying what to change."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what the trainee should change."})
    (entry,) = _supervised_entries(supervisor, [entry_id])
    entry.status = HoursEntry.Status.RETURNED
    entry.return_comment = comment.strip()
    entry.save(update_fields=["status", "return_comment", "updated_at"])
    _event(entry, supervisor, HoursEntryEvent.Action.RETURNED, comment.strip())
    return entry
